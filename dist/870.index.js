export const id = 870;
export const ids = [870];
export const modules = {

/***/ 3870:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ND: () => (/* binding */ listInstances),
/* harmony export */   WJ: () => (/* binding */ DESTROY_REFUSED),
/* harmony export */   checkInstanceAccess: () => (/* binding */ checkInstanceAccess),
/* harmony export */   nC: () => (/* binding */ destroyIfStillLabelled),
/* harmony export */   rt: () => (/* binding */ MAX_LIST_PAGES),
/* harmony export */   vu: () => (/* binding */ isRefusal)
/* harmony export */ });
/* unused harmony exports showInstance, destroyInstance */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(9867);
/* harmony import */ var _keys_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3016);


/** Vast ids are positive integers; anything else is no id at all. */
function positiveId(value) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
        return undefined;
    return value;
}
/** The v1 list's page size limit (I2: `limit` at most 25; the CLI always sends 25). */
const PAGE_SIZE = 25;
/** A listing never reads more than this many pages (25 000 rows); past it, it is incomplete. */
const MAX_LIST_PAGES = 1000;
/**
 * I2. `GET /api/v1/instances/` with `select_filters` (JSON, e.g. `{"label": {"eq": "…"}}`),
 * `order_by` id ascending and `limit=25`, following `next_token` in `after_token` to the last page.
 * The server's filter only narrows: its exactness is undocumented, so callers check each row.
 * `instances: null` is an empty page (the CLI's tests show it). Throws VastApiError (401/403
 * without instance_read; a 404 may be a bad key, see the contract's "General").
 */
async function listInstances(client, filters) {
    const operation = 'List instances';
    const rows = [];
    const seenTokens = new Set();
    let token;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const query = new URLSearchParams();
        if (filters)
            query.set('select_filters', JSON.stringify(filters));
        query.set('order_by', JSON.stringify([{ col: 'id', dir: 'asc' }]));
        query.set('limit', String(PAGE_SIZE));
        if (token !== undefined)
            query.set('after_token', token);
        const { status, data } = await client.call({
            operation,
            method: 'GET',
            path: `/api/v1/instances/?${query.toString()}`,
            idempotent: true,
        });
        if (typeof data !== 'object' || data === null || Array.isArray(data)) {
            throw (0,_keys_js__WEBPACK_IMPORTED_MODULE_1__/* .invalid */ .Gq)(operation, status, 'the answer is not the list envelope');
        }
        const envelope = data;
        if (envelope['success'] === false) {
            throw (0,_keys_js__WEBPACK_IMPORTED_MODULE_1__/* .invalid */ .Gq)(operation, status, 'the answer says success: false');
        }
        const items = envelope['instances'] ?? [];
        if (!Array.isArray(items))
            throw (0,_keys_js__WEBPACK_IMPORTED_MODULE_1__/* .invalid */ .Gq)(operation, status, 'the answer has no instances list');
        for (const item of items) {
            if (typeof item !== 'object' || item === null)
                continue;
            const row = item;
            const id = positiveId(row['id']);
            if (id === undefined)
                continue;
            const label = row['label'];
            rows.push({
                id,
                label: typeof label === 'string' ? label : null,
                curState: typeof row['cur_state'] === 'string' ? row['cur_state'] : null,
                actualStatus: typeof row['actual_status'] === 'string' ? row['actual_status'] : null,
            });
        }
        const next = envelope['next_token'];
        if (typeof next !== 'string' || next === '')
            return { rows, complete: true };
        if (seenTokens.has(next))
            return { rows, complete: false };
        seenTokens.add(next);
        token = next;
    }
    return { rows, complete: false };
}
/**
 * I3. `GET /api/v0/instances/{id}/?owner=me`: 200 `{"instances": null}` is the one unambiguous
 * "gone" (vast-instances-api.md, I3 and I6); a row is present; any other 200 shape is unclear.
 * Errors (401, 404 auth_error, 429 after retries) are thrown.
 */
