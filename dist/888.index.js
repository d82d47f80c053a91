export const id = 888;
export const ids = [888];
export const modules = {

/***/ 6888:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runCreatePost: () => (/* binding */ runCreatePost)
/* harmony export */ });
/* unused harmony export stateProblems */
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8770);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3016);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(200);
/* harmony import */ var _core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(7394);






/** Room kept at the end of the budget for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000;
/**
 * Post step: delete the key made in main (by id, and by name if its creation was uncertain).
 * State is main's (src/action/modes/state.ts), and is still checked against the inputs before the parent
 * key is sent anywhere: see {@link stateProblems}. The key deleted by id must be listed under the
 * name main gave it, so a create answer naming another key (the parent, another job's) deletes
 * nothing.
 */
async function runCreatePost(deps) {
    const { runner, budget, inputs } = deps;
    (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .removeExportedConfig */ .GQ)(runner);
    const mode = runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_3__/* .STATE */ .c4.mode);
    const state = (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .readJson */ .Vh)(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_3__/* .STATE */ .c4.create));
    const savedId = (0,_state_js__WEBPACK_IMPORTED_MODULE_3__/* .readKeyId */ .jN)(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_3__/* .STATE */ .c4.keyId));
    const problems = stateProblems(mode, state, savedId, inputs);
    if (!state || problems.length > 0) {
        if (problems.length === 0) {
            runner.info('Nothing to delete: the main step stopped before it created a key.');
            return;
        }
        // Nothing is sent, so the parent key goes nowhere a forged value names.
        const strict = inputs.mode === 'create' && inputs.cleanupFailure === 'fail';
        const message = untrusted(problems, savedId);
        runner.appendSummary(`### Vast.ai scoped key: post step\n\n- ⚠️ ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownText */ .p)(message)}\n`);
        if (strict || state?.cleanupFailure === 'fail')
            runner.setFailed(message);
        else
            runner.warning(message);
        return;
    }
    const keyId = typeof savedId === 'number' ? savedId : undefined;
    const pending = runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_3__/* .STATE */ .c4.pending) === 'true';
    // A rotation that wrote (or may have written) its key into the secret: that key stays; only
    // the strays of an uncertain create of it go.
    const rotated = mode === 'rotated';
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
    const cleanupFailure = inputs.mode === 'create' && inputs.cleanupFailure === 'fail' ? 'fail' : state.cleanupFailure;
    const summary = [];
    const failures = [];
    const fail = (message) => {
        failures.push(message);
        summary.push(`- ⚠️ ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownText */ .p)(message)}`);
    };
    const said = (message) => {
        runner.info(message);
        summary.push(`- ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownText */ .p)(message)}`);
    };
    let client;
    try {
        // The input's api-url (equal to the state's, checked above): never a URL state alone names.
        client = await deps.makeClient(inputs.apiUrl ?? '', state);
    }
    catch (error) {
        fail(cannotDelete(state, keyId, error));
    }
    if (client && keyId && state.revoke === 'post' && !rotated) {
        try {
            // Deleted only when Vast lists it under the name main gave it: a create answer that named
            // another key (the parent, another job's) deletes nothing.
            const listed = (await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .listKeys */ .TH)(client)).find((key) => key.id === keyId);
            if (!listed) {
                said(`Vast.ai key ${keyId} was already gone (the parent key's list no longer has it).`);
            }
            else if (!(0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .sameStep */ .Xx)(listed.name, state.name)) {
                fail(`Did not delete Vast.ai key ${keyId}: Vast lists it as "${listed.name}", not under the name the main step gave its key ("${state.name}"), so it is not this step's key. ` +
                    `The create answer named another key; look for keys named "${state.name}" in the Vast console (Account, API keys) and delete them, or let a scheduled sweep (mode: sweep) delete them after their deadline.`);
            }
            else {
                const result = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKey */ .l0)(client, keyId);
                said(result === 'deleted'
                    ? `Deleted Vast.ai key ${keyId}.`
                    : `Vast.ai key ${keyId} was already gone.`);
            }
        }
        catch (error) {
            fail(cannotDelete(state, keyId, error));
        }
    }
    if (client && pending) {
        // A create request got no answer: Vast may have applied it, now or a little later. The key
        // handed out with revoke: never, or written into a rotation's secret, stays; every other key
        // of this step goes.
        const sentAt = Number(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_3__/* .STATE */ .c4.sentAt)) || 0;
        const uncertainAt = Number(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_3__/* .STATE */ .c4.uncertainAt)) || sentAt;
        try {
            const result = await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_4__/* .deleteLateKeys */ .oW)({
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
            said(ids.length > 0
                ? `Deleted ${ids.length} key(s) left by an uncertain or cancelled create (${ids.join(', ')}).`
                : 'No key was left by the uncertain or cancelled create.');
            if (!result.covered) {
                const late = `Vast could still apply the create request until ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(new Date(result.windowEnd))}, after this step had to stop looking. ${nextStep(state)}`;
                runner.warning(late);
                summary.push(`- ⚠️ ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownText */ .p)(late)}`);
            }
        }
        catch (error) {
            fail(cannotDelete(state, undefined, error));
        }
    }
    if (rotated && keyId) {
        said(`Key ${keyId}, which the rotation wrote to the secret, stays.`);
    }
    else if (state.revoke === 'never' && keyId) {
        said(`revoke: never — key ${keyId} stays; a sweep after its deadline or a delete step ends it.`);
    }
    runner.appendSummary(`### Vast.ai scoped key: post step\n\n${summary.join('\n')}\n`);
    for (const message of failures) {
        if (cleanupFailure === 'fail')
            runner.setFailed(message);
        else
            runner.warning(message);
    }
}
/**
 * Why the post step cannot act on state, or []: each check compares what main saved with the
 * inputs post runs with, which no other step can change (src/action/inputs/post.ts). Main saves every
 * state name first (src/action/modes/state.ts), so a mismatch means the inputs changed between the two
 * steps (an expression over something another step wrote) or state was not main's.
 */
