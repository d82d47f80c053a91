export const id = 796;
export const ids = [796,870];
export const modules = {

/***/ 6796:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runInstancesPost: () => (/* binding */ runInstancesPost)
/* harmony export */ });
/* unused harmony export INSTANCE_LABEL_STATE */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _core_instance_label_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(339);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_instances_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3870);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(8770);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(200);






/**
 * `instances: destroy`, in the post step of create mode: destroy every GPU instance labelled with
 * this job's instance label (VAST_INSTANCE_LABEL), which main saved in its state. Runs after the
 * key's own cleanup: once the job's key is deleted nothing can start another instance with it, so
 * the listings that follow see all the job made, but for a create Vast lists late, which the
 * second listing after `instances-grace` is for. Never stops (a stopped instance still bills);
 * never touches a row whose label is not exactly the job's label, whatever the server's filter let
 * through; counts an instance gone only when Vast says so unambiguously (I6 `success: true`, or
 * I3 `{"instances": null}`); a 404 alone may be a bad key (vast-instances-api.md, "General").
 */
/** The state name main saves the label under, first thing in create mode. */
const INSTANCE_LABEL_STATE = _state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.instanceLabel;
/** Room kept at the end of post's budget for the second listing and its destroys. */
const SECOND_LOOK_RESERVE_MS = 8_000;
/**
 * Lists, destroys, waits the grace, lists and destroys again; then says what became of each
 * instance in the log and the job summary. A failure (a listing refused, a destroy not confirmed,
 * a label in the state that is not this job's) follows cleanup-failure.
 */
async function runInstancesPost(deps) {
    const { runner, settings, budget } = deps;
    if (settings.instances !== 'destroy')
        return;
    const label = runner.getState(_state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.instanceLabel);
    if (!label) {
        runner.info('instances: destroy, but the main step made no instance label: nothing to destroy.');
        return;
    }
    const failures = [];
    const handled = new Map();
    if (!(0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_1__/* .isLabelOfJob */ .Nl)(label, deps.context)) {
        failures.push("The instance label in the state is not the label of this job (another repository, run, attempt or job, or not the action's format): destroying nothing. A scheduled sweep (mode: sweep) destroys the job's instances after their deadline.");
        return report(deps, label, handled, failures, false);
    }
    runner.info(`instances: destroy — destroying every Vast.ai instance labelled ${label}. The parent key (admin-api-key) needs instance_read (to list them) and instance_write (to destroy them).`);
    let secondLookDone = false;
    let cutShort = false;
    try {
        const client = await deps.makeClient();
        const firstLookAt = Date.now();
        cutShort = !(await destroyListed(runner, client, label, handled));
        const wait = Math.min(firstLookAt + settings.graceMs - Date.now(), budget.deadline() - SECOND_LOOK_RESERVE_MS - Date.now());
        if (firstLookAt + settings.graceMs - Date.now() > wait && settings.graceMs > 0) {
            runner.info(`Waiting only ${Math.max(0, Math.round(wait / 1000))} s of instances-grace: the post step's budget is short.`);
        }
        if (wait > 0) {
            runner.info(`Listing again in ${Math.round(wait / 1000)} s, for instances Vast lists late.`);
            // In short steps: a cancel moves the budget's deadline earlier, and the wait with it.
            const until = Date.now() + wait;
            const sleep = deps.sleep ?? realSleep;
            for (;;) {
                const left = Math.min(until, budget.deadline() - SECOND_LOOK_RESERVE_MS) - Date.now();
                if (left <= 0 || budget.signal?.aborted)
                    break;
                await sleep(Math.min(left, 250), budget.signal);
            }
        }
        cutShort = !(await destroyListed(runner, client, label, handled)) || cutShort;
        secondLookDone = true;
    }
    catch (error) {
        failures.push(`Could not list or destroy the instances labelled ${label}: ${error instanceof Error ? error.message : String(error)}. ${accessHint(error)}`.trim());
    }
    if (cutShort) {
        // A cursor named twice (or past the page cap): rows on the pages not read may be the job's.
        failures.push(`The listing of the instances labelled ${label} was cut short (Vast named a page cursor it had named before, or there were more than ${_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_3__/* .MAX_LIST_PAGES */ .rt} pages): instances on the pages not read may still run. A scheduled sweep (mode: sweep) destroys them after their label's deadline.`);
    }
    for (const { id, outcome } of handled.values()) {
        if (outcome.result === 'failed') {
            const said = `Could not destroy Vast.ai instance ${id}: ${outcome.reason.replace(/\.$/, '')}.`;
            failures.push((0,_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_3__/* .isRefusal */ .vu)(outcome.error)
                ? `${said} ${_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_3__/* .DESTROY_REFUSED */ .WJ} Give it instance_write (a sweep with this key cannot destroy it either), then run \`vastai destroy instance ${id} -y\`.`
                : `${said} A scheduled sweep (mode: sweep) destroys it after its label's deadline; or run \`vastai destroy instance ${id} -y\`.`);
        }
    }
    report(deps, label, handled, failures, secondLookDone, cutShort);
}
/**
 * One listing with the label filter: destroys every exact match not already destroyed or gone.
 * Returns whether the listing read every page (false: a cursor repeated, or the page cap).
 */
