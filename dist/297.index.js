export const id = 297;
export const ids = [297];
export const modules = {

/***/ 297:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ handOutKey),
/* harmony export */   runCreate: () => (/* binding */ runCreate)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4852);
/* harmony import */ var _core_instance_label_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(339);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1394);
/* harmony import */ var _core_permissions_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5139);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8770);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3016);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8813);









/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
async function runCreate(settings, deps) {
    const { runner } = deps;
    if (settings.exportConfig)
        (0,_config_file_js__WEBPACK_IMPORTED_MODULE_1__/* .checkConfigFileFree */ .rV)(deps.configFilePath);
    const kind = settings.revoke === 'never' ? 'keep' : 'job';
    // Loaded only for a dry run: the main and post steps of a real run never need it.
    if (settings.dryRun)
        return (await __webpack_require__.e(/* import() */ 679).then(__webpack_require__.bind(__webpack_require__, 5060))).planCreate(settings, kind, deps);
    // The job's instance label, saved first: post destroys by it with instances: destroy.
    const instanceLabel = (0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_2__/* .formatInstanceLabel */ .JA)({
        ...settings.context,
        expiresAt: (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .deadlineFrom */ .vN)(deps.now(), settings.ttlMs),
        nonce: deps.instanceNonce?.() ?? (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex'),
    });
    runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.instanceLabel, instanceLabel);
    if (settings.instances.instances === 'destroy') {
        runner.info("instances: destroy — the post step destroys every Vast.ai instance labelled with this job's instance label; the parent key (admin-api-key) needs instance_read and instance_write, which reach every instance of the account (docs/instances.md).");
        // Loaded only here: a job with instances: keep never needs the instance routes.
        const { checkInstanceAccess } = await __webpack_require__.e(/* import() */ 870).then(__webpack_require__.bind(__webpack_require__, 3870));
        await checkInstanceAccess(deps.client, instanceLabel);
    }
    const created = await (0,_mint_js__WEBPACK_IMPORTED_MODULE_6__/* .mintKey */ .uY)({ ...settings, kind }, deps);
    await handOutKey(settings, created, {
        runner,
        configFilePath: deps.configFilePath,
        instanceLabel,
        // Nobody can use a key the step fails to hand out: delete it now, whatever revoke says.
        discard: () => deps.cleanupClient().then((client) => (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteKey */ .l0)(client, created.id)),
    });
}
/**
 * Hands a masked key out exactly as create mode does: the config file (export-config), the
 * outputs, VAST_API_KEY (export-env), a log line and the job summary. The key must already be
 * masked (runner.setSecret) by whoever got it.
 */