function stateProblems(mode, state, keyId, inputs) {
    const problems = [];
    const expected = inputs.mode === 'rotate' ? ['create', 'rotated'] : inputs.mode === 'create' ? ['create'] : [];
    if (!expected.includes(mode) || (inputs.mode === 'create' && inputs.broker)) {
        problems.push(`the saved mode '${mode}' does not fit mode: ${inputs.mode ?? '(not a mode)'}${inputs.broker ? ' with broker-url' : ''}`);
    }
    if (keyId === 'invalid')
        problems.push('the saved key id is not a positive integer');
    if (!state) {
        if (keyId !== undefined)
            problems.push('a key id was saved without the key it belongs to');
        return problems;
    }
    if (typeof state.apiUrl !== 'string' || state.apiUrl !== inputs.apiUrl) {
        problems.push(`the saved API URL (${String(state.apiUrl)}) is not the api-url input (${inputs.apiUrl ?? 'not a valid URL'})`);
    }
    const fields = typeof state.name === 'string' ? (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(state.name) : undefined;
    const kind = inputs.mode === 'rotate' ? ['rot'] : inputs.revoke === 'never' ? ['keep'] : ['job'];
    if (!fields || !kind.includes(fields.kind)) {
        problems.push('the saved key name is not one this mode gives its keys');
    }
    const revoke = inputs.mode === 'rotate' ? 'post' : inputs.revoke;
    if (state.revoke !== revoke) {
        problems.push(`the saved revoke (${String(state.revoke)}) is not the revoke input (${revoke ?? 'not post or never'})`);
    }
    if (!Number.isSafeInteger(state.requestTimeoutMs) ||
        state.requestTimeoutMs <= 0 ||
        !Number.isSafeInteger(state.maxAttempts) ||
        state.maxAttempts <= 0) {
        problems.push('the saved request-timeout or max-attempts is not a positive integer');
    }
    return problems;
}
/** The warning when state is not acted on: what did not match, which key, and what to do. */
function untrusted(problems, keyId) {
    const key = typeof keyId === 'number' ? `Vast.ai key ${keyId}` : 'any key the main step made';
    return (`The post step deleted nothing and sent the parent key nowhere: the state it was given does not match its inputs (${problems.join('; ')}). ` +
        `If the main step made a key, ${key} stays until a scheduled sweep (mode: sweep) deletes it after its deadline; or delete it in the Vast console (Account, API keys).`);
}
/**
 * The message for a key that could not be deleted: which key, why, and what to do next. A sweep
 * is named only when it can work: a parent key refused here is refused in a sweep too.
 */
function cannotDelete(state, keyId, error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .accessHint */ .ux)(error);
    const what = keyId !== undefined
        ? `Could not delete the Vast.ai key ${keyId} ("${state.name}")`
        : `Could not check whether a create request left a Vast.ai key named "${state.name}"`;
    const cancelled = error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && error.kind === 'aborted';
    return `${what}: ${reason}${cancelled ? ' (the runner ends the step soon after a cancel)' : ''}. ${hint ? `${hint}. ` : ''}${nextStep(state, keyId, !hint)}`;
}
function nextStep(state, keyId, sweepCanWork = true) {
    const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(state.name);
    const deadline = fields ? (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(fields.expiresAt) : 'its deadline';
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


/***/ }),

