export const id = 338;
export const ids = [338,413];
export const modules = {

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
    const state = (0,_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .readJson */ .Vh)(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.create));
    if (!state) {
        runner.info('Nothing to delete: the main step stopped before it created a key.');
        return;
    }
    const keyId = Number(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.keyId)) || undefined;
    const pending = runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.pending) === 'true';
    // A rotation that wrote (or may have written) its key into the secret: that key stays; only
    // the strays of an uncertain create of it go.
    const rotated = runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.mode) === 'rotated';
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
        const sentAt = Number(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.sentAt)) || 0;
        const uncertainAt = Number(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.uncertainAt)) || sentAt;
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
    const file = (0,_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .readJson */ .Vh)(runner.getState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.configFile));
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

/***/ 1338:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ handOutKey),
/* harmony export */   runCreate: () => (/* binding */ runCreate)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1394);
/* harmony import */ var _core_permissions_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6501);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8855);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5450);
/* harmony import */ var _create_post_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2413);







/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
async function runCreate(settings, deps) {
    const { runner } = deps;
    if (settings.exportConfig)
        (0,_config_file_js__WEBPACK_IMPORTED_MODULE_0__/* .checkConfigFileFree */ .rV)(deps.configFilePath);
    const kind = settings.revoke === 'never' ? 'keep' : 'job';
    // Loaded only for a dry run: the main and post steps of a real run never need it.
    if (settings.dryRun)
        return (await __webpack_require__.e(/* import() */ 365).then(__webpack_require__.bind(__webpack_require__, 4365))).planCreate(settings, kind, deps);
    const created = await (0,_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .mintKey */ .uY)({ ...settings, kind }, deps);
    await handOutKey(settings, created, {
        runner,
        configFilePath: deps.configFilePath,
        // Nobody can use a key the step fails to hand out: delete it now, whatever revoke says.
        discard: () => deps.cleanupClient().then((client) => (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, created.id)),
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
            written = (0,_config_file_js__WEBPACK_IMPORTED_MODULE_0__/* .writeConfigFile */ .o5)(deps.configFilePath, created.key);
        }
        catch (error) {
            await deps
                .discard()
                .catch(() => runner.info(`Key ${created.id} is left to the post step or a sweep.`));
            throw error;
        }
        runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.configFile, JSON.stringify(written));
        runner.info(`Wrote the key to ${written.path} (mode 0600) for the Vast CLI and SDK.`);
    }
    const permissions = (0,_core_permissions_js__WEBPACK_IMPORTED_MODULE_2__/* .permissionsJson */ .FU)(settings.permissions);
    runner.setOutput('api-key', created.key);
    runner.setOutput('key-id', String(created.id));
    runner.setOutput('key-name', name);
    runner.setOutput('expires-at', (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt));
    runner.setOutput('permissions', permissions);
    if (settings.exportEnv)
        runner.exportVariable('VAST_API_KEY', created.key);
    const categories = Object.keys(settings.permissions.api).join(', ');
    runner.info(`${deps.from ? 'Got' : 'Created'} Vast.ai key ${created.id}${deps.from ?? ''} (${categories}), deadline ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    runner.appendSummary(`### Vast.ai scoped key\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownTable */ .Q)(['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'], [
            [
                String(created.id),
                name,
                permissions,
                (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt),
                settings.revoke === 'post'
                    ? 'by the post step (its line follows)'
                    : 'by a sweep or delete step',
            ],
        ]));
}


/***/ }),

/***/ 8855:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ markdownTable)
/* harmony export */ });
/** A Markdown table for the job summary; cells are escaped so a name cannot break the table. */
function markdownTable(headers, rows) {
    const cell = (text) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
    const line = (cells) => `| ${cells.map(cell).join(' | ')} |`;
    return ([line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') +
        '\n');
}


/***/ })

};
