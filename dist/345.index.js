export const id = 345;
export const ids = [345];
export const modules = {

/***/ 5450:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c4: () => (/* binding */ STATE),
/* harmony export */   kH: () => (/* binding */ runCreatePost),
/* harmony export */   uY: () => (/* binding */ mintKey)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(718);
/* harmony import */ var _vast_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2895);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1588);




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
    const expiresAt = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .deadlineFrom */ .vN)(deps.now(), request.ttlMs);
    const name = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .formatKeyName */ .yv)({
        label: request.label,
        expiresAt,
        ...request.context,
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
        const removed = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKeysNamed */ .dj)(client, name);
        runner.info(`${error.message}; the request may have been applied: ${removed > 0 ? `deleted the ${removed} key(s) it made` : 'no key was made'}. Trying again.`);
        return 'retry';
    };
    let created;
    try {
        created = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .createKey */ .cF)(client, { name, permissions: request.permissions }, resolveLostCreate);
    }
    catch (error) {
        // An ambiguous create, even one followed by a definite error, may have left a key.
        uncertain ||= error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h ? error.ambiguous : true;
        if (!uncertain)
            runner.saveState(STATE.pending, 'false');
        if (error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && error.kind === 'aborted') {
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
        const removed = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKeysNamed */ .dj)(await deps.cleanupClient(), name);
        deps.runner.info(`Cancelled during the create request; ${removed > 0 ? `deleted the key it made` : 'no key was made so far'}. The post step checks again.`);
    }
    catch (error) {
        deps.runner.info(`Cancelled during the create request; could not check for a key now (${error.message}). The post step looks for it by name.`);
    }
}
function explainCreateError(error, uncertain) {
    if (!(error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h))
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
            const result = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKey */ .l0)(client, keyId);
            runner.info(result === 'deleted'
                ? `Deleted Vast.ai key ${keyId}.`
                : `Vast.ai key ${keyId} was already gone.`);
        }
        if (pending) {
            // With revoke: never, the key handed out stays; only strays of an uncertain create go.
            const keep = state.revoke === 'never' ? keyId : undefined;
            const removed = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKeysNamed */ .dj)(client, state.name, keep);
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

/***/ 5345:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runRotate: () => (/* binding */ runRotate)
/* harmony export */ });
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(718);
/* harmony import */ var _permissions_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(331);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8855);
/* harmony import */ var _vast_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2895);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1588);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(5450);






