export const id = 338;
export const ids = [338];
export const modules = {

/***/ 1338:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runCreate: () => (/* binding */ runCreate),
/* harmony export */   runCreatePost: () => (/* reexport safe */ _mint_js__WEBPACK_IMPORTED_MODULE_4__.kH)
/* harmony export */ });
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4660);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(718);
/* harmony import */ var _permissions_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7431);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8855);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1588);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5450);







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
        runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.configFile, JSON.stringify(written));
        runner.info(`Wrote the key to ${written.path} (mode 0600) for the Vast CLI and SDK.`);
    }
    const permissions = (0,_permissions_js__WEBPACK_IMPORTED_MODULE_2__/* .permissionsJson */ .FU)(settings.permissions);
    runner.setOutput('api-key', created.key);
    runner.setOutput('key-id', String(created.id));
    runner.setOutput('key-name', name);
    runner.setOutput('expires-at', (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt));
    runner.setOutput('permissions', permissions);
    if (settings.exportEnv)
        runner.exportVariable('VAST_API_KEY', created.key);
    const categories = Object.keys(settings.permissions.api).join(', ');
    runner.info(`Created Vast.ai key ${created.id} (${categories}), deadline ${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    runner.appendSummary(`### Vast.ai scoped key\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownTable */ .Q)(['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'], [
            [
                String(created.id),
                name,
                permissions,
                (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(expiresAt),
                settings.revoke === 'post' ? 'when the job ends' : 'by a sweep or delete step',
            ],
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
    if (error.operation.startsWith('Create') &&
        !error.edge &&
        (error.status === 401 || error.status === 403)) {
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
