export const id = 338;
export const ids = [338];
export const modules = {

/***/ 1338:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ handOutKey),
/* harmony export */   runCreate: () => (/* binding */ runCreate)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4660);
/* harmony import */ var _core_instance_label_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(339);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1394);
/* harmony import */ var _core_vast_instances_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3870);
/* harmony import */ var _instances_post_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2079);
/* harmony import */ var _core_permissions_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(6501);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(8855);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(3016);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(5450);
/* harmony import */ var _create_post_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(2413);












/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
async function runCreate(settings, deps) {
    const { runner } = deps;
    if (settings.exportConfig)
        (0,_config_file_js__WEBPACK_IMPORTED_MODULE_1__/* .checkConfigFileFree */ .rV)(deps.configFilePath);
    const kind = settings.revoke === 'never' ? 'keep' : 'job';
    // Loaded only for a dry run: the main and post steps of a real run never need it.
    if (settings.dryRun)
        return (await __webpack_require__.e(/* import() */ 365).then(__webpack_require__.bind(__webpack_require__, 4365))).planCreate(settings, kind, deps);
    // The job's instance label, saved first: post destroys by it with instances: destroy.
    const instanceLabel = (0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_2__/* .formatInstanceLabel */ .JA)({
        ...settings.context,
        expiresAt: (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .deadlineFrom */ .vN)(deps.now(), settings.ttlMs),
        nonce: deps.instanceNonce?.() ?? (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex'),
    });
    runner.saveState(_instances_post_js__WEBPACK_IMPORTED_MODULE_5__/* .INSTANCE_LABEL_STATE */ .T, instanceLabel);
    if (settings.instances.instances === 'destroy') {
        runner.info("instances: destroy — the post step destroys every Vast.ai instance labelled with this job's instance label; the parent key (admin-api-key) needs instance_read and instance_write, which reach every instance of the account (docs/instances.md).");
        await (0,_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_4__/* .checkInstanceAccess */ .EQ)(deps.client, instanceLabel);
    }
    const created = await (0,_mint_js__WEBPACK_IMPORTED_MODULE_8__/* .mintKey */ .u)({ ...settings, kind }, deps);
    await handOutKey(settings, created, {
        runner,
        configFilePath: deps.configFilePath,
        instanceLabel,
        // Nobody can use a key the step fails to hand out: delete it now, whatever revoke says.
        discard: () => deps.cleanupClient().then((client) => (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_7__/* .deleteKey */ .l0)(client, created.id)),
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
        runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_8__.STATE.configFile, JSON.stringify(written));
        runner.info(`Wrote the key to ${written.path} (mode 0600) for the Vast CLI and SDK.`);
    }
    const permissions = (0,_core_permissions_js__WEBPACK_IMPORTED_MODULE_6__/* .permissionsJson */ .FU)(settings.permissions);
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
    const categories = Object.keys(settings.permissions.api).join(', ');
    runner.info(`${deps.from ? 'Got' : 'Created'} Vast.ai key ${created.id}${deps.from ?? ''} (${categories}), deadline ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .isoSeconds */ .nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    runner.appendSummary(`### Vast.ai scoped key\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_10__/* .markdownTable */ .Q)(['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'], [
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


/***/ })

};
