export const id = 993;
export const ids = [993];
export const modules = {

/***/ 993:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runDelete: () => (/* binding */ runDelete)
/* harmony export */ });
/* harmony import */ var _vast_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2895);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1588);


/** `mode: delete`: one key by id, e.g. a key made with `revoke: never` in an earlier job. */
async function runDelete(settings, deps) {
    const { runner, client } = deps;
    const parentId = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_1__/* .requireParentKeyId */ .Ii)(client, 'delete a key');
    if (parentId === settings.keyId) {
        throw new Error(`Input 'key-id': ${settings.keyId} is the parent key (admin-api-key) itself; refusing to delete it`);
    }
    let result;
    try {
        result = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_1__/* .deleteKey */ .l0)(client, settings.keyId);
    }
    catch (error) {
        runner.setOutput('deleted-count', '0');
        throw explainRefusal(settings.keyId, error);
    }
    runner.setOutput('deleted-count', result === 'deleted' ? '1' : '0');
    runner.info(result === 'deleted'
        ? `Deleted Vast.ai key ${settings.keyId}.`
        : `Vast.ai key ${settings.keyId} was already gone.`);
}
/**
 * Vast's refusals of a delete (vast-api.md E4), said in the user's terms. None of them means the
 * key is gone: a primary key (400) and another user's key (401 or 403) stay live.
 */
function explainRefusal(keyId, error) {
    if (!(error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .VastApiError */ .h) || error.kind !== 'http' || error.edge)
        return error;
    const said = error.apiMessage ?? '';
    if (error.status === 400 && /primary/i.test(said)) {
        return new Error(`Input 'key-id': ${keyId} is the account's primary key, which Vast never deletes (HTTP 400: ${said}). Nothing was deleted.`);
    }
    if (error.status === 400 && /user-created|only/i.test(said)) {
        return new Error(`Input 'key-id': ${keyId} is not a user-created API key, and Vast deletes only those (HTTP 400: ${said}). Nothing was deleted.`);
    }
    if (error.status === 401 || error.status === 403) {
        return new Error(`${error.message}. Key ${keyId} was not deleted and is not gone: it belongs to another user or team, ` +
            "or admin-api-key lacks user_write. Check 'key-id' (the key-id output of the step that made the key).");
    }
    return error;
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