async function destroyListed(runner, client, label, handled) {
    const listing = await (0,_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_3__/* .listInstances */ .ND)(client, { label: { eq: label } });
    // The server's filter only narrows; the label must be exactly the job's, byte for byte.
    const matches = listing.rows.filter((row) => row.label === label);
    for (const row of matches) {
        const before = handled.get(row.id);
        if (before && before.outcome.result !== 'failed')
            continue;
        // The list may be stale or wrong: only what Vast, asked by id, shows with the label goes.
        const outcome = await (0,_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_3__/* .destroyIfStillLabelled */ .nC)(client, row.id, label);
        if (outcome.result === 'relabelled') {
            runner.info(`Left Vast.ai instance ${row.id} alone: the list gave it the job's label, but Vast, asked for it by id, shows another label.`);
            handled.delete(row.id);
            continue;
        }
        handled.set(row.id, { id: row.id, outcome });
    }
    return listing.complete;
}
/** Why a listing or destroy was refused, when it was: which scopes the parent key needs. */
function accessHint(error) {
    if (!(error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h) || error.edge)
        return '';
    if (error.status !== 401 && error.status !== 403 && error.status !== 404)
        return '';
    return 'The parent key (admin-api-key) must be a live key with instance_read and instance_write (Vast may answer 404 for a wrong or deleted key).';
}
function report(deps, label, handled, failures, complete, cutShort = false) {
    const { runner } = deps;
    const rows = [];
    for (const { id, outcome } of [...handled.values()].sort((a, b) => a.id - b.id)) {
        const said = outcome.result === 'destroyed'
            ? `Destroyed Vast.ai instance ${id}.`
            : outcome.result === 'gone'
                ? `Vast.ai instance ${id} was already gone (Vast shows it no more).`
                : `Could not destroy Vast.ai instance ${id}.`;
        if (outcome.result !== 'failed')
            runner.info(said);
        rows.push([
            String(id),
            outcome.result === 'destroyed'
                ? 'destroyed'
                : outcome.result === 'gone'
                    ? 'already gone'
                    : `not destroyed: ${outcome.reason}`,
        ]);
    }
    const destroyed = [...handled.values()].filter((h) => h.outcome.result === 'destroyed').length;
    const total = handled.size === 0
        ? cutShort
            ? `No instance labelled ${label} was found on the pages read (the listing was cut short).`
            : `No instance labelled ${label} was found${complete ? ' (listed twice)' : ''}.`
        : `Destroyed ${destroyed} of ${handled.size} instance(s) labelled ${label}.`;
    runner.info(total);
    runner.appendSummary(`\n### Vast.ai instances: post step\n\n${total}\n\n` +
        (rows.length ? (0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownTable */ .Q)(['Instance id', 'What became of it'], rows) : '') +
        // Failures carry Vast's own messages: outside text, so text, never Markdown.
        failures.map((f) => `\n- ⚠️ ${(0,_summary_js__WEBPACK_IMPORTED_MODULE_5__/* .markdownText */ .p)(f)}`).join('') +
        (failures.length ? '\n' : ''));
    for (const message of failures) {
        if (deps.cleanupFailure === 'fail')
            runner.setFailed(message);
        else
            runner.warning(message);
    }
}
const realSleep = (ms, signal) => (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);


/***/ }),

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