async function showInstance(client, id) {
    const { data } = await client.call({
        operation: `Show instance ${id}`,
        method: 'GET',
        path: `/instances/${id}/?owner=me`,
        idempotent: true,
    });
    if (typeof data !== 'object' || data === null || !('instances' in data))
        return { kind: 'unclear' };
    const row = data.instances;
    if (row === null)
        return { kind: 'gone' };
    if (typeof row === 'object' && !Array.isArray(row)) {
        const record = row;
        if (positiveId(record['id']) !== id)
            return { kind: 'unclear' };
        return {
            kind: 'present',
            curState: typeof record['cur_state'] === 'string' ? record['cur_state'] : null,
            label: typeof record['label'] === 'string' ? record['label'] : null,
        };
    }
    return { kind: 'unclear' };
}
/**
 * Said after a destroy Vast refused (401 or 403) in post or a sweep, whose key is admin-api-key:
 * the listing before it worked, so instance_read is there and instance_write is what lacks.
 */
const DESTROY_REFUSED = 'Vast refused the destroy: the parent key (admin-api-key) lacks instance_write, or is no longer a live key.';
/** A 401 or 403 from Vast itself (not an edge in front of it): a key refused, not a fault. */
function isRefusal(error) {
    return (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .VastApiError */ .h && !error.edge && (error.status === 401 || error.status === 403));
}
/** I6, `DELETE /api/v0/instances/{id}/` with `{}`, then I3 when the answer was not a clear yes. */
async function destroyInstance(client, id) {
    let said;
    try {
        const { data } = await client.call({
            operation: `Destroy instance ${id}`,
            method: 'DELETE',
            path: `/instances/${id}/`,
            body: {},
            idempotent: true,
        });
        const record = (typeof data === 'object' && data !== null ? data : {});
        if (record['success'] === true)
            return { result: 'destroyed' };
        said = 'Vast answered success: false';
    }
    catch (error) {
        if (!(error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .VastApiError */ .h) || error.status !== 404) {
            return { result: 'failed', reason: messageOf(error), error };
        }
        said = error.message;
    }
    // Not a clear yes: only show's `{"instances": null}` says the instance is gone.
    try {
        const shown = await showInstance(client, id);
        if (shown.kind === 'gone')
            return { result: 'gone' };
        if (shown.kind === 'present') {
            return {
                result: 'failed',
                reason: `${said}, yet Vast still shows the instance${shown.curState ? ` (cur_state ${shown.curState})` : ''}`,
            };
        }
        return { result: 'failed', reason: `${said}, and show gave an answer that says neither` };
    }
    catch (error) {
        return {
            result: 'failed',
            reason: `${said}; checking whether it is gone failed too: ${messageOf(error)}`,
            error,
        };
    }
}
/**
 * I3 then I6: destroys instance `id` only when Vast, asked for it by id, still shows exactly
 * `label`. A listing may be stale (anyone with instance_write can relabel an instance, I4) or
 * wrong, so the list row's label alone never decides. `relabelled`: Vast shows another label
 * (left alone); `gone`: show says `{"instances": null}`; `failed`: show failed or named no label.
 */
async function destroyIfStillLabelled(client, id, label) {
    let shown;
    try {
        shown = await showInstance(client, id);
    }
    catch (error) {
        return {
            result: 'failed',
            reason: `checking its label before the destroy failed: ${messageOf(error)}`,
            error,
        };
    }
    if (shown.kind === 'gone')
        return { result: 'gone' };
    if (shown.kind === 'unclear') {
        return {
            result: 'failed',
            reason: 'Vast, asked for it by id, gave an answer that names no label: not destroyed',
        };
    }
    if (shown.label !== label)
        return { result: 'relabelled' };
    return destroyInstance(client, id);
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}
/**
 * Before any key is made with `instances: destroy`: one listing with the job's label proves the
 * parent key may list instances (instance_read). instance_write cannot be checked without
 * changing something, so the message names both. Throws an Error naming the input on a refusal
 * (401, 403, or 404, which Vast may give a wrong key); other errors as they are.
 */
async function checkInstanceAccess(client, label) {
    try {
        await listInstances(client, { label: { eq: label } });
    }
    catch (error) {
        if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .VastApiError */ .h &&
            !error.edge &&
            (error.status === 401 || error.status === 403 || error.status === 404)) {
            throw new Error(`Input 'instances': destroy needs the parent key (admin-api-key) to hold instance_read and instance_write, and Vast refused to list instances: ${error.message.replace(/\.$/, '')}. ` +
                'Give the parent key both, or set instances: keep. No key was created.');
        }
        throw error;
    }
}


/***/ })

};
