export const id = 196;
export const ids = [196];
export const modules = {

/***/ 2196:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runSweep: () => (/* binding */ runSweep)
/* harmony export */ });
/* unused harmony export selectExpiredKeys */
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7607);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(718);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8855);
/* harmony import */ var _vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2895);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1588);





/** Managed, in scope, past deadline + grace, not the parent key; oldest deadline first. */
function selectExpiredKeys(keys, selection) {
    const repository = selection.repository.toLowerCase();
    const now = selection.now.getTime();
    const expired = [];
    for (const key of keys) {
        if (key.id === selection.parentId)
            continue;
        const fields = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .parseKeyName */ .wN)(key.name);
        if (!fields)
            continue;
        if (selection.scope === 'repository' && fields.repository.toLowerCase() !== repository)
            continue;
        const overdueMs = now - fields.expiresAt.getTime();
        if (overdueMs < selection.graceMs || overdueMs <= 0)
            continue;
        expired.push({ id: key.id, name: key.name, expiresAt: fields.expiresAt, overdueMs });
    }
    return expired.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id);
}
const SUMMARY_ROWS = 200;
async function runSweep(settings, deps) {
    const { runner, client } = deps;
    const parentId = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .requireParentKeyId */ .Ii)(client, 'sweep');
    const keys = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .listKeys */ .TH)(client);
    const expired = selectExpiredKeys(keys, {
        parentId,
        repository: settings.context.repository,
        scope: settings.scope,
        graceMs: settings.graceMs,
        now: deps.now(),
    });
    const where = settings.scope === 'account' ? 'on the account' : `of ${settings.context.repository}`;
    runner.info(`${keys.length} keys on the account; ${expired.length} managed key(s) ${where} past their deadline${settings.graceMs ? ` + ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(settings.graceMs)} grace` : ''}.`);
    const deleted = [];
    const failed = [];
    let stoppedBy = '';
    if (settings.dryRun) {
        for (const key of expired)
            runner.info(`Would delete ${describe(key)}`);
    }
    else {
        for (const key of expired) {
            if (deps.signal?.aborted) {
                stoppedBy = 'the step was cancelled';
                break;
            }
            try {
                const result = await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, key.id);
                deleted.push(key);
                runner.info(`${result === 'deleted' ? 'Deleted' : 'Already gone:'} ${describe(key)}`);
            }
            catch (error) {
                if (error instanceof _vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h &&
                    (error.kind === 'budget' || error.kind === 'aborted')) {
                    stoppedBy = error.kind === 'budget' ? 'sweep-budget ran out' : 'the step was cancelled';
                    break;
                }
                const message = error instanceof Error ? error.message : String(error);
                failed.push({ key, message });
                runner.warning(`Could not delete ${describe(key)}: ${message}`);
            }
        }
    }
    const remaining = expired.length - deleted.length;
    runner.setOutput('deleted-count', String(deleted.length));
    runner.setOutput('remaining-count', String(remaining));
    runner.setOutput('failed-count', String(failed.length));
    const verb = settings.dryRun ? 'Dry run: would delete' : 'Deleted';
    runner.info(`${verb} ${settings.dryRun ? expired.length : deleted.length} key(s); ${remaining} expired key(s) remain` +
        (failed.length ? `, ${failed.length} failed` : '') +
        (stoppedBy ? ` (stopped: ${stoppedBy}; the next sweep goes on)` : '') +
        '.');
    runner.appendSummary(summary(settings, settings.dryRun ? expired : deleted, failed, remaining));
}
function describe(key) {
    return `key ${key.id} "${key.name}" (overdue by ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(roundSeconds(key.overdueMs))})`;
}
function roundSeconds(ms) {
    return Math.max(1000, Math.round(ms / 1000) * 1000);
}
function summary(settings, listed, failed, remaining) {
    const title = settings.dryRun ? 'would be deleted (dry run)' : 'deleted';
    const rows = listed
        .slice(0, SUMMARY_ROWS)
        .map((k) => [
        String(k.id),
        k.name,
        (0,_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(k.expiresAt),
        (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(roundSeconds(k.overdueMs)),
    ]);
    let text = `### Vast.ai key sweep\n\n${listed.length} key(s) ${title}; ${remaining} expired key(s) remain; ${failed.length} failed.\n\n`;
    if (rows.length)
        text += (0,_summary_js__WEBPACK_IMPORTED_MODULE_4__/* .markdownTable */ .Q)(['Key id', 'Name', 'Deadline', 'Overdue by'], rows);
    if (listed.length > SUMMARY_ROWS)
        text += `\n…and ${listed.length - SUMMARY_ROWS} more.\n`;
    if (failed.length) {
        text +=
            '\n**Failed**\n\n' +
                (0,_summary_js__WEBPACK_IMPORTED_MODULE_4__/* .markdownTable */ .Q)(['Key id', 'Name', 'Error'], failed.slice(0, SUMMARY_ROWS).map((f) => [String(f.key.id), f.key.name, f.message]));
    }
    return text;
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
/* harmony export */   l0: () => (/* binding */ deleteKey),
/* harmony export */   ux: () => (/* binding */ accessHint)
/* harmony export */ });
/* unused harmony export deleteKeysNamed */
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
 * What to do about a refusal (401/403) of a key-management call, or '' for any other error. Vast
 * gates listing keys and reading the current user behind `user_read`, and creating and deleting
 * keys behind `user_write` (vast-api.md, "Permissions"); a key cannot manage keys without them.
 */
function accessHint(error) {
    if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .VastApiError */ .h) || (error.status !== 401 && error.status !== 403))
        return '';
    const write = /^(Create|Delete)/.test(error.operation);
    const category = write ? 'user_write' : 'user_read';
    return (`The parent key (admin-api-key) was refused: it is wrong or deleted, or lacks ${category} ` +
        `(${write ? 'creating and deleting keys' : 'listing keys and reading the current user'} needs it). ` +
        'Give admin-api-key both user_read and user_write');
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
/** Deletes every live key with exactly this name (but `except`); returns how many went. */
async function deleteKeysNamed(client, name, except) {
    const matches = (await listKeys(client)).filter((key) => key.name === name && key.id !== except);
    for (const key of matches)
        await deleteKey(client, key.id);
    return matches.length;
}


/***/ })

};
