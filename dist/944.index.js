export const id = 944;
export const ids = [944,870];
export const modules = {

/***/ 1944:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runInstanceSweep: () => (/* binding */ runInstanceSweep)
/* harmony export */ });
/* harmony import */ var _core_duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8571);
/* harmony import */ var _core_instance_label_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(339);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1394);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_instances_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(3870);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8770);
/* harmony import */ var _sweep_runs_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4948);







/** Lists every instance, picks those due, destroys them (or says it would); outputs and summary. */
async function runInstanceSweep(settings, deps) {
    const { runner, client } = deps;
    runner.info("instances: destroy — the sweep also destroys this action's instances past their label's deadline; the parent key (admin-api-key) needs instance_read and instance_write.");
    let listing;
    try {
        listing = await (0,_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_4__/* .listInstances */ .ND)(client, undefined);
    }
    catch (error) {
        const hint = error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .VastApiError */ .h && !error.edge && [401, 403, 404].includes(error.status ?? 0)
            ? ' The parent key (admin-api-key) must be a live key with instance_read and instance_write.'
            : '';
        runner.setFailed(`The sweep could not list instances: ${error.message.replace(/\.$/, '')}.${hint}`);
        return;
    }
    const now = deps.now().getTime();
    const due = [];
    const pending = new Map();
    let unloaded = 0;
    const seen = new Set();
    for (const row of listing.rows) {
        if (seen.has(row.id))
            continue; // a list that names an id twice: one destroy, one count
        seen.add(row.id);
        const parsed = settings.scope === 'repository'
            ? (0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_1__/* .isLabelOf */ .ay)(row.label, settings.context.repository)
            : (0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_1__/* .parseInstanceLabel */ .hz)(row.label);
        if (!parsed || row.label === null)
            continue;
        if (row.curState === 'unloaded') {
            unloaded += 1; // a destroy is already under way
            continue;
        }
        const overdueMs = now - parsed.expiresAt.getTime();
        if (overdueMs > 0 && overdueMs >= settings.graceMs) {
            due.push({
                id: row.id,
                label: row.label,
                expiresAt: parsed.expiresAt,
                reason: 'deadline',
                why: `deadline passed ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(Math.max(1000, Math.round(overdueMs / 1000) * 1000))} ago`,
            });
            continue;
        }
        // The run can be asked about only when the repository is known whole: this repository, or a
        // shown name that was not cut or changed (its hash says so).
        const repository = settings.scope === 'repository'
            ? settings.context.repository
            : (0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_1__/* .repositoryHash */ .Hd)(parsed.repositoryShown) === parsed.repositoryHash
                ? parsed.repositoryShown
                : undefined;
        if (!repository)
            continue;
        const run = `${repository}\u0000${parsed.runId}\u0000${parsed.runAttempt}`;
        const group = pending.get(run) ?? [];
        group.push({ id: row.id, label: row.label, expiresAt: parsed.expiresAt });
        pending.set(run, group);
    }
    if (deps.runs)
        due.push(...(await completedRuns(deps, deps.runs, pending)));
    const destroyed = [];
    const gone = [];
    const failed = [];
    let stoppedBy = '';
    let spared = 0;
    for (const item of settings.dryRun ? [] : due) {
        if (deps.signal?.aborted) {
            stoppedBy = 'the step was cancelled';
            break;
        }
        // The list may be stale or wrong: only what Vast, asked by id, shows with the label goes.
        const outcome = await (0,_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_4__/* .destroyIfStillLabelled */ .nC)(client, item.id, item.label);
        if (outcome.result === 'relabelled') {
            spared += 1;
            runner.info(`Left Vast.ai instance ${item.id} alone: the list gave it the label ${item.label}, but Vast, asked for it by id, shows another label.`);
            continue;
        }
        if (outcome.result === 'failed') {
            const error = outcome.error;
            if (error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .VastApiError */ .h && (error.kind === 'budget' || error.kind === 'aborted')) {
                stoppedBy = error.kind === 'budget' ? 'sweep-budget ran out' : 'the step was cancelled';
                break;
            }
            failed.push({ item, reason: outcome.reason });
            runner.warning(`Could not destroy Vast.ai instance ${item.id} (${item.label}): ${outcome.reason}` +
                ((0,_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_4__/* .isRefusal */ .vu)(error) ? `. ${_core_vast_instances_js__WEBPACK_IMPORTED_MODULE_4__/* .DESTROY_REFUSED */ .WJ}` : ''));
            continue;
        }
        ;
        (outcome.result === 'destroyed' ? destroyed : gone).push(item);
        runner.info(outcome.result === 'destroyed'
            ? `Destroyed Vast.ai instance ${item.id} (${item.label}; ${item.why}).`
            : `Vast.ai instance ${item.id} (${item.label}) was already gone.`);
    }
    if (settings.dryRun) {
        for (const item of due)
            runner.info(`Would destroy Vast.ai instance ${item.id} (${item.label}; ${item.why}).`);
    }
    const remaining = due.length - destroyed.length - gone.length - spared;
    runner.setOutput('destroyed-instances', JSON.stringify(destroyed.map((item) => ({ id: item.id, reason: item.reason }))));
    const total = `${settings.dryRun ? 'Dry run: would destroy' : 'Destroyed'} ${settings.dryRun ? due.length : destroyed.length} instance(s)` +
        (gone.length ? `; ${gone.length} already gone` : '') +
        (settings.dryRun
            ? ''
            : `; ${remaining} to destroy remain${failed.length ? `, ${failed.length} failed` : ''}`) +
        (unloaded ? `; ${unloaded} already being destroyed` : '') +
        (listing.complete ? '' : '; the listing was cut short, the next sweep looks again') +
        (stoppedBy ? ` (stopped: ${stoppedBy}; the next sweep goes on)` : '') +
        '.';
    runner.info(total);
    const rows = (settings.dryRun ? due : destroyed).map((item) => [
        String(item.id),
        item.label,
        (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .isoSeconds */ .nE)(item.expiresAt),
        item.why,
    ]);
    runner.appendSummary(`### Vast.ai instance sweep${settings.dryRun ? ' (dry run)' : ''}\n\n${total}\n\n` +
        (rows.length
            ? (0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownTable */ .Q)(['Instance id', 'Label', 'Deadline', 'Why'], rows.slice(0, 200))
            : '') +
        (failed.length
            ? '\n**Failed**\n\n' +
                (0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownTable */ .Q)(['Instance id', 'Label', 'Error'], failed.map(({ item, reason }) => [String(item.id), item.label, reason]))
            : ''));
    if (failed.length > 0) {
        runner.setFailed(`The sweep could not destroy ${failed.length} of ${due.length} instance(s) (see the warnings above); they still run and bill, and the next sweep tries again.`);
    }
}
/** Instances of run attempts GitHub shows as completed; the rest keep to their deadline. */
async function completedRuns(deps, runs, pending) {
    const found = [];
    let asked = 0;
    for (const [key, group] of pending) {
        if (deps.signal?.aborted || runs.outOfTime || asked >= _sweep_runs_js__WEBPACK_IMPORTED_MODULE_5__/* .MAX_RUN_LOOKUPS */ .X)
            break;
        const [repository = '', runId = '', attempt = ''] = key.split('\u0000');
        asked += 1;
        const state = await runs.attempt(repository, runId, attempt);
        const run = `run ${runId} attempt ${attempt} of ${repository}`;
        if (state.state !== 'completed') {
            deps.runner.info(`${run} ${state.state === 'running' ? `is ${state.status}` : `: ${state.reason}`}; its ${group.length} instance(s) stay.`);
            continue;
        }
        deps.runner.info(`${run} completed (${state.conclusion}): its ${group.length} instance(s) go now.`);
        for (const item of group) {
            found.push({
                ...item,
                reason: 'run-completed',
                why: `${run} completed (${state.conclusion})`,
            });
        }
    }
    return found.sort((a, b) => a.id - b.id);
}


