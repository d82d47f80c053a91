export const id = 413;
export const ids = [413,450];
export const modules = {

/***/ 7394:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ky: () => (/* binding */ deleteStepKeys),
/* harmony export */   iy: () => (/* binding */ uncertaintyEnd),
/* harmony export */   oW: () => (/* binding */ deleteLateKeys)
/* harmony export */ });
/* unused harmony exports LATE_APPLY_MARGIN_MS, sameStep, findStepKeys */
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
 * Added to `request-timeout` after the last create request that got no answer. The action stops
 * waiting for an answer after request-timeout, so by then the request has reached the server or
 * never will; the margin covers the send time being read a moment before the bytes leave, and a
 * list that reads from a replica a moment behind the write. A server that still holds a request
 * longer than this is not covered by post: the run-aware sweep (`mode: sweep` with
 * `github-token`) deletes such a key once the run has completed (docs/reliability.md).
 */
const LATE_APPLY_MARGIN_MS = 2_000;
/** The moment (epoch ms) after which a create sent at `sentAt` can no longer be applied. */
function uncertaintyEnd(sentAt, requestTimeoutMs) {
    return sentAt + requestTimeoutMs + LATE_APPLY_MARGIN_MS;
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
        `${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .isoSeconds */ .nE)(new Date(windowEnd))} (request-timeout ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(check.requestTimeoutMs)} + ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(LATE_APPLY_MARGIN_MS)}). ` +
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

/***/ 3016:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G7: () => (/* binding */ withAccessHint),
/* harmony export */   Ii: () => (/* binding */ requireParentKeyId),
/* harmony export */   QR: () => (/* binding */ currentKeyId),
/* harmony export */   TH: () => (/* binding */ listKeys),
/* harmony export */   cF: () => (/* binding */ createKey),
/* harmony export */   l0: () => (/* binding */ deleteKey),
/* harmony export */   ux: () => (/* binding */ accessHint)
/* harmony export */ });
/* harmony import */ var _secret_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2559);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9867);


/** Vast ids are positive integers; anything else (null, "", 0) is no id at all. */
function positiveId(value) {
    if (typeof value !== 'number' && typeof value !== 'string')
        return undefined;
    if (typeof value === 'string' && !/^\d+$/.test(value))
        return undefined;
    const id = Number(value);
    return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
function invalid(operation, status, detail) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h({
        operation,
        kind: 'invalid-response',
        status,
        retryable: false,
        ambiguous: true,
        detail,
    });
}
/**
 * What to do about a refusal (401/403) of a key-management call, or '' for any other error. Vast
 * gates listing keys and reading the current user behind `user_read`, and creating and deleting
 * keys behind `user_write` (vast-api.md, "Permissions"); a key cannot manage keys without them.
 */
function accessHint(error) {
    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h) || (error.status !== 401 && error.status !== 403))
        return '';
    // A refusal by an edge in front of the API (not Vast's JSON) says nothing about the key.
    if (error.edge)
        return '';
    const write = /^(Create|Delete)/.test(error.operation);
    const category = write ? 'user_write' : 'user_read';
    return (`The parent key (admin-api-key) was refused: it is wrong or deleted, or lacks ${category} ` +
        `(${write ? 'creating and deleting keys' : 'listing keys and reading the current user'} needs it). ` +
        'Give admin-api-key both user_read and user_write');
}
/**
 * Awaits `call`; a refusal (401/403) comes back with {@link accessHint} after Vast's own words:
 * "Delete API key 7 failed: HTTP 403: <Vast's message>. The parent key (admin-api-key) was
 * refused: …" (the order post and create use).
 */
async function withAccessHint(call) {
    try {
        return await call;
    }
    catch (error) {
        const hint = accessHint(error);
        if (!hint || !(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h))
            throw error;
        const hinted = new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h({
            operation: error.operation,
            kind: error.kind,
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.apiMessage === undefined ? {} : { apiMessage: error.apiMessage }),
            retryable: error.retryable,
            ambiguous: error.ambiguous,
        });
        // The API's message may end its own sentence: never two full stops.
        hinted.message = `${error.message.replace(/\.$/, '')}. ${hint}.`;
        throw hinted;
    }
}
/**
 * E1. A create whose answer was lost may have made the key: before sending it again, look the
 * key up by its unique name and delete what is found, so neither an orphan nor a duplicate stays.
 */
