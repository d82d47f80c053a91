export const id = 310;
export const ids = [310];
export const modules = {

/***/ 7310:
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


/***/ }),

/***/ 3016:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   G7: () => (/* binding */ withAccessHint),
/* harmony export */   Gq: () => (/* binding */ invalid),
/* harmony export */   Ii: () => (/* binding */ requireParentKeyId),
/* harmony export */   QR: () => (/* binding */ currentKeyId),
/* harmony export */   TH: () => (/* binding */ listKeys),
/* harmony export */   cF: () => (/* binding */ createKey),
/* harmony export */   l0: () => (/* binding */ deleteKey),
/* harmony export */   rd: () => (/* binding */ parentKeyIdIfKnown),
/* harmony export */   ux: () => (/* binding */ accessHint)
/* harmony export */ });
/* unused harmony exports KEY_VALUE_LENGTH, keyValueProblem, parseCreateAnswer, parseListAnswer, saysKeyNotFound */
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
/**
 * An answer that cannot be what the route returns (a missing or malformed field): never retried,
 * and ambiguous, since the request may have been applied. Shared by the key and instance routes.
 */
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
 * What a create answer's key value may be: 16 to 512 printable ASCII characters, without spaces
 * and without `%`. Vast's keys are 64 hex characters, or `vast-` and letters and digits as its
 * reference shows (vast-api.md, E1: only `id` and `key` are certain); the bounds leave room for
 * other forms while refusing what would break the steps it is handed to: a key of a few
 * characters (masking it would hide those letters everywhere in the log), one too long for an
 * environment variable (E2BIG), and whitespace, control characters or `%` (a runner command's
 * escape character), which could split or unmask it in the log, the env file or the config file.
 */
const KEY_VALUE_LENGTH = { min: 16, max: 512 };
const KEY_VALUE_CHARACTERS = /^[\x21-\x24\x26-\x7e]+$/;
/**
 * Why `value` cannot be a key value to mask and hand out, or undefined when it can. Never says
 * the value itself.
 */
function keyValueProblem(value) {
    if (typeof value !== 'string' || value === '')
        return 'the answer has no key value';
    if (value.length < KEY_VALUE_LENGTH.min)
        return `the key value is ${value.length} characters long, shorter than any Vast key (at least ${KEY_VALUE_LENGTH.min})`;
    if (value.length > KEY_VALUE_LENGTH.max)
        return `the key value is ${value.length} characters long, longer than any Vast key (at most ${KEY_VALUE_LENGTH.max})`;
    if (!KEY_VALUE_CHARACTERS.test(value))
        return 'the key value has characters no Vast key has (whitespace, control characters, % or beyond printable ASCII)';
    return undefined;
}
/**
 * Reads a create answer (E1) and refuses one that cannot be the new key: an id that is not a
 * positive safe integer (0, negative, a float, a string of anything but digits) or is the parent
 * key's id; a key value that {@link keyValueProblem} refuses or that is the parent key itself; a
 * `name`, when the answer has one, other than the name sent. Throws a non-retryable, ambiguous
 * `invalid-response` VastApiError whose message says what was wrong and never the value.
 */
function parseCreateAnswer(client, request, status, data) {
    const operation = 'Create API key';
    const record = (typeof data === 'object' && data !== null ? data : {});
    const refuse = (why) => invalid(operation, status, `${why}; the answer was refused and no key was handed out`);
    // A number, as the contract shows (E1 `"id": <int>`): a string, even of digits, is refused.
    const id = typeof record.id === 'number' ? positiveId(record.id) : undefined;
    if (id === undefined)
        throw refuse('the answer has no key id that is a positive whole number');
    if (id === request.parentKeyId)
        throw refuse(`the answer names the parent key's id (${id})`);
    const problem = keyValueProblem(record.key);
    if (problem)
        throw refuse(problem);
    const key = record.key;
    if (client.holdsKey(key))
        throw refuse('the key value is the parent key (admin-api-key) itself');
    if ('name' in record && record.name !== request.name) {
        throw refuse('the answer names another key than the one asked for');
    }
    return { id, key: new _secret_js__WEBPACK_IMPORTED_MODULE_0__/* .Secret */ .z(key) };
}
/**
 * E1. A create whose answer was lost may have made the key: before sending it again, look the
 * key up by its unique name and delete what is found, so neither an orphan nor a duplicate stays.
 * An answer {@link parseCreateAnswer} refuses is never used: the keys with the name sent (never
 * the parent key) are looked for and deleted at once, and the refusal is thrown; the caller
 * treats it as an uncertain create (post looks by name again).
 */