async function runRotate(settings, deps) {
    const { runner, client, writer } = deps;
    // Whatever the token cannot do shows up here, before a key exists.
    await writer.prepare();
    const minted = await (0,_mint_js__WEBPACK_IMPORTED_MODULE_3__/* .mintKey */ .uY)({ ...settings, revoke: 'post', cleanupFailure: 'warn' }, deps);
    runner.info(`Created Vast.ai key ${minted.id} (${minted.name}).`);
    try {
        await verify(minted, deps);
        await writer.write(minted.key);
    }
    catch (error) {
        const rolledBack = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKey */ .l0)(client, minted.id).then(() => `deleted the new key ${minted.id}`, (e) => `could not delete the new key ${minted.id} (${e.message}); the post step tries again`);
        throw new Error(`${error.message} Rotation stopped before the secret was written: ${rolledBack}; the old key and the secret are untouched.`);
    }
    runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_3__/* .STATE */ .c4.mode, 'rotated');
    const rotatedAt = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_4__/* .isoSeconds */ .nE)(deps.now());
    runner.info(`Wrote the new key to the ${writer.describe()}.`);
    const { deleted, kept, failed } = await retireOlderKeys(settings, minted, deps);
    runner.setOutput('key-id', String(minted.id));
    runner.setOutput('key-name', minted.name);
    runner.setOutput('secret-name', settings.secretName);
    runner.setOutput('rotated-at', rotatedAt);
    runner.setOutput('deleted-count', String(deleted.length));
    runner.setOutput('expires-at', (0,_key_name_js__WEBPACK_IMPORTED_MODULE_4__/* .isoSeconds */ .nE)(minted.expiresAt));
    runner.setOutput('permissions', (0,_permissions_js__WEBPACK_IMPORTED_MODULE_0__/* .permissionsJson */ .FU)(settings.permissions));
    if (settings.outputKey)
        runner.setOutput('api-key', minted.key.reveal());
    runner.appendSummary(`### Vast.ai key rotation\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownTable */ .Q)(['', 'Key id', 'Name'], [
            ['new (in the secret)', String(minted.id), minted.name],
            ...kept.map((k) => ['kept (keep-previous)', String(k.id), k.name]),
            ...deleted.map((k) => ['deleted', String(k.id), k.name]),
            ...failed.map((k) => ['could not delete', String(k.id), k.name]),
        ]) +
        `\nSecret: ${writer.describe()}; deadline of the new key: ${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_4__/* .isoSeconds */ .nE)(minted.expiresAt)}.\n`);
}
/**
 * The new key must authenticate. A key without user_read is refused /users/current with 403:
 * known, only lacking the scope, so it works. 401 means it does not (tried three times, in case
 * the API takes a moment to know a new key).
 */
async function verify(minted, deps) {
    const client = await deps.clientFor(minted);
    for (let attempt = 1;; attempt++) {
        try {
            await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .currentKeyId */ .QR)(client);
            return;
        }
        catch (error) {
            if (error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && error.status === 403)
                return;
            if (!(error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h) || error.status !== 401 || attempt >= 3) {
                throw new Error(`The new key ${minted.id} did not authenticate: ${error.message}.`);
            }
            await deps.sleep(1000 * attempt);
        }
    }
}
/** Older keys of exactly this rotation (label and repository), newest first; never the parent. */
async function retireOlderKeys(settings, minted, deps) {
    const { runner, client } = deps;
    const deleted = [];
    const failed = [];
    let older;
    try {
        const parentId = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .currentKeyId */ .QR)(client);
        const repository = settings.context.repository.toLowerCase();
        older = (await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .listKeys */ .TH)(client))
            .filter((k) => k.id !== minted.id && k.id !== parentId && parentId !== undefined)
            .filter((k) => {
            const fields = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_4__/* .parseKeyName */ .wN)(k.name);
            return fields?.label === settings.label && fields.repository.toLowerCase() === repository;
        })
            .sort((a, b) => b.id - a.id);
    }
    catch (error) {
        runner.warning(`The rotation succeeded, but the older keys could not be listed (${error.message}); the next rotation or a sweep deletes them.`);
        return { deleted, kept: [], failed };
    }
    const kept = older.slice(0, settings.keepPrevious);
    for (const key of older.slice(settings.keepPrevious)) {
        try {
            await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKey */ .l0)(client, key.id);
            deleted.push(key);
            runner.info(`Deleted the older key ${key.id} (${key.name}).`);
        }
        catch (error) {
            failed.push(key);
            runner.warning(`The rotation succeeded, but the older key ${key.id} could not be deleted (${error.message}); the next rotation or a sweep deletes it.`);
        }
    }
    if (kept.length)
        runner.info(`Kept ${kept.length} older key(s): keep-previous is ${settings.keepPrevious}.`);
    return { deleted, kept, failed };
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
/* harmony export */   QR: () => (/* binding */ currentKeyId),
/* harmony export */   TH: () => (/* binding */ listKeys),
/* harmony export */   cF: () => (/* binding */ createKey),
/* harmony export */   dj: () => (/* binding */ deleteKeysNamed),
/* harmony export */   l0: () => (/* binding */ deleteKey)
/* harmony export */ });
/* harmony import */ var _secret_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7355);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(2895);


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
        const numericId = Number(id);
        if (Number.isSafeInteger(numericId)) {
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
    const keyId = Number(data?.key_id);
    return Number.isSafeInteger(keyId) ? keyId : undefined;
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