/***/ 8770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ markdownTable),
/* harmony export */   p: () => (/* binding */ markdownText)
/* harmony export */ });
/**
 * Text from outside (key names read from Vast, API messages, GitHub run names, the key-name
 * input) made to render as itself in the job summary, which GitHub renders as GitHub Flavored
 * Markdown with HTML: never an image, a link, an @mention, a table cell break, an HTML tag or
 * emphasis. What is changed, and nothing else (a key name `ci [vsk2 m=job …]` stays as it is):
 *
 * - `\` doubled first, so no backslash in the text can undo an escape below.
 * - `&`, `<`, `>` become entities: no HTML tag, comment, entity or `<…>` autolink starts.
 * - `![`, `](` and `][` get a backslash before their bracket: no image or link (a reference
 *   definition needs a line start, which outside text never has here).
 * - `|` (table cells), `*`, `` ` ``, `~`, and `_` where it could open or close emphasis (not
 *   between two letters or digits) are backslash-escaped; CommonMark renders `\x` as `x` for any
 *   ASCII punctuation.
 * - GitHub links @mentions, e-mail addresses, `www.` and `scheme://` after parsing, in the rendered
 *   text, where escapes are gone (the "transform time" autolinks described in the notes of
 *   micromark-extension-gfm-autolink-literal): a zero-width space (U+200B) after `@`, after `www`
 *   before its dot, and after `:` before `//`, breaks each match and shows the same text.
 * - Line ends become spaces: a value stays on one line, and in its table cell.
 */