async function createKey(client, request, onAmbiguous, onSend) {
    const operation = 'Create API key';
    const { status, data } = await client.call({
        operation,
        method: 'POST',
        path: '/auth/apikeys/',
        body: { name: request.name, permissions: request.permissions },
        idempotent: false,
        onAmbiguous,
        ...(onSend ? { onSend } : {}),
    });
    const record = (data ?? {});
    const id = record.id;
    const key = record.key;
    if (typeof key !== 'string' || !key || (typeof id !== 'number' && typeof id !== 'string')) {
        throw invalid(operation, status, 'the answer has no key id or key value');
    }
    const numericId = Number(id);
    if (!Number.isSafeInteger(numericId))
        throw invalid(operation, status, 'the key id is not a number');
    return { id: numericId, key: new _secret_js__WEBPACK_IMPORTED_MODULE_0__/* .Secret */ .z(key) };
}
/** E2. The answer is `{"apikeys": [...]}`; a bare array is accepted too. */
async function listKeys(client) {
    const operation = 'List API keys';
    const { status, data } = await client.call({
        operation,
        method: 'GET',
        path: '/auth/apikeys/',
        idempotent: true,
    });
    const items = Array.isArray(data) ? data : data?.apikeys;
    if (!Array.isArray(items))
        throw invalid(operation, status, 'the answer has no "apikeys" list');
    const keys = [];
    for (const item of items) {
        const { id, name } = (item ?? {});
        const numericId = positiveId(id);
        if (numericId !== undefined) {
            keys.push({ id: numericId, name: typeof name === 'string' ? name : '' });
        }
    }
    return keys;
}
/** E4. 404 means the key is already gone, which is what we wanted. */
async function deleteKey(client, id) {
    try {
        await client.call({
            operation: `Delete API key ${id}`,
            method: 'DELETE',
            path: `/auth/apikeys/${id}/`,
            idempotent: true,
        });
        return 'deleted';
    }
    catch (error) {
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && error.status === 404)
            return 'already-gone';
        throw error;
    }
}
/** E6. Only the calling key's id is kept: the body may echo the key itself. */
async function currentKeyId(client) {
    const { data } = await client.call({
        operation: 'Read the current user',
        method: 'GET',
        path: '/users/current',
        idempotent: true,
    });
    return positiveId(data?.key_id);
}
/**
 * The parent key's id, which delete, sweep and rotate must never delete. Without it they stop:
 * guessing could delete the key the action runs on.
 */
async function requireParentKeyId(client, doing) {
    const id = await currentKeyId(client);
    if (id === undefined) {
        throw new Error(`Vast did not say which key admin-api-key is (no key_id in /users/current); refusing to ${doing} without knowing which key is the parent`);
    }
    return id;
}


/***/ }),

/***/ 2413:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ removeExportedConfig),
/* harmony export */   runCreatePost: () => (/* binding */ runCreatePost)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1394);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5450);
/* harmony import */ var _core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7394);






