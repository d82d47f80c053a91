export const id = 413;
export const ids = [413];
export const modules = {

/***/ 2413:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G: () => (/* binding */ removeExportedConfig),
/* harmony export */   runCreatePost: () => (/* binding */ runCreatePost)
/* harmony export */ });
/* unused harmony export stateProblems */
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1394);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8855);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(373);
/* harmony import */ var _core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7394);







/** Room kept at the end of the budget for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000;
/**
 * Post step: delete the key made in main (by id, and by name if its creation was uncertain).
 * State is main's (src/modes/state.ts), and is still checked against the inputs before the parent
 * key is sent anywhere: see {@link stateProblems}. The key deleted by id must be listed under the
 * name main gave it, so a create answer naming another key (the parent, another job's) deletes
 * nothing.
 */
async function runCreatePost(deps) {
    const { runner, budget, inputs } = deps;
    removeExportedConfig(runner);
    const mode = runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.mode);
    const state = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readJson */ .Vh)(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.create));
    const savedId = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readKeyId */ .jN)(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.keyId));
    const problems = stateProblems(mode, state, savedId, inputs);
    if (!state || problems.length > 0) {
        if (problems.length === 0) {
            runner.info('Nothing to delete: the main step stopped before it created a key.');
            return;
        }
        // Nothing is sent, so the parent key goes nowhere a forged value names.
        const strict = inputs.mode === 'create' && inputs.cleanupFailure === 'fail';
        const message = untrusted(problems, savedId);
        runner.appendSummary(`### Vast.ai scoped key: post step\n\n- ⚠️ ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownText */ .p)(message)}\n`);
        if (strict || state?.cleanupFailure === 'fail')
            runner.setFailed(message);
        else
            runner.warning(message);
        return;
    }
    const keyId = typeof savedId === 'number' ? savedId : undefined;
    const pending = runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.pending) === 'true';
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
        summary.push(`- ⚠️ ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownText */ .p)(message)}`);
    };
    const said = (message) => {
        runner.info(message);
        summary.push(`- ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownText */ .p)(message)}`);
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
            const listed = (await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .listKeys */ .TH)(client)).find((key) => key.id === keyId);
            if (!listed) {
                said(`Vast.ai key ${keyId} was already gone (the parent key's list no longer has it).`);
            }
            else if (!(0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .sameStep */ .Xx)(listed.name, state.name)) {
                fail(`Did not delete Vast.ai key ${keyId}: Vast lists it as "${listed.name}", not under the name the main step gave its key ("${state.name}"), so it is not this step's key. ` +
                    `The create answer named another key; look for keys named "${state.name}" in the Vast console (Account, API keys) and delete them, or let a scheduled sweep (mode: sweep) delete them after their deadline.`);
            }
            else {
                const result = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, keyId);
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
        const sentAt = Number(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.sentAt)) || 0;
        const uncertainAt = Number(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.uncertainAt)) || sentAt;
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
            said(ids.length > 0
                ? `Deleted ${ids.length} key(s) left by an uncertain or cancelled create (${ids.join(', ')}).`
                : 'No key was left by the uncertain or cancelled create.');
            if (!result.covered) {
                const late = `Vast could still apply the create request until ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(new Date(result.windowEnd))}, after this step had to stop looking. ${nextStep(state)}`;
                runner.warning(late);
                summary.push(`- ⚠️ ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownText */ .p)(late)}`);
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
 * inputs post runs with, which no other step can change (src/inputs/post.ts). Main saves every
 * state name first (src/modes/state.ts), so a mismatch means the inputs changed between the two
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
    const fields = typeof state.name === 'string' ? (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .parseKeyName */ .wN)(state.name) : undefined;
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
    const file = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readJson */ .Vh)(runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.configFile));
    if (!file)
        return;
    try {
        const result = (0,_config_file_js__WEBPACK_IMPORTED_MODULE_0__/* .removeConfigFile */ .X7)(file);
        if (result === 'removed')
            runner.info(`Removed ${file.path}.`);
        if (result === 'replaced') {
            runner.warning(`${file.path} is no longer the file this action wrote; left it alone.`);
        }
        if (result === 'refused') {
            runner.warning(`The saved config file path (${String(file.path)}) is not a key file this action writes (…/vastai/vast_api_key); left it alone.`);
        }
    }
    catch (error) {
        runner.warning(`Could not remove ${file.path}: ${error.code ?? 'error'}`);
    }
}


/***/ })

};