async function handOutKey(settings, created, deps) {
    const { runner } = deps;
    const { name, expiresAt } = created;
    if (settings.exportConfig) {
        let written;
        try {
            written = (0,_config_file_js__WEBPACK_IMPORTED_MODULE_1__/* .writeConfigFile */ .o5)(deps.configFilePath, created.key);
        }
        catch (error) {
            await deps
                .discard()
                .catch(() => runner.info(`Key ${created.id} is left to the post step or a sweep.`));
            throw error;
        }
        runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.configFile, JSON.stringify(written));
        runner.info(`Wrote the key to ${written.path} (mode 0600) for the Vast CLI and SDK.`);
    }
    const permissions = (0,_core_permissions_js__WEBPACK_IMPORTED_MODULE_4__/* .permissionsJson */ .FU)(settings.permissions);
    runner.setOutput('api-key', created.key);
    runner.setOutput('key-id', String(created.id));
    runner.setOutput('key-name', name);
    runner.setOutput('expires-at', (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .isoSeconds */ .nE)(expiresAt));
    runner.setOutput('permissions', permissions);
    if (settings.exportEnv)
        runner.exportVariable('VAST_API_KEY', created.key);
    if (deps.instanceLabel) {
        runner.setOutput('instance-label', deps.instanceLabel);
        if (settings.exportEnv)
            runner.exportVariable('VAST_INSTANCE_LABEL', deps.instanceLabel);
        runner.info(`Instance label: ${deps.instanceLabel} (${deps.from ? 'the key broker destroys every instance with this label when the post step ends the key' : settings.instances.instances === 'destroy' ? 'the post step destroys every instance with this label' : 'instances: keep, so the post step leaves instances alone; a sweep with instances: destroy ends them after the deadline'}).`);
    }
    // A category limited to some actions shows them: instance_write[api.instance.destroy+constraints].
    const categories = Object.entries(settings.permissions.api)
        .map(([category, actions]) => {
        const limits = Object.entries(actions).map(([name, rule]) => `${name}${rule.constraints ? '+constraints' : ''}`);
        return limits.length ? `${category}[${limits.join(' ')}]` : category;
    })
        .join(', ');
    runner.info(`${deps.from ? 'Got' : 'Created'} Vast.ai key ${created.id}${deps.from ?? ''} (${categories}), deadline ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .isoSeconds */ .nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    if (!settings.exportEnv)
        runner.info(`VAST_API_KEY was not exported (export-env is off): later steps get the key from the api-key output${settings.exportConfig ? ' or the Vast CLI key file' : ''}.`);
    runner.appendSummary(`### Vast.ai scoped key\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_7__/* .markdownTable */ .Q)(['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'], [
            [
                String(created.id),
                name,
                permissions,
                (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .isoSeconds */ .nE)(expiresAt),
                settings.revoke === 'post'
                    ? 'by the post step (its line follows)'
                    : 'by a sweep or delete step',
            ],
        ]));
}


/***/ }),

/***/ 8813:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c4: () => (/* reexport safe */ _state_js__WEBPACK_IMPORTED_MODULE_6__.c4),
/* harmony export */   uY: () => (/* binding */ mintKey)
/* harmony export */ });
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);
/* harmony import */ var _signals_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7599);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9416);
/* harmony import */ var _core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7394);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(200);







/**
 * The life of one minted key, shared by create and rotate: its state for the post step, the
 * create request with lost answers resolved by name, cleanup after a cancel, and the post step
 * that deletes what main made.
 */

/** Creates the key (state first, so post can always find it), masks it, records its id. */
async function mintKey(request, deps) {
    const { runner, client } = deps;
    // The parent's id (an answer naming it is refused), and Vast's clock for the deadline.
    const parentKeyId = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .parentKeyIdIfKnown */ .rd)(client);
    const skew = (0,_core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .clockWarning */ .hv)(client, "the key's deadline");
    if (skew)
        runner.warning(skew);
    const expiresAt = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .deadlineFrom */ .vN)((0,_core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .vastTime */ .AW)(client, deps.now()), request.ttlMs);
    const name = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .formatKeyName */ .yv)({
        label: request.label,
        kind: request.kind,
        expiresAt,
        ...request.context,
        ...(request.target ? { target: request.target } : {}),
        nonce: deps.nonce(),
    });
    // Saved before the request goes out: if the answer never arrives (lost, cancelled, killed),
    // post can still find the key by its unique name.
    const state = {
        apiUrl: request.apiUrl,
        name,
        revoke: request.revoke,
        cleanupFailure: request.cleanupFailure,
        requestTimeoutMs: request.requestTimeoutMs,
        maxAttempts: request.maxAttempts,
    };
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.mode, 'create');
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.create, JSON.stringify(state));
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.pending, 'true');
    let uncertain = false;
    // The send time of the request in flight, and of the last one that got no answer.
    let sentAt = 0;
    let uncertainAt = 0;
    const onSend = () => {
        sentAt = Date.now();
        runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.sentAt, String(sentAt));
    };
    // The answer to a create was lost: find out by name whether it made the key, delete what it
    // made, and only then try again.
    const resolveLostCreate = async (error) => {
        uncertain = true;
        uncertainAt = sentAt;
        const removed = await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteStepKeys */ .Ky)(client, name);
        runner.info(`${error.message}; the request may have been applied: ${removed.length > 0 ? `deleted the ${removed.length} key(s) it made` : 'no key was made so far'}. Trying again.`);
        return 'retry';
    };
    let created;
    try {
        created = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .createKey */ .cF)(client, { name, permissions: request.permissions, parentKeyId }, resolveLostCreate, onSend);
    }
    catch (error) {
        // An ambiguous create, even one followed by a definite error, may have left a key.
        const ambiguous = error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h ? error.ambiguous : true;
        if (ambiguous && sentAt)
            uncertainAt = sentAt;
        uncertain ||= ambiguous;
        if (!uncertain)
            runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.pending, 'false');
        else if (uncertainAt)
            runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.uncertainAt, String(uncertainAt));
        if (error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h && error.kind === 'aborted' && uncertainAt) {
            await cleanUpAfterCancel(deps, name, uncertainAt, request.requestTimeoutMs);
        }
        throw explainCreateError(error, uncertain, Object.keys(request.permissions.api));
    }
    runner.setSecret(created.key.reveal());
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.keyId, String(created.id));
    // After an uncertain create, post also looks by name: an attempt the API applied only after
    // the action gave up on it (a timeout) can still appear later.
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.pending, uncertain ? 'true' : 'false');
    if (uncertain)
        runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.uncertainAt, String(uncertainAt));
    return { id: created.id, key: created.key, name, expiresAt };
}
/** Room kept before the runner's SIGTERM for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000;
/**
 * Cancelled while the create was in flight: the key may exist, or appear once Vast applies the
 * request. Look now and, when the window for a late apply ends within the runner's grace, wait
 * for it and look again; otherwise the post step looks again after the window.
 */
