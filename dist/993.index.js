export const id = 993;
export const ids = [993];
export const modules = {

/***/ 3016:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G7: () => (/* binding */ withAccessHint),
/* harmony export */   Ii: () => (/* binding */ requireParentKeyId),
/* harmony export */   QR: () => (/* binding */ currentKeyId),
/* harmony export */   TH: () => (/* binding */ listKeys),
/* harmony export */   cF: () => (/* binding */ createKey),
/* harmony export */   l0: () => (/* binding */ deleteKey),
/* harmony export */   ux: () => (/* binding */ accessHint)
/* harmony export */ });
/* harmony import */ var _secret_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2559);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9867);


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
 * What to do about a refusal (401/403) of a key-management call, or '' for any other error. Vast
 * gates listing keys and reading the current user behind `user_read`, and creating and deleting
 * keys behind `user_write` (vast-api.md, "Permissions"); a key cannot manage keys without them.
 */
function accessHint(error) {
    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h) || (error.status !== 401 && error.status !== 403))
        return '';
    // A refusal by an edge in front of the API (not Vast's JSON) says nothing about the key.
    if (error.edge)
        return '';
    const write = /^(Create|Delete)/.test(error.operation);
    const category = write ? 'user_write' : 'user_read';
    return (`The parent key (admin-api-key) was refused: it is wrong or deleted, or lacks ${category} ` +
        `(${write ? 'creating and deleting keys' : 'listing keys and reading the current user'} needs it). ` +
        'Give admin-api-key both user_read and user_write');
}
/**
 * Awaits `call`; a refusal (401/403) comes back with {@link accessHint} after Vast's own words:
 * "Delete API key 7 failed: HTTP 403: <Vast's message>. The parent key (admin-api-key) was
 * refused: …" (the order post and create use).
 */
async function withAccessHint(call) {
    try {
        return await call;
    }
    catch (error) {
        const hint = accessHint(error);
        if (!hint || !(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h))
            throw error;
        const hinted = new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h({
            operation: error.operation,
            kind: error.kind,
            ...(error.status === undefined ? {} : { status: error.status }),
            ...(error.apiMessage === undefined ? {} : { apiMessage: error.apiMessage }),
            retryable: error.retryable,
            ambiguous: error.ambiguous,
        });
        // The API's message may end its own sentence: never two full stops.
        hinted.message = `${error.message.replace(/\.$/, '')}. ${hint}.`;
        throw hinted;
    }
}
/**
 * E1. A create whose answer was lost may have made the key: before sending it again, look the
 * key up by its unique name and delete what is found, so neither an orphan nor a duplicate stays.
 */
async function createKey(client, request, onAmbiguous, onSend) {
    const operation = 'Create API key';
    const { status, data } = await client.call({
        operation,
        method: 'POST',
        path: '/auth/apikeys/',
        body: { name: request.name, permissions: request.permissions },
        idempotent: false,
        onAmbiguous,
        ...(onSend ? { onSend } : {}),
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


/***/ }),

/***/ 993:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runDelete: () => (/* binding */ runDelete)
/* harmony export */ });
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3016);



/**
 * `mode: delete`: one key by id, e.g. a key made with `revoke: never` in an earlier job. Only a
 * key this action made (found by id in the account's list, its name a managed name) is deleted,
 * unless `force: true`; never the parent key. With `dry-run: true`, every check is made and
 * nothing is deleted. `deleted-count` is 1 only when this step deleted the key; a key already
 * gone (404) counts 0, as in a sweep.
 */
async function runDelete(settings, deps) {
    const { runner, client } = deps;
    const { keyId } = settings;
    const parentId = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .withAccessHint */ .G7)((0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .requireParentKeyId */ .Ii)(client, 'delete a key'));
    if (parentId === keyId) {
        throw new Error(`Input 'key-id': ${keyId} is the parent key (admin-api-key) itself; refusing to delete it`);
    }
    const found = (await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .withAccessHint */ .G7)((0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .listKeys */ .TH)(client))).find((key) => key.id === keyId);
    if (!found) {
        runner.setOutput('deleted-count', '0');
        runner.warning(`Vast.ai key ${keyId} is not on the account of admin-api-key (it was deleted already, or belongs to another account); nothing was deleted. Check key-id.`);
        return;
    }
    // A name the action did not write is outside text: it is not printed.
    const managed = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(found.name) !== undefined;
    const shownName = managed ? ` (${JSON.stringify(found.name)})` : '';
    if (!managed) {
        if (!settings.force) {
            throw new Error(`Input 'key-id': key ${keyId} was not made by this action (its name is not a managed name, see docs/key-names.md); refusing to delete it. ` +
                'Set force: true to delete a key the action did not make.');
        }
        runner.info(`force: true — ${settings.dryRun ? 'would delete' : 'deleting'} key ${keyId}, which this action did not make.`);
    }
    if (settings.dryRun) {
        runner.setOutput('deleted-count', '0');
        runner.info(`Would delete key ${keyId}${shownName || ' (name not shown: not a managed name)'} (dry run: nothing was deleted).`);
        return;
    }
    let result;
    try {
        result = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_2__/* .deleteKey */ .l0)(client, keyId);
    }
    catch (error) {
        runner.setOutput('deleted-count', '0');
        throw explainRefusal(keyId, error);
    }
    runner.setOutput('deleted-count', result === 'deleted' ? '1' : '0');
    runner.info(result === 'deleted'
        ? `Deleted Vast.ai key ${keyId}${shownName}.`
        : `Vast.ai key ${keyId} is already gone (deleted by someone else just now); deleted-count is 0.`);
}
/**
 * Vast's refusals of a delete (vast-api.md E4), said in the user's terms. None of them means the
 * key is gone: a primary key (400) and another user's key (401 or 403) stay live.
 */
function explainRefusal(keyId, error) {
    if (!(error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h) || error.kind !== 'http' || error.edge)
        return error;
    const said = error.apiMessage ?? '';
    if (error.status === 400 && /primary/i.test(said)) {
        return new Error(`Input 'key-id': ${keyId} is the account's primary key, which Vast never deletes (HTTP 400: ${said}). Nothing was deleted.`);
    }
    if (error.status === 400 && /user-created|only/i.test(said)) {
        return new Error(`Input 'key-id': ${keyId} is not a user-created API key, and Vast deletes only those (HTTP 400: ${said}). Nothing was deleted.`);
    }
    if (error.status === 401 || error.status === 403) {
        return new Error(`${error.message.replace(/\.$/, '')}. Key ${keyId} was not deleted and is not gone: it belongs to another user or team, ` +
            "or admin-api-key lacks user_write. Check 'key-id' (the key-id output of the step that made the key).");
    }
    return error;
}


/***/ })

};