function markdownText(text) {
    return text
        .replace(/\\/g, '\\\\')
        .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
        .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
        .replace(/!\[/g, '!\\[')
        .replace(/\]([[(])/g, '\\]$1')
        .replace(/[|*`~]/g, (c) => `\\${c}`)
        .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
        .replace(/@/g, '@\u200b')
        .replace(/(www)\./gi, '$1\u200b.')
        .replace(/:\/\//g, ':\u200b//');
}
/**
 * A Markdown table for the job summary. Every cell, header or row, is text
 * ({@link markdownText}): a name cannot break the table, nor become a link, image, mention or tag.
 */
function markdownTable(headers, rows) {
    const line = (cells) => `| ${cells.map(markdownText).join(' | ')} |`;
    return ([line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') +
        '\n');
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

/***/ 3016:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G7: () => (/* binding */ withAccessHint),
/* harmony export */   Gq: () => (/* binding */ invalid),
/* harmony export */   Ii: () => (/* binding */ requireParentKeyId),
/* harmony export */   QR: () => (/* binding */ currentKeyId),
/* harmony export */   TH: () => (/* binding */ listKeys),
/* harmony export */   cF: () => (/* binding */ createKey),
/* harmony export */   l0: () => (/* binding */ deleteKey),
/* harmony export */   rd: () => (/* binding */ parentKeyIdIfKnown),
/* harmony export */   ux: () => (/* binding */ accessHint)
/* harmony export */ });
/* unused harmony exports KEY_VALUE_LENGTH, keyValueProblem, parseCreateAnswer, parseListAnswer, saysKeyNotFound */
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
/**
 * An answer that cannot be what the route returns (a missing or malformed field): never retried,
 * and ambiguous, since the request may have been applied. Shared by the key and instance routes.
 */
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
 * What a create answer's key value may be: 16 to 512 printable ASCII characters, without spaces
 * and without `%`. Vast's keys are 64 hex characters, or `vast-` and letters and digits as its
 * reference shows (vast-api.md, E1: only `id` and `key` are certain); the bounds leave room for
 * other forms while refusing what would break the steps it is handed to: a key of a few
 * characters (masking it would hide those letters everywhere in the log), one too long for an
 * environment variable (E2BIG), and whitespace, control characters or `%` (a runner command's
 * escape character), which could split or unmask it in the log, the env file or the config file.
 */
const KEY_VALUE_LENGTH = { min: 16, max: 512 };
const KEY_VALUE_CHARACTERS = /^[\x21-\x24\x26-\x7e]+$/;
/**
 * Why `value` cannot be a key value to mask and hand out, or undefined when it can. Never says
 * the value itself.
 */
function keyValueProblem(value) {
    if (typeof value !== 'string' || value === '')
        return 'the answer has no key value';
    if (value.length < KEY_VALUE_LENGTH.min)
        return `the key value is ${value.length} characters long, shorter than any Vast key (at least ${KEY_VALUE_LENGTH.min})`;
    if (value.length > KEY_VALUE_LENGTH.max)
        return `the key value is ${value.length} characters long, longer than any Vast key (at most ${KEY_VALUE_LENGTH.max})`;
    if (!KEY_VALUE_CHARACTERS.test(value))
        return 'the key value has characters no Vast key has (whitespace, control characters, % or beyond printable ASCII)';
    return undefined;
}
/**
 * Reads a create answer (E1) and refuses one that cannot be the new key: an id that is not a
 * positive safe integer (0, negative, a float, a string of anything but digits) or is the parent
 * key's id; a key value that {@link keyValueProblem} refuses or that is the parent key itself; a
 * `name`, when the answer has one, other than the name sent. Throws a non-retryable, ambiguous
 * `invalid-response` VastApiError whose message says what was wrong and never the value.
 */
function parseCreateAnswer(client, request, status, data) {
    const operation = 'Create API key';
    const record = (typeof data === 'object' && data !== null ? data : {});
    const refuse = (why) => invalid(operation, status, `${why}; the answer was refused and no key was handed out`);
    // A number, as the contract shows (E1 `"id": <int>`): a string, even of digits, is refused.
    const id = typeof record.id === 'number' ? positiveId(record.id) : undefined;
    if (id === undefined)
        throw refuse('the answer has no key id that is a positive whole number');
    if (id === request.parentKeyId)
        throw refuse(`the answer names the parent key's id (${id})`);
    const problem = keyValueProblem(record.key);
    if (problem)
        throw refuse(problem);
    const key = record.key;
    if (client.holdsKey(key))
        throw refuse('the key value is the parent key (admin-api-key) itself');
    if ('name' in record && record.name !== request.name) {
        throw refuse('the answer names another key than the one asked for');
    }
    return { id, key: new _secret_js__WEBPACK_IMPORTED_MODULE_0__/* .Secret */ .z(key) };
}
/**
 * E1. A create whose answer was lost may have made the key: before sending it again, look the
 * key up by its unique name and delete what is found, so neither an orphan nor a duplicate stays.
 * An answer {@link parseCreateAnswer} refuses is never used: the keys with the name sent (never
 * the parent key) are looked for and deleted at once, and the refusal is thrown; the caller
 * treats it as an uncertain create (post looks by name again).
 */
async function createKey(client, request, onAmbiguous, onSend) {
    const { status, data } = await client.call({
        operation: 'Create API key',
        method: 'POST',
        path: '/auth/apikeys/',
        body: { name: request.name, permissions: request.permissions },
        idempotent: false,
        onAmbiguous,
        ...(onSend ? { onSend } : {}),
    });
    try {
        return parseCreateAnswer(client, request, status, data);
    }
    catch (error) {
        if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h))
            throw error;
        // Vast answered, so whatever the request made exists now: delete it by its unique name.
        const cleaned = await deleteNamedKeys(client, request.name, request.parentKeyId).then((ids) => ids.length > 0
            ? `deleted the key it made (${ids.join(', ')})`
            : 'no key of its name exists', () => undefined);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h({
            operation: error.operation,
            kind: 'invalid-response',
            status,
            retryable: false,
            // Cleaned up: nothing is uncertain any more. Otherwise post looks for it by name.
            ambiguous: cleaned === undefined,
            detail: `${error.message.replace(/^Create API key failed: HTTP \d+, /, '')}${cleaned ? `; ${cleaned}` : ''}`,
        });
    }
}
/** Deletes every live key named exactly `name`, never `parentKeyId`; returns their ids. */
async function deleteNamedKeys(client, name, parentKeyId) {
    const found = (await listKeys(client)).filter((k) => k.name === name && k.id !== parentKeyId);
    for (const key of found)
        await deleteKey(client, key.id);
    return found.map((key) => key.id);
}
/**
 * E2. The answer is `{"apikeys": [...]}`; a bare array is accepted too. Items whose id is not a
 * positive safe integer are dropped, and so is a second item with an id already seen; a name that
 * is not a string of at most 1000 characters reads as '' (never a managed name, so nothing acts
 * on it).
 */
async function listKeys(client) {
    const operation = 'List API keys';
    const { status, data } = await client.call({
        operation,
        method: 'GET',
        path: '/auth/apikeys/',
        idempotent: true,
    });
    return parseListAnswer(operation, status, data);
}
/** The list answer (E2) read as {@link listKeys} says; throws when it has no list. */
function parseListAnswer(operation, status, data) {
    const items = Array.isArray(data) ? data : data?.apikeys;
    if (!Array.isArray(items))
        throw invalid(operation, status, 'the answer has no "apikeys" list');
    const keys = [];
    const seen = new Set();
    for (const item of items) {
        const { id, name } = (typeof item === 'object' && item !== null ? item : {});
        const numericId = positiveId(id);
        if (numericId === undefined || seen.has(numericId))
            continue;
        seen.add(numericId);
        keys.push({ id: numericId, name: typeof name === 'string' && name.length <= 1000 ? name : '' });
    }
    return keys;
}
/**
 * Whether a 404 body says the key does not exist: Vast's "API Key not found." (vast-api.md, E3,
 * E4) and the like. A 404 about anything else (a session or token that expired, a route the
 * edge does not know, an empty or HTML body) says nothing about the key.
 */
function saysKeyNotFound(message) {
    if (!message)
        return false;
    if (/session|expired|token|auth|login|credential|route|endpoint|url|page/i.test(message))
        return false;
    return /^\W*(api\s*)?key\b[^.]{0,40}\b(not found|does not exist|doesn't exist|no longer exists)\b/i.test(message.trim());
}
/**
 * E4. `'deleted'`, or `'already-gone'` when Vast answered 404 and the key is known to be gone:
 * its body says the key does not exist ({@link saysKeyNotFound}), or a second look (E2) no longer
 * lists the id. Any other 404 (an expired session, an edge's page) is thrown, as every other
 * failure is: the key may still be live. The one place every delete (post, delete mode, sweep,
 * rotate, the key broker) decides that a key is gone.
 */
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
        if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h) || error.status !== 404 || error.kind !== 'http')
            throw error;
        if (saysKeyNotFound(error.apiMessage))
            return 'already-gone';
        let listed;
        try {
            listed = await listKeys(client);
        }
        catch (listError) {
            throw notConfirmed(error, `and the second look failed: ${listError.message}`);
        }
        if (!listed.some((key) => key.id === id))
            return 'already-gone';
        throw notConfirmed(error, `but the key is still listed`);
    }
}
/** A 404 on delete that does not show the key is gone. */
function notConfirmed(error, why) {
    const failure = new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h({
        operation: error.operation,
        kind: 'http',
        status: 404,
        ...(error.apiMessage === undefined ? {} : { apiMessage: error.apiMessage }),
        retryable: false,
        ambiguous: false,
        detail: `the answer does not say the key is gone, ${why}`,
    });
    return failure;
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
    const known = parentKeyIds.get(client);
    if (known !== undefined)
        return known;
    const id = await currentKeyId(client);
    if (id === undefined) {
        throw new Error(`Vast did not say which key admin-api-key is (no key_id in /users/current); refusing to ${doing} without knowing which key is the parent`);
    }
    parentKeyIds.set(client, id);
    return id;
}
/**
 * The parent key's id as {@link requireParentKeyId} reads it, or undefined when Vast does not
 * say (no `user_read`, no `key_id`, an HTTP error): a create goes on without it, and its own
 * answer says what is wrong with the parent key. A cancel, the budget running out and a final
 * network failure (an untrusted certificate, a proxy's refusal) are thrown.
 */
async function parentKeyIdIfKnown(client) {
    try {
        return await requireParentKeyId(client, 'create a key');
    }
    catch (error) {
        // A cancel, the budget, and a final network failure (a certificate that does not verify, a
        // proxy's refusal) would stop the create too: said now, and nothing more is sent.
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && (error.kind === 'aborted' || error.kind === 'budget'))
            throw error;
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && error.kind === 'network' && !error.retryable)
            throw error;
        return undefined;
    }
}
/** The parent key's id per client, so a step asks once (E6 allows one call per 2 s). */
const parentKeyIds = new WeakMap();


/***/ })

};