async function cleanUpAfterCancel(deps, name, uncertainAt, requestTimeoutMs) {
    const started = Date.now();
    const windowEnd = (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .uncertaintyEnd */ .iy)(uncertainAt, requestTimeoutMs);
    const lastLookBy = started + _signals_js__WEBPACK_IMPORTED_MODULE_1__/* .CANCEL_CLEANUP_BUDGET_MS */ .vb - LAST_LOOK_RESERVE_MS;
    try {
        const client = await deps.cleanupClient();
        const result = windowEnd <= lastLookBy
            ? await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteLateKeys */ .oW)({
                client,
                stepName: name,
                uncertainAt,
                requestTimeoutMs,
                lastLookBy: () => lastLookBy,
                log: (message) => deps.runner.info(message),
            })
            : { deleted: await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteStepKeys */ .Ky)(client, name), covered: false };
        deps.runner.info(`Cancelled during the create request; ${result.deleted.length > 0 ? `deleted the ${result.deleted.length} key(s) it made` : 'no key was made so far'}. ` +
            (result.covered
                ? 'Vast can no longer apply the request.'
                : `Vast could still apply the request until ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(new Date(windowEnd))}: the post step looks again (it can wait up to 48s; a key made later is left to a sweep).`));
    }
    catch (error) {
        deps.runner.info(`Cancelled during the create request; could not check for a key now (${error.message}). The post step looks for it by name.`);
    }
}
/** `asked`: the categories the new key asked for, named in a refusal (the parent must hold each). */
function explainCreateError(error, uncertain, asked) {
    if (!(error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h))
        return error;
    if (error.kind === 'aborted')
        return error;
    const hint = (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .accessHint */ .ux)(error);
    // The API's message may end its own sentence: never two full stops.
    const said = error.message.replace(/\.$/, '');
    if (uncertain && hint) {
        return new Error(`${said}. ${hint}. A create request may have made a key that this parent key cannot look for: ` +
            'the post step tries again, and if it cannot, delete it in the Vast console (Account, API keys)');
    }
    if (uncertain) {
        return new Error(`${said}. A create request may have made the key; the post step looks for it by name and deletes it.`);
    }
    if (error.status === 429) {
        return new Error(`${said}. Still rate limited when create-budget ran out: every job sharing one parent key shares Vast's create rate ` +
            '(about one key per 2 s). Raise create-budget, or run fewer jobs at once (strategy.max-parallel).');
    }
    if (error.operation.startsWith('Create') &&
        !error.edge &&
        (error.status === 401 || error.status === 403)) {
        // Vast answers 401 "Invalid user key" for a key it does not know (vast-api.md, E2/E6); any
        // other refusal of a known key is a missing scope or a grant beyond what it holds (E1).
        const unknownKey = /invalid user key/i.test(error.apiMessage ?? '');
        return new Error(unknownKey
            ? `${said}. The parent key (admin-api-key) is not a live Vast.ai key: it is wrong, cut short or deleted. Check the secret.`
            : `${said}. The parent key (admin-api-key) was refused: it lacks user_write, ` +
                `or does not hold every permission asked for (${asked.join(', ')}; a key cannot grant more than it holds).`);
    }
    return error;
}