/** Room kept at the end of the budget for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000;
/** Post step: delete the key made in main (by id, and by name if its creation was uncertain). */
async function runCreatePost(deps) {
    const { runner, budget } = deps;
    removeExportedConfig(runner);
    const state = (0,_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .readJson */ .V)(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__.STATE.create));
    if (!state) {
        runner.info('Nothing to delete: the main step stopped before it created a key.');
        return;
    }
    const keyId = Number(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__.STATE.keyId)) || undefined;
    const pending = runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__.STATE.pending) === 'true';
    // A rotation that wrote (or may have written) its key into the secret: that key stays; only
    // the strays of an uncertain create of it go.
    const rotated = runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__.STATE.mode) === 'rotated';
    if (rotated && !pending) {
        runner.info('Nothing to clean up: the rotation completed.');
        return;
    }
    const kept = state.revoke === 'never' || rotated ? keyId : undefined;
    if (!keyId && !pending) {
        runner.info('Nothing to delete: the main step created no key.');
        return;
    }
    if (state.revoke === 'never' && keyId && !pending) {
        runner.info(`revoke: never — key ${keyId} stays; a sweep after its deadline or a delete step ends it.`);
        return;
    }
    const summary = [];
    const failures = [];
    const fail = (message) => {
        failures.push(message);
        summary.push(`- ⚠️ ${message}`);
    };
    let client;
    try {
        client = await deps.makeClient(state);
    }
    catch (error) {
        fail(cannotDelete(state, keyId, error));
    }
    if (client && keyId && state.revoke === 'post' && !rotated) {
        try {
            const result = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, keyId);
            const said = result === 'deleted'
                ? `Deleted Vast.ai key ${keyId}.`
                : `Vast.ai key ${keyId} was already gone.`;
            runner.info(said);
            summary.push(`- ${said}`);
        }
        catch (error) {
            fail(cannotDelete(state, keyId, error));
        }
    }
    if (client && pending) {
        // A create request got no answer: Vast may have applied it, now or a little later. The key
        // handed out with revoke: never, or written into a rotation's secret, stays; every other key
        // of this step goes.
        const sentAt = Number(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__.STATE.sentAt)) || 0;
        const uncertainAt = Number(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__.STATE.uncertainAt)) || sentAt;
        try {
            const result = await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteLateKeys */ .oW)({
                client,
                stepName: state.name,
                ...(kept ? { except: kept } : {}),
                uncertainAt,
                requestTimeoutMs: state.requestTimeoutMs,
                lastLookBy: () => budget.deadline() - LAST_LOOK_RESERVE_MS,
                log: (message) => runner.info(message),
                ...(budget.signal ? { signal: budget.signal } : {}),
            });
            const ids = result.deleted.map((key) => key.id);
            const said = ids.length > 0
                ? `Deleted ${ids.length} key(s) left by an uncertain or cancelled create (${ids.join(', ')}).`
                : 'No key was left by the uncertain or cancelled create.';
            runner.info(said);
            summary.push(`- ${said}`);
            if (!result.covered) {
                const late = `Vast could still apply the create request until ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(new Date(result.windowEnd))}, after this step had to stop looking. ${nextStep(state)}`;
                runner.warning(late);
                summary.push(`- ⚠️ ${late}`);
            }
        }
        catch (error) {
            fail(cannotDelete(state, undefined, error));
        }
    }
    if (rotated && keyId) {
        const said = `Key ${keyId}, which the rotation wrote to the secret, stays.`;
        runner.info(said);
        summary.push(`- ${said}`);
    }
    else if (state.revoke === 'never' && keyId) {
        const said = `revoke: never — key ${keyId} stays; a sweep after its deadline or a delete step ends it.`;
        runner.info(said);
        summary.push(`- ${said}`);
    }
    runner.appendSummary(`### Vast.ai scoped key: post step\n\n${summary.join('\n')}\n`);
    for (const message of failures) {
        if (state.cleanupFailure === 'fail')
            runner.setFailed(message);
        else
            runner.warning(message);
    }
}
/**
 * The message for a key that could not be deleted: which key, why, and what to do next. A sweep
 * is named only when it can work: a parent key refused here is refused in a sweep too.
 */
function cannotDelete(state, keyId, error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .accessHint */ .ux)(error);
    const what = keyId !== undefined
        ? `Could not delete the Vast.ai key ${keyId} ("${state.name}")`
        : `Could not check whether a create request left a Vast.ai key named "${state.name}"`;
    const cancelled = error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h && error.kind === 'aborted';
    return `${what}: ${reason}${cancelled ? ' (the runner ends the step soon after a cancel)' : ''}. ${hint ? `${hint}. ` : ''}${nextStep(state, keyId, !hint)}`;
}
function nextStep(state, keyId, sweepCanWork = true) {
    const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .parseKeyName */ .wN)(state.name);
    const deadline = fields ? (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(fields.expiresAt) : 'its deadline';
    const byHand = keyId !== undefined
        ? `delete it with a step using mode: delete and key-id: ${keyId}, or in the Vast console (Account, API keys)`
        : `look for keys with that name in the Vast console (Account, API keys) and delete them`;
    if (!sweepCanWork)
        return `${byHand[0]?.toUpperCase()}${byHand.slice(1)}.`;
    const early = fields?.kind === 'job'
        ? ', or as soon as this run has completed when it is given github-token (docs/reliability.md)'
        : '';
    return `A scheduled sweep (mode: sweep) deletes it after its deadline ${deadline}${early}; or ${byHand}.`;
}
/** Removes the file export-config wrote in main, if it is still that file. */
function removeExportedConfig(runner) {
    const file = (0,_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .readJson */ .V)(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__.STATE.configFile));
    if (!file)
        return;
    try {
        const result = (0,_config_file_js__WEBPACK_IMPORTED_MODULE_0__/* .removeConfigFile */ .X7)(file);
        if (result === 'removed')
            runner.info(`Removed ${file.path}.`);
        if (result === 'replaced') {
            runner.warning(`${file.path} is no longer the file this action wrote; left it alone.`);
        }
    }
    catch (error) {
        runner.warning(`Could not remove ${file.path}: ${error.code ?? 'error'}`);
    }
}


/***/ }),

/***/ 5450:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   STATE: () => (/* binding */ STATE),
/* harmony export */   V: () => (/* binding */ readJson),
/* harmony export */   readMintState: () => (/* binding */ readMintState),
/* harmony export */   u: () => (/* binding */ mintKey)
/* harmony export */ });
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);
/* harmony import */ var _signals_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(970);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7394);





