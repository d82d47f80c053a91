export const id = 60;
export const ids = [60];
export const modules = {

/***/ 5060:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   planCreate: () => (/* binding */ planCreate),
/* harmony export */   planRotate: () => (/* binding */ planRotate)
/* harmony export */ });
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);
/* harmony import */ var _core_permissions_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(5139);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8770);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3016);
/* harmony import */ var _rotation_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(6119);





function planKey(settings, kind, deps, target) {
    const expiresAt = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .deadlineFrom */ .vN)(deps.now(), settings.ttlMs);
    const name = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .formatKeyName */ .yv)({
        label: settings.label,
        kind,
        expiresAt,
        ...settings.context,
        ...(target ? { target } : {}),
        nonce: deps.nonce(),
    });
    return { name, expiresAt };
}
/** The parent key's id from Vast; a refusal is said as the dry run's finding. */
async function parentKeyId(client) {
    try {
        return await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .requireParentKeyId */ .Ii)(client, 'go on');
    }
    catch (error) {
        throw new Error(`Dry run: the parent key (admin-api-key) did not pass: ${error.message}. A real run would fail too.`);
    }
}
function setKeyOutputs(deps, planned, settings) {
    const permissions = (0,_core_permissions_js__WEBPACK_IMPORTED_MODULE_1__/* .permissionsJson */ .FU)(settings.permissions);
    deps.runner.setOutput('key-name', planned.name);
    deps.runner.setOutput('expires-at', (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt));
    deps.runner.setOutput('permissions', permissions);
    return permissions;
}
/** Create mode's dry run: checks the parent key, says what key the job would get. */
async function planCreate(settings, kind, deps) {
    const { runner } = deps;
    const parentId = await parentKeyId(deps.client);
    const planned = planKey(settings, kind, deps);
    const permissions = setKeyOutputs(deps, planned, settings);
    const handedOut = [
        'the api-key output',
        ...(settings.exportEnv ? ['$VAST_API_KEY'] : []),
        ...(settings.exportConfig ? ['the Vast CLI config file'] : []),
    ].join(', ');
    const ends = settings.revoke === 'post' ? 'deleted when the job ends' : 'kept until a sweep or delete step';
    runner.info(`Dry run: nothing was created. Vast accepted the parent key (key ${parentId}). ` +
        `A real run would create "${planned.name}" with ${permissions}, deadline ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt)}, ` +
        `hand it out as ${handedOut}, and it would be ${ends}.`);
    runner.appendSummary(`### Vast.ai scoped key (dry run: nothing created)\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_4__/* .markdownTable */ .Q)(['Would create', 'Permissions', 'Deadline', 'Deleted'], [[planned.name, permissions, (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt), ends]]));
}
/** Rotate mode's dry run, after the writer has read the secret's public key. */
async function planRotate(settings, deps) {
    const { runner, writer } = deps;
    const client = await deps.freshClient();
    const parentId = await parentKeyId(client);
    const { own, leftAlone } = (0,_rotation_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .rotationKeys */ .$K)(await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .listKeys */ .TH)(client), settings, [parentId]);
    const kept = own.slice(0, settings.keepPrevious);
    const retired = own.slice(settings.keepPrevious);
    const planned = planKey(settings, 'rot', deps, settings.targetId);
    const permissions = setKeyOutputs(deps, planned, settings);
    runner.setOutput('secret-name', settings.secretName);
    runner.setOutput('deleted-count', '0');
    const where = writer.describe();
    const prepared = writer.prepared;
    const ids = prepared?.selectedRepositoryIds;
    runner.info(`Dry run: nothing was created, written or deleted. Vast accepted the parent key (key ${parentId}); ` +
        `GitHub gave the public key of the ${where} (key id ${prepared?.keyId ?? 'unknown'})` +
        (ids ? ` and the selected repositories' ids (${ids.join(', ')})` : '') +
        '.');
    runner.info(`A real run would create "${planned.name}" with ${permissions}, deadline ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt)}, and write it to the ${where}.`);
    for (const key of retired) {
        runner.info(`It would then delete the older key ${key.id} (${key.name}), written to the ${(0,_rotation_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .keyTarget */ .bn)(key.name, settings)}.`);
    }
    if (kept.length) {
        runner.info(`It would keep ${kept.length} older key(s) (keep-previous: ${settings.keepPrevious}): ${kept.map((k) => k.id).join(', ')}.`);
    }
    if (own.length === 0)
        runner.info('This secret has no older keys to retire.');
    const untouched = (0,_rotation_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .describeLeftAlone */ .MN)(settings.label, leftAlone);
    if (untouched)
        runner.info(untouched);
    const row = (what, key) => [
        what,
        String(key.id),
        key.name,
        (0,_rotation_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .keyTarget */ .bn)(key.name, settings),
    ];
    runner.appendSummary(`### Vast.ai key rotation (dry run: nothing created, written or deleted)\n\n` +
        `Would write a new key to the ${where}; would retire ${retired.length} older key(s) of this secret.\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_4__/* .markdownTable */ .Q)(['', 'Key id', 'Name', 'Secret it was written to'], [
            ['would create', '-', planned.name, where],
            ...kept.map((k) => row('would keep (keep-previous)', k)),
            ...retired.map((k) => row('would delete', k)),
        ]));
}


/***/ })

};
