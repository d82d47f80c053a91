export const id = 338;
export const ids = [338];
export const modules = {

/***/ 1338:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ handOutKey),
/* harmony export */   runCreate: () => (/* binding */ runCreate)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1394);
/* harmony import */ var _core_permissions_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6948);
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
    // A category limited to some actions shows them: instance_write[api.instance.destroy+constraints].
    const categories = Object.entries(settings.permissions.api)
        .map(([category, actions]) => {
        const limits = Object.entries(actions).map(([name, rule]) => `${name}${rule.constraints ? '+constraints' : ''}`);
        return limits.length ? `${category}[${limits.join(' ')}]` : category;
    })
        .join(', ');
    runner.info(`${deps.from ? 'Got' : 'Created'} Vast.ai key ${created.id}${deps.from ?? ''} (${categories}), deadline ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    if (!settings.exportEnv)
        runner.info(`VAST_API_KEY was not exported (export-env is off): later steps get the key from the api-key output${settings.exportConfig ? ' or the Vast CLI key file' : ''}.`);
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
