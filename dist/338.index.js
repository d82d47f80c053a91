export const id = 338;
export const ids = [338];
export const modules = {

/***/ 1338:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runCreate: () => (/* binding */ runCreate),
/* harmony export */   runCreatePost: () => (/* reexport safe */ _mint_js__WEBPACK_IMPORTED_MODULE_5__.kH)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(718);
/* harmony import */ var _permissions_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(331);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8855);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1588);
/* harmony import */ var _dry_run_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4365);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(5450);








/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
async function runCreate(settings, deps) {
    const { runner } = deps;
    if (settings.exportConfig)
        (0,_config_file_js__WEBPACK_IMPORTED_MODULE_0__/* .checkConfigFileFree */ .rV)(deps.configFilePath);
    const kind = settings.revoke === 'never' ? 'keep' : 'job';
    if (settings.dryRun)
        return (0,_dry_run_js__WEBPACK_IMPORTED_MODULE_4__/* .planCreate */ ._)(settings, kind, deps);
    const created = await (0,_mint_js__WEBPACK_IMPORTED_MODULE_5__/* .mintKey */ .uY)({ ...settings, kind }, deps);
    const { name, expiresAt } = created;
    if (settings.exportConfig) {
        let written;
        try {
            written = (0,_config_file_js__WEBPACK_IMPORTED_MODULE_0__/* .writeConfigFile */ .o5)(deps.configFilePath, created.key);
        }
        catch (error) {
            // Nobody can use a key the step fails to hand out: delete it now, whatever revoke says.
            await deps
                .cleanupClient()
                .then((client) => (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, created.id))
                .catch(() => runner.info(`Key ${created.id} is left to the post step or a sweep.`));
            throw error;
        }
        runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_5__/* .STATE */ .c4.configFile, JSON.stringify(written));
        runner.info(`Wrote the key to ${written.path} (mode 0600) for the Vast CLI and SDK.`);
    }
    const permissions = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_2__/* .permissionsJson */ .FU)(settings.permissions);
    runner.setOutput('api-key', created.key.reveal());
    runner.setOutput('key-id', String(created.id));
    runner.setOutput('key-name', name);
    runner.setOutput('expires-at', (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt));
    runner.setOutput('permissions', permissions);
    if (settings.exportEnv)
        runner.exportVariable('VAST_API_KEY', created.key.reveal());
    const categories = Object.keys(settings.permissions.api).join(', ');
    runner.info(`Created Vast.ai key ${created.id} (${categories}), deadline ${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    runner.appendSummary(`### Vast.ai scoped key\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownTable */ .Q)(['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'], [
            [
                String(created.id),
                name,
                permissions,
                (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt),
                settings.revoke === 'post' ? 'when the job ends' : 'by a sweep or delete step',
            ],
        ]));
}


/***/ })

};