const STATE = {
    mode: 'mode',
    create: 'create',
    keyId: 'key-id',
    /** 'true' while a create may have made a key whose id we do not know (post looks by name). */
    pending: 'create-pending',
    /** When the latest create request was sent (epoch ms), saved before it goes out. */
    sentAt: 'create-sent-at',
    /**
     * When the last create request that got no answer was sent (epoch ms); saved when main knows.
     * Until `request-timeout` (and a margin) after it, Vast may still apply that request.
     */
    uncertainAt: 'create-uncertain-at',
    configFile: 'config-file',
    /** The job's instance label (create mode), saved before the key is made (instances-post.ts). */
    instanceLabel: 'instance-label',
};
/** Creates the key (state first, so post can always find it), masks it, records its id. */
async function mintKey(request, deps) {
    const { runner, client } = deps;
    const expiresAt = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .deadlineFrom */ .vN)(deps.now(), request.ttlMs);
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
    runner.saveState(STATE.mode, 'create');
    runner.saveState(STATE.create, JSON.stringify(state));
    runner.saveState(STATE.pending, 'true');
    let uncertain = false;
    // The send time of the request in flight, and of the last one that got no answer.
    let sentAt = 0;
    let uncertainAt = 0;
    const onSend = () => {
        sentAt = Date.now();
        runner.saveState(STATE.sentAt, String(sentAt));
    };
    // The answer to a create was lost: find out by name whether it made the key, delete what it
    // made, and only then try again.
    const resolveLostCreate = async (error) => {
        uncertain = true;
        uncertainAt = sentAt;
        const removed = await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .deleteStepKeys */ .Ky)(client, name);
        runner.info(`${error.message}; the request may have been applied: ${removed.length > 0 ? `deleted the ${removed.length} key(s) it made` : 'no key was made so far'}. Trying again.`);
        return 'retry';
    };
    let created;
    try {
        created = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .createKey */ .cF)(client, { name, permissions: request.permissions }, resolveLostCreate, onSend);
    }
    catch (error) {
        // An ambiguous create, even one followed by a definite error, may have left a key.
        const ambiguous = error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h ? error.ambiguous : true;
        if (ambiguous && sentAt)
            uncertainAt = sentAt;
        uncertain ||= ambiguous;
        if (!uncertain)
            runner.saveState(STATE.pending, 'false');
        else if (uncertainAt)
            runner.saveState(STATE.uncertainAt, String(uncertainAt));
        if (error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h && error.kind === 'aborted' && uncertainAt) {
            await cleanUpAfterCancel(deps, name, uncertainAt, request.requestTimeoutMs);
        }
        throw explainCreateError(error, uncertain);
    }
    runner.setSecret(created.key.reveal());
    runner.saveState(STATE.keyId, String(created.id));
    // After an uncertain create, post also looks by name: an attempt the API applied only after
    // the action gave up on it (a timeout) can still appear later.
    runner.saveState(STATE.pending, uncertain ? 'true' : 'false');
    if (uncertain)
        runner.saveState(STATE.uncertainAt, String(uncertainAt));
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
    const windowEnd = (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .uncertaintyEnd */ .iy)(uncertainAt, requestTimeoutMs);
    const lastLookBy = started + _signals_js__WEBPACK_IMPORTED_MODULE_1__/* .CANCEL_CLEANUP_BUDGET_MS */ .vb - LAST_LOOK_RESERVE_MS;
    try {
        const client = await deps.cleanupClient();
        const result = windowEnd <= lastLookBy
            ? await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .deleteLateKeys */ .oW)({
                client,
                stepName: name,
                uncertainAt,
                requestTimeoutMs,
                lastLookBy: () => lastLookBy,
                log: (message) => deps.runner.info(message),
            })
            : { deleted: await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .deleteStepKeys */ .Ky)(client, name), covered: false };
        deps.runner.info(`Cancelled during the create request; ${result.deleted.length > 0 ? `deleted the ${result.deleted.length} key(s) it made` : 'no key was made so far'}. ` +
            (result.covered
                ? 'Vast can no longer apply the request.'
                : `Vast could still apply the request until ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(new Date(windowEnd))}: the post step looks again (it can wait up to 48s; a key made later is left to a sweep).`));
    }
    catch (error) {
        deps.runner.info(`Cancelled during the create request; could not check for a key now (${error.message}). The post step looks for it by name.`);
    }
}
function explainCreateError(error, uncertain) {
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
                'or does not hold every permission asked for (a key cannot grant more than it holds).');
    }
    return error;
}
/** The create state main saved, or undefined. */
function readMintState(runner) {
    return readJson(runner.getState(STATE.create));
}
/** A state value written as JSON; undefined when absent or unreadable. */
function readJson(raw) {
    if (!raw)
        return undefined;
    try {
        return JSON.parse(raw);
    }
    catch {
        return undefined;
    }
}


/***/ })

};
