export const id = 910;
export const ids = [910];
export const modules = {

/***/ 3738:
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

/***/ 4365:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   X: () => (/* binding */ planRotate),
/* harmony export */   _: () => (/* binding */ planCreate)
/* harmony export */ });
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(718);
/* harmony import */ var _permissions_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(331);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8855);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1588);
/* harmony import */ var _rotation_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8021);





function planKey(settings, kind, deps, target) {
    const expiresAt = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .deadlineFrom */ .vN)(deps.now(), settings.ttlMs);
    const name = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .formatKeyName */ .yv)({
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
        return await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .requireParentKeyId */ .Ii)(client, 'go on');
    }
    catch (error) {
        throw new Error(`Dry run: the parent key (admin-api-key) did not pass: ${error.message}. A real run would fail too.`);
    }
}
function setKeyOutputs(deps, planned, settings) {
    const permissions = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_1__/* .permissionsJson */ .FU)(settings.permissions);
    deps.runner.setOutput('key-name', planned.name);
    deps.runner.setOutput('expires-at', (0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt));
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
        `A real run would create "${planned.name}" with ${permissions}, deadline ${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt)}, ` +
        `hand it out as ${handedOut}, and it would be ${ends}.`);
    runner.appendSummary(`### Vast.ai scoped key (dry run: nothing created)\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_4__/* .markdownTable */ .Q)(['Would create', 'Permissions', 'Deadline', 'Deleted'], [[planned.name, permissions, (0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt), ends]]));
}
/** Rotate mode's dry run, after the writer has read the secret's public key. */
async function planRotate(settings, deps) {
    const { runner, writer } = deps;
    const client = await deps.freshClient();
    const parentId = await parentKeyId(client);
    const { own, leftAlone } = (0,_rotation_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .rotationKeys */ .$K)(await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .listKeys */ .TH)(client), settings, [parentId]);
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
    runner.info(`A real run would create "${planned.name}" with ${permissions}, deadline ${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(planned.expiresAt)}, and write it to the ${where}.`);
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

/***/ 5450:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c4: () => (/* binding */ STATE),
/* harmony export */   kH: () => (/* binding */ runCreatePost),
/* harmony export */   uY: () => (/* binding */ mintKey)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(718);
/* harmony import */ var _vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2895);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1588);




const STATE = {
    mode: 'mode',
    create: 'create',
    keyId: 'key-id',
    /** 'true' while a create may have made a key whose id we do not know (post looks by name). */
    pending: 'create-pending',
    configFile: 'config-file',
};
/** Creates the key (state first, so post can always find it), masks it, records its id. */
async function mintKey(request, deps) {
    const { runner, client } = deps;
    const expiresAt = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .deadlineFrom */ .vN)(deps.now(), request.ttlMs);
    const name = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .formatKeyName */ .yv)({
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
    // The answer to a create was lost: find out by name whether it made the key, delete what it
    // made, and only then try again.
    const resolveLostCreate = async (error) => {
        uncertain = true;
        const removed = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKeysNamed */ .dj)(client, name);
        runner.info(`${error.message}; the request may have been applied: ${removed > 0 ? `deleted the ${removed} key(s) it made` : 'no key was made'}. Trying again.`);
        return 'retry';
    };
    let created;
    try {
        created = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .createKey */ .cF)(client, { name, permissions: request.permissions }, resolveLostCreate);
    }
    catch (error) {
        // An ambiguous create, even one followed by a definite error, may have left a key.
        uncertain ||= error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h ? error.ambiguous : true;
        if (!uncertain)
            runner.saveState(STATE.pending, 'false');
        if (error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h && error.kind === 'aborted') {
            await cleanUpAfterCancel(deps, name);
        }
        throw explainCreateError(error, uncertain);
    }
    runner.setSecret(created.key.reveal());
    runner.saveState(STATE.keyId, String(created.id));
    // After an uncertain create, post also looks by name: an attempt the API applied only after
    // the action gave up on it (a timeout) can still appear later.
    runner.saveState(STATE.pending, uncertain ? 'true' : 'false');
    return { id: created.id, key: created.key, name, expiresAt };
}
/**
 * Cancelled while the create was in flight: the key may exist. Look for it now, within the
 * runner's grace period; the post step looks again in case it appears later.
 */
async function cleanUpAfterCancel(deps, name) {
    try {
        const removed = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKeysNamed */ .dj)(await deps.cleanupClient(), name);
        deps.runner.info(`Cancelled during the create request; ${removed > 0 ? `deleted the key it made` : 'no key was made so far'}. The post step checks again.`);
    }
    catch (error) {
        deps.runner.info(`Cancelled during the create request; could not check for a key now (${error.message}). The post step looks for it by name.`);
    }
}
function explainCreateError(error, uncertain) {
    if (!(error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h))
        return error;
    if (error.kind === 'aborted')
        return error;
    if (uncertain) {
        return new Error(`${error.message}. A create request may have made the key; the post step looks for it by name and deletes it.`);
    }
    if (error.status === 429) {
        return new Error(`${error.message}. Still rate limited when create-budget ran out: every job sharing one parent key shares Vast's create rate ` +
            '(about one key per 2 s). Raise create-budget, or run fewer jobs at once (strategy.max-parallel).');
    }
    if (error.operation.startsWith('Create') && (error.status === 401 || error.status === 403)) {
        return new Error(`${error.message}. The parent key (admin-api-key) was refused: it is wrong or deleted, lacks user_write, ` +
            'or does not hold every permission asked for (a key cannot grant more than it holds).');
    }
    return error;
}
/** Post step: delete the key made in main (by id, and by name if its creation was uncertain). */
async function runCreatePost(deps) {
    const { runner } = deps;
    removeExportedConfig(runner);
    const state = readJson(runner.getState(STATE.create));
    if (!state) {
        runner.info('Nothing to delete: the main step stopped before it created a key.');
        return;
    }
    const keyId = Number(runner.getState(STATE.keyId)) || undefined;
    const pending = runner.getState(STATE.pending) === 'true';
    if (!keyId && !pending) {
        runner.info('Nothing to delete: the main step created no key.');
        return;
    }
    if (state.revoke === 'never' && keyId && !pending) {
        runner.info(`revoke: never — key ${keyId} stays; a sweep after its deadline or a delete step ends it.`);
        return;
    }
    try {
        const client = await deps.makeClient(state);
        if (keyId && state.revoke === 'post') {
            const result = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, keyId);
            runner.info(result === 'deleted'
                ? `Deleted Vast.ai key ${keyId}.`
                : `Vast.ai key ${keyId} was already gone.`);
        }
        if (pending) {
            // With revoke: never, the key handed out stays; only strays of an uncertain create go.
            const keep = state.revoke === 'never' ? keyId : undefined;
            const removed = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKeysNamed */ .dj)(client, state.name, keep);
            runner.info(removed > 0
                ? `Deleted ${removed} key(s) left by an uncertain or cancelled create.`
                : 'No key was left by the uncertain or cancelled create.');
        }
    }
    catch (error) {
        const message = `Could not delete the Vast.ai key ${keyId ?? `named ${state.name}`}: ${error.message}. A sweep deletes it after its deadline.`;
        if (state.cleanupFailure === 'fail')
            runner.setFailed(message);
        else
            runner.warning(message);
    }
}
function removeExportedConfig(runner) {
    const file = readJson(runner.getState(STATE.configFile));
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


/***/ }),