/***/ }),

/***/ 7394:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ky: () => (/* binding */ deleteStepKeys),
/* harmony export */   Xx: () => (/* binding */ sameStep),
/* harmony export */   iy: () => (/* binding */ uncertaintyEnd),
/* harmony export */   oW: () => (/* binding */ deleteLateKeys)
/* harmony export */ });
/* unused harmony exports LATE_APPLY_MIN_MARGIN_MS, lateApplyMarginMs, findStepKeys */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8571);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1394);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);




/**
 * The keys one step run made, found by what their names carry, and the window in which a create
 * request that got no answer can still be applied by the server.
 */
/**
 * The least time (ms) added to `request-timeout` after the last create request that got no
 * answer. The action stops waiting for an answer after request-timeout, but a server that
 * received the request may still be working on it: the same load that made it slow can make it
 * slower still. A server applying it just after the client gave up (say 2 s after a 1 s
 * request-timeout) must land before post's last look, with room for the send time being read a
 * moment before the bytes leave, a `Date`-less clock, and a list that reads from a replica a
 * moment behind the write: 10 s, five times Vast's documented create interval (vast-api.md).
 */
const LATE_APPLY_MIN_MARGIN_MS = 10_000;
/**
 * The margin (ms) after `request-timeout` in which Vast may still apply an unanswered create:
 * half the request-timeout again (a server slower than request-timeout may be slower still), and
 * never less than {@link LATE_APPLY_MIN_MARGIN_MS}. A server that holds a request longer than
 * that is not covered by post: the run-aware sweep (`mode: sweep` with `github-token`) deletes
 * such a key once the run has completed (docs/reliability.md).
 */
function lateApplyMarginMs(requestTimeoutMs) {
    return Math.max(LATE_APPLY_MIN_MARGIN_MS, Math.ceil(requestTimeoutMs / 2));
}
/** The moment (epoch ms) after which a create sent at `sentAt` can no longer be applied. */
function uncertaintyEnd(sentAt, requestTimeoutMs) {
    return sentAt + requestTimeoutMs + lateApplyMarginMs(requestTimeoutMs);
}
/** The fields that say which step run made a key (the deadline and label are not compared). */
function stepOf(fields) {
    return JSON.stringify([
        fields.kind,
        fields.repository.toLowerCase(),
        fields.runId,
        fields.runAttempt,
        fields.job,
        fields.target ?? '',
        fields.nonce,
    ]);
}
/**
 * Whether `name` was made by the same step run as `stepName` (the name main saved in state):
 * same kind, repository, run id and attempt, job, target and nonce. Unparseable names never match.
 */
function sameStep(name, stepName) {
    const mine = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .parseKeyName */ .wN)(stepName);
    const other = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .parseKeyName */ .wN)(name);
    return mine !== undefined && other !== undefined && stepOf(mine) === stepOf(other);
}
/** Live keys made by the step run that named its key `stepName`, but `except`. */
async function findStepKeys(client, stepName, except) {
    return (await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .listKeys */ .TH)(client)).filter((key) => key.id !== except && sameStep(key.name, stepName));
}
/** Deletes every live key of the step run (but `except`); returns the keys that went. */
async function deleteStepKeys(client, stepName, except) {
    const found = await findStepKeys(client, stepName, except);
    for (const key of found)
        await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, key.id);
    return found;
}
/**
 * Looks for keys of the step now, then, if the window in which an unanswered create can still be
 * applied has not ended, waits for its end (never past `lastLookBy`) and looks again. Says in the
 * log what it waits for and why. Errors from the API are thrown.
 */
