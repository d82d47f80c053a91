export const id = 679;
export const ids = [679,60];
export const modules = {

/***/ 9713:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ describeTarget)
/* harmony export */ });
/**
 * A secret's target in words, for logs, errors and job summaries:
 * `repository secret NAME of owner/repo`, `environment secret NAME (env prod) of owner/repo`,
 * `organisation secret NAME of org`. The organisation's visibility is not part of it: it is a
 * setting of the one secret, not another secret.
 */
function describeTarget(target, secretName) {
    if (target.scope === 'repository')
        return `repository secret ${secretName} of ${target.repository}`;
    if (target.scope === 'environment') {
        return `environment secret ${secretName} (env ${target.environment}) of ${target.repository}`;
    }
    return `organisation secret ${secretName} of ${target.organization}`;
}


/***/ }),

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


/***/ }),

/***/ 6119:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $K: () => (/* binding */ rotationKeys),
/* harmony export */   MN: () => (/* binding */ describeLeftAlone),
/* harmony export */   bn: () => (/* binding */ keyTarget)
/* harmony export */ });
/* unused harmony export relationTo */
/* harmony import */ var _github_target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9713);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);


/** The relation of a key named `name` to the rotation `identity`. */
function relationTo(name, identity) {
    const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(name);
    if (!fields || fields.label !== identity.label)
        return 'unrelated';
    if (fields.repository.toLowerCase() !== identity.context.repository.toLowerCase()) {
        return 'other-repository';
    }
    if (fields.kind === 'legacy')
        return 'legacy';
    if (fields.kind !== 'rot')
        return 'create-mode';
    return fields.target === identity.targetId ? 'own' : 'other-target';
}
/** Sorts the account's keys for a rotation; `exclude` are ids never to count (parent, new key). */
function rotationKeys(keys, identity, exclude) {
    const own = [];
    const leftAlone = {};
    for (const key of keys) {
        if (exclude.includes(key.id))
            continue;
        const relation = relationTo(key.name, identity);
        if (relation === 'own')
            own.push(key);
        else if (relation !== 'unrelated')
            leftAlone[relation] = (leftAlone[relation] ?? 0) + 1;
    }
    return { own: own.sort((a, b) => b.id - a.id), leftAlone };
}
const LEFT_ALONE_WORDS = {
    'other-target': 'written to another secret',
    'other-repository': "made by another repository's workflow",
    'create-mode': 'made by create mode',
    legacy: 'in the vsk1 format, which does not say which secret holds them',
};
/**
 * One sentence on the keys that share the label but are not this rotation's, or '' when there
 * are none: `3 other key(s) named "ci-deploy" were left alone (2 written to another secret, ...)`.
 */
function describeLeftAlone(label, leftAlone) {
    const parts = Object.entries(leftAlone).map(([relation, count]) => `${count} ${LEFT_ALONE_WORDS[relation]}`);
    const total = Object.values(leftAlone).reduce((sum, count) => sum + count, 0);
    if (total === 0)
        return '';
    return `${total} other key(s) named "${label}" were left alone (${parts.join('; ')}): a rotation retires only its own target's keys; their deadline or their own job ends them.`;
}
/**
 * The secret a rotation key was written to, in words, as far as its name tells: this rotation's
 * target when `t=` matches, else only that it is another one (the name holds a hash, not the
 * target itself).
 */
function keyTarget(name, settings) {
    const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(name);
    if (fields?.kind === 'rot' && fields.target === settings.targetId) {
        return (0,_github_target_js__WEBPACK_IMPORTED_MODULE_1__/* .describeTarget */ .f)(settings.target, settings.secretName);
    }
    return fields?.target ? `another secret (t=${fields.target})` : 'no secret known';
}


/***/ })

};