/***/ 8021:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $K: () => (/* binding */ rotationKeys),
/* harmony export */   MN: () => (/* binding */ describeLeftAlone),
/* harmony export */   bn: () => (/* binding */ keyTarget)
/* harmony export */ });
/* unused harmony export relationTo */
/* harmony import */ var _github_target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3738);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(718);


/** The relation of a key named `name` to the rotation `identity`. */
function relationTo(name, identity) {
    const fields = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(name);
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
    const fields = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(name);
    if (fields?.kind === 'rot' && fields.target === settings.targetId) {
        return (0,_github_target_js__WEBPACK_IMPORTED_MODULE_1__/* .describeTarget */ .f)(settings.target, settings.secretName);
    }
    return fields?.target ? `another secret (t=${fields.target})` : 'no secret known';
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


/***/ }),

/***/ 1588:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ii: () => (/* binding */ requireParentKeyId),
/* harmony export */   QR: () => (/* binding */ currentKeyId),
/* harmony export */   TH: () => (/* binding */ listKeys),
/* harmony export */   cF: () => (/* binding */ createKey),
/* harmony export */   dj: () => (/* binding */ deleteKeysNamed),
/* harmony export */   l0: () => (/* binding */ deleteKey)
/* harmony export */ });
/* harmony import */ var _secret_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7355);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2895);


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
 * E1. A create whose answer was lost may have made the key: before sending it again, look the
 * key up by its unique name and delete what is found, so neither an orphan nor a duplicate stays.
 */
async function createKey(client, request, onAmbiguous) {
    const operation = 'Create API key';
    const { status, data } = await client.call({
        operation,
        method: 'POST',
        path: '/auth/apikeys/',
        body: { name: request.name, permissions: request.permissions },
        idempotent: false,
        onAmbiguous,
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
/** Deletes every live key with exactly this name (but `except`); returns how many went. */
async function deleteKeysNamed(client, name, except) {
    const matches = (await listKeys(client)).filter((key) => key.name === name && key.id !== except);
    for (const key of matches)
        await deleteKey(client, key.id);
    return matches.length;
}


/***/ })

};
