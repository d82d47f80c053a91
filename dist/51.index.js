export const id = 51;
export const ids = [51];
export const modules = {

/***/ 2051:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runCreate: () => (/* binding */ runCreate),
  runCreatePost: () => (/* binding */ runCreatePost)
});

// UNUSED EXPORTS: STATE

// EXTERNAL MODULE: ./src/key-name.ts
var key_name = __webpack_require__(718);
// EXTERNAL MODULE: ./src/permissions.ts
var src_permissions = __webpack_require__(331);
;// CONCATENATED MODULE: ./src/summary.ts
/** A Markdown table for the job summary; cells are escaped so a name cannot break the table. */
function markdownTable(headers, rows) {
    const cell = (text) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
    const line = (cells) => `| ${cells.map(cell).join(' | ')} |`;
    return ([line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') +
        '\n');
}

// EXTERNAL MODULE: ./src/vast/errors.ts
var errors = __webpack_require__(2895);
// EXTERNAL MODULE: ./src/secret.ts
var secret = __webpack_require__(7355);
;// CONCATENATED MODULE: ./src/vast/keys.ts


function invalid(operation, status, detail) {
    return new errors/* VastApiError */.h({
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
    return { id: numericId, key: new secret/* Secret */.z(key) };
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
        if (error instanceof errors/* VastApiError */.h && error.status === 404)
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
/** Deletes every live key with exactly this name; returns how many went. */
async function deleteKeysNamed(client, name) {
    const matches = (await listKeys(client)).filter((key) => key.name === name);
    for (const key of matches)
        await deleteKey(client, key.id);
    return matches.length;
}

;// CONCATENATED MODULE: ./src/modes/create.ts





const STATE = {
    mode: 'mode',
    create: 'create',
    keyId: 'key-id',
    ambiguous: 'create-ambiguous',
};
/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
async function runCreate(settings, deps) {
    const { runner, client } = deps;
    const expiresAt = (0,key_name/* deadlineFrom */.vN)(deps.now(), settings.ttlMs);
    const name = (0,key_name/* formatKeyName */.yv)({
        label: settings.label,
        expiresAt,
        ...settings.context,
        nonce: deps.nonce(),
    });
    // Saved before the request goes out: if the answer never arrives (lost, cancelled), post can
    // still find the key by its unique name.
    const state = {
        apiUrl: settings.apiUrl,
        name,
        revoke: settings.revoke,
        cleanupFailure: settings.cleanupFailure,
        requestTimeoutMs: settings.requestTimeoutMs,
        maxAttempts: settings.maxAttempts,
    };
    runner.saveState(STATE.mode, 'create');
    runner.saveState(STATE.create, JSON.stringify(state));
    let created;
    let uncertain = false;
    try {
        created = await createKey(client, { name, permissions: settings.permissions }, async (error) => {
            uncertain = true;
            runner.saveState(STATE.ambiguous, 'true');
            const removed = await deleteKeysNamed(client, name);
            runner.info(`${error.message}; the request may have been applied: ${removed > 0 ? `deleted the ${removed} key(s) it made` : 'no key was made'}. Trying again.`);
            return 'retry';
        });
    }
    catch (error) {
        if (error instanceof errors/* VastApiError */.h && error.ambiguous)
            uncertain = true;
        if (uncertain)
            runner.saveState(STATE.ambiguous, 'true');
        throw explainCreateError(error, uncertain);
    }
    runner.setSecret(created.key.reveal());
    runner.saveState(STATE.keyId, String(created.id));
    const permissions = (0,src_permissions/* permissionsJson */.FU)(settings.permissions);
    runner.setOutput('api-key', created.key.reveal());
    runner.setOutput('key-id', String(created.id));
    runner.setOutput('key-name', name);
    runner.setOutput('expires-at', (0,key_name/* isoSeconds */.nE)(expiresAt));
    runner.setOutput('permissions', permissions);
    if (settings.exportEnv)
        runner.exportVariable('VAST_API_KEY', created.key.reveal());
    const categories = Object.keys(settings.permissions.api).join(', ');
    runner.info(`Created Vast.ai key ${created.id} (${categories}), deadline ${(0,key_name/* isoSeconds */.nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    runner.appendSummary(`### Vast.ai scoped key\n\n` +
        markdownTable(['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'], [
            [
                String(created.id),
                name,
                permissions,
                (0,key_name/* isoSeconds */.nE)(expiresAt),
                settings.revoke === 'post' ? 'when the job ends' : 'by a sweep or delete step',
            ],
        ]));
}
function explainCreateError(error, uncertain) {
    if (!(error instanceof errors/* VastApiError */.h))
        return error;
    if (uncertain) {
        return new Error(`${error.message}. A create request may have made the key; the post step looks for it by name and deletes it.`);
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
    const state = readState(runner);
    if (!state) {
        runner.info('Nothing to delete: the main step stopped before it created a key.');
        return;
    }
    const keyId = Number(runner.getState(STATE.keyId)) || undefined;
    const ambiguous = runner.getState(STATE.ambiguous) === 'true';
    if (!keyId && !ambiguous) {
        runner.info('Nothing to delete: the main step created no key.');
        return;
    }
    if (state.revoke === 'never') {
        runner.info(`revoke: never — key ${keyId ?? state.name} stays; a sweep after its deadline or a delete step ends it.`);
        return;
    }
    try {
        const client = await deps.makeClient(state);
        if (keyId) {
            const result = await deleteKey(client, keyId);
            runner.info(result === 'deleted'
                ? `Deleted Vast.ai key ${keyId}.`
                : `Vast.ai key ${keyId} was already gone.`);
        }
        if (ambiguous) {
            const removed = await deleteKeysNamed(client, state.name);
            if (removed > 0)
                runner.info(`Deleted ${removed} key(s) left by an uncertain create.`);
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
function readState(runner) {
    const raw = runner.getState(STATE.create);
    if (!raw)
        return undefined;
    try {
        return JSON.parse(raw);
    }
    catch {
        return undefined;
    }
}


/***/ })

};