async function deleteLateKeys(check) {
    const now = check.now ?? Date.now;
    const windowEnd = uncertaintyEnd(check.uncertainAt, check.requestTimeoutMs);
    const deleted = await deleteStepKeys(check.client, check.stepName, check.except);
    if (now() >= windowEnd)
        return { deleted, covered: true, windowEnd };
    const waitUntil = () => Math.min(windowEnd, check.lastLookBy());
    check.log(`A create request sent at ${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .isoSeconds */ .nE)(new Date(check.uncertainAt))} got no answer; Vast could still apply it until ` +
        `${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .isoSeconds */ .nE)(new Date(windowEnd))} (request-timeout ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(check.requestTimeoutMs)} + a margin of ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(lateApplyMarginMs(check.requestTimeoutMs))} for a server still working on it). ` +
        `Waiting ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(Math.max(1000, Math.ceil((waitUntil() - now()) / 1000) * 1000))} to look again.`);
    // Polled, so that a cancel that shortens the budget also shortens the wait.
    try {
        while (now() < waitUntil()) {
            await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(Math.min(250, waitUntil() - now()), undefined, check.signal ? { signal: check.signal } : {});
        }
    }
    catch {
        // Cancelled while waiting: what was found so far is deleted; the caller says what is left.
        return { deleted, covered: false, windowEnd };
    }
    deleted.push(...(await deleteStepKeys(check.client, check.stepName, check.except)));
    return { deleted, covered: now() >= windowEnd, windowEnd };
}


/***/ }),

/***/ 9416:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AW: () => (/* binding */ vastTime),
/* harmony export */   hv: () => (/* binding */ clockWarning)
/* harmony export */ });
/* unused harmony exports CLOCK_NOISE_MS, CLOCK_TOLERANCE_MS */
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8571);

/**
 * Vast's clock, as its answers' `Date` header (RFC 9110) shows it. Deadlines written into key
 * names and the sweep that reads them back are judged by it, so a runner whose clock is wrong
 * neither writes a deadline already past nor ends a running job's key.
 */
/** A difference up to this (ms) is the header's whole seconds and the round trip: not a skew. */
const CLOCK_NOISE_MS = 2_000;
/** A difference beyond this (ms) gets a warning: the runner's clock is wrong. */
const CLOCK_TOLERANCE_MS = 60_000;
/**
 * Vast's time now: `local` moved by the client's measured offset ({@link VastClient.clockOffsetMs})
 * when it exceeds {@link CLOCK_NOISE_MS}; `local` itself when it does not, or when no answer had
 * a `Date` header yet.
 */
function vastTime(client, local) {
    const offset = client.clockOffsetMs;
    if (offset === undefined || Math.abs(offset) <= CLOCK_NOISE_MS)
        return local;
    return new Date(local.getTime() + offset);
}
/**
 * The warning for a runner clock more than {@link CLOCK_TOLERANCE_MS} off Vast's, or undefined.
 * `what` says what follows Vast's clock instead (e.g. "the key's deadline").
 */
function clockWarning(client, what) {
    const offset = client.clockOffsetMs;
    if (offset === undefined || Math.abs(offset) <= CLOCK_TOLERANCE_MS)
        return undefined;
    const off = (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(Math.round(Math.abs(offset) / 1000) * 1000);
    return (`The runner's clock is ${off} ${offset > 0 ? 'behind' : 'ahead of'} Vast's (the Date header of its answer); ` +
        `${what} follows Vast's clock. Set the runner's clock right (NTP).`);
}


/***/ })

};