/***/ }),

/***/ 4948:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   PD: () => (/* binding */ lookUpRuns),
/* harmony export */   X: () => (/* binding */ MAX_RUN_LOOKUPS),
/* harmony export */   dx: () => (/* binding */ runKeyCandidates)
/* harmony export */ });
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);

/** At most this many run attempts are asked about per sweep; the next sweep asks about the rest. */
const MAX_RUN_LOOKUPS = 200;
/** Managed `job` keys in scope (not the parent, not already selected), grouped by run attempt. */
function runKeyCandidates(keys, options) {
    const repository = options.repository.toLowerCase();
    const groups = new Map();
    for (const key of keys) {
        if (key.id === options.parentId || options.skip.has(key.id))
            continue;
        const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(key.name);
        if (fields?.kind !== 'job')
            continue;
        if (options.scope === 'repository' && fields.repository.toLowerCase() !== repository)
            continue;
        const id = `${fields.repository.toLowerCase()} ${fields.runId} ${fields.runAttempt}`;
        const group = groups.get(id) ?? [];
        group.push({
            key,
            repository: fields.repository,
            runId: fields.runId,
            runAttempt: fields.runAttempt,
            expiresAt: fields.expiresAt,
        });
        groups.set(id, group);
    }
    return groups;
}
/**
 * Asks GitHub about each run attempt (up to {@link MAX_RUN_LOOKUPS}, while `stop()` is false);
 * returns what it said per run, and how many run attempts were not asked about.
 */
async function lookUpRuns(groups, reader, stop) {
    const outcomes = [];
    let notAsked = 0;
    for (const keys of groups.values()) {
        const first = keys[0];
        if (!first)
            continue;
        if (stop() || outcomes.length >= MAX_RUN_LOOKUPS) {
            notAsked += 1;
            continue;
        }
        const state = await reader.attempt(first.repository, first.runId, first.runAttempt);
        outcomes.push({ ...first, state, keys });
    }
    return { outcomes, notAsked };
}


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