async function createKey(client, request, onAmbiguous, onSend) {
    const { status, data } = await client.call({
        operation: 'Create API key',
        method: 'POST',
        path: '/auth/apikeys/',
        body: { name: request.name, permissions: request.permissions },
        idempotent: false,
        onAmbiguous,
        ...(onSend ? { onSend } : {}),
    });
    try {
        return parseCreateAnswer(client, request, status, data);
    }
    catch (error) {
        if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h))
            throw error;
        // Vast answered, so whatever the request made exists now: delete it by its unique name.
        const cleaned = await deleteNamedKeys(client, request.name, request.parentKeyId).then((ids) => ids.length > 0
            ? `deleted the key it made (${ids.join(', ')})`
            : 'no key of its name exists', () => undefined);
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h({
            operation: error.operation,
            kind: 'invalid-response',
            status,
            retryable: false,
            // Cleaned up: nothing is uncertain any more. Otherwise post looks for it by name.
            ambiguous: cleaned === undefined,
            detail: `${error.message.replace(/^Create API key failed: HTTP \d+, /, '')}${cleaned ? `; ${cleaned}` : ''}`,
        });
    }
}
/** Deletes every live key named exactly `name`, never `parentKeyId`; returns their ids. */
async function deleteNamedKeys(client, name, parentKeyId) {
    const found = (await listKeys(client)).filter((k) => k.name === name && k.id !== parentKeyId);
    for (const key of found)
        await deleteKey(client, key.id);
    return found.map((key) => key.id);
}
/**
 * E2. The answer is `{"apikeys": [...]}`; a bare array is accepted too. Items whose id is not a
 * positive safe integer are dropped, and so is a second item with an id already seen; a name that
 * is not a string of at most 1000 characters reads as '' (never a managed name, so nothing acts
 * on it).
 */
async function listKeys(client) {
    const operation = 'List API keys';
    const { status, data } = await client.call({
        operation,
        method: 'GET',
        path: '/auth/apikeys/',
        idempotent: true,
    });
    return parseListAnswer(operation, status, data);
}
/** The list answer (E2) read as {@link listKeys} says; throws when it has no list. */
function parseListAnswer(operation, status, data) {
    const items = Array.isArray(data) ? data : data?.apikeys;
    if (!Array.isArray(items))
        throw invalid(operation, status, 'the answer has no "apikeys" list');
    const keys = [];
    const seen = new Set();
    for (const item of items) {
        const { id, name } = (typeof item === 'object' && item !== null ? item : {});
        const numericId = positiveId(id);
        if (numericId === undefined || seen.has(numericId))
            continue;
        seen.add(numericId);
        keys.push({ id: numericId, name: typeof name === 'string' && name.length <= 1000 ? name : '' });
    }
    return keys;
}
/**
 * Whether a 404 body says the key does not exist: Vast's "API Key not found." (vast-api.md, E3,
 * E4) and the like. A 404 about anything else (a session or token that expired, a route the
 * edge does not know, an empty or HTML body) says nothing about the key.
 */
function saysKeyNotFound(message) {
    if (!message)
        return false;
    if (/session|expired|token|auth|login|credential|route|endpoint|url|page/i.test(message))
        return false;
    return /^\W*(api\s*)?key\b[^.]{0,40}\b(not found|does not exist|doesn't exist|no longer exists)\b/i.test(message.trim());
}
/**
 * E4. `'deleted'`, or `'already-gone'` when Vast answered 404 and the key is known to be gone:
 * its body says the key does not exist ({@link saysKeyNotFound}), or a second look (E2) no longer
 * lists the id. Any other 404 (an expired session, an edge's page) is thrown, as every other
 * failure is: the key may still be live. The one place every delete (post, delete mode, sweep,
 * rotate, the key broker) decides that a key is gone.
 */
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
        if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h) || error.status !== 404 || error.kind !== 'http')
            throw error;
        if (saysKeyNotFound(error.apiMessage))
            return 'already-gone';
        let listed;
        try {
            listed = await listKeys(client);
        }
        catch (listError) {
            throw notConfirmed(error, `and the second look failed: ${listError.message}`);
        }
        if (!listed.some((key) => key.id === id))
            return 'already-gone';
        throw notConfirmed(error, `but the key is still listed`);
    }
}
/** A 404 on delete that does not show the key is gone. */
function notConfirmed(error, why) {
    const failure = new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h({
        operation: error.operation,
        kind: 'http',
        status: 404,
        ...(error.apiMessage === undefined ? {} : { apiMessage: error.apiMessage }),
        retryable: false,
        ambiguous: false,
        detail: `the answer does not say the key is gone, ${why}`,
    });
    return failure;
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
    const known = parentKeyIds.get(client);
    if (known !== undefined)
        return known;
    const id = await currentKeyId(client);
    if (id === undefined) {
        throw new Error(`Vast did not say which key admin-api-key is (no key_id in /users/current); refusing to ${doing} without knowing which key is the parent`);
    }
    parentKeyIds.set(client, id);
    return id;
}
/**
 * The parent key's id as {@link requireParentKeyId} reads it, or undefined when Vast does not
 * say (no `user_read`, no `key_id`, an HTTP error): a create goes on without it, and its own
 * answer says what is wrong with the parent key. A cancel, the budget running out and a final
 * network failure (an untrusted certificate, a proxy's refusal) are thrown.
 */
async function parentKeyIdIfKnown(client) {
    try {
        return await requireParentKeyId(client, 'create a key');
    }
    catch (error) {
        // A cancel, the budget, and a final network failure (a certificate that does not verify, a
        // proxy's refusal) would stop the create too: said now, and nothing more is sent.
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && (error.kind === 'aborted' || error.kind === 'budget'))
            throw error;
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h && error.kind === 'network' && !error.retryable)
            throw error;
        return undefined;
    }
}
/** The parent key's id per client, so a step asks once (E6 allows one call per 2 s). */
const parentKeyIds = new WeakMap();


/***/ })

};
