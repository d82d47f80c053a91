export const id = 429;
export const ids = [429];
export const modules = {

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

/***/ 7429:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runSweep: () => (/* binding */ runSweep)
/* harmony export */ });
/* unused harmony export selectExpiredKeys */
/* harmony import */ var _core_duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8571);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(1394);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8770);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9416);
/* harmony import */ var _sweep_runs_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4948);







/** Managed, in scope, past deadline + grace, not the parent key; oldest deadline first. */
function selectExpiredKeys(keys, selection) {
    const repository = selection.repository.toLowerCase();
    const now = selection.now.getTime();
    const expired = [];
    for (const key of keys) {
        if (key.id === selection.parentId)
            continue;
        const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .parseKeyName */ .wN)(key.name);
        if (!fields)
            continue;
        if (selection.scope === 'repository' && fields.repository.toLowerCase() !== repository)
            continue;
        const overdueMs = now - fields.expiresAt.getTime();
        if (overdueMs < selection.graceMs || overdueMs <= 0)
            continue;
        expired.push({
            id: key.id,
            name: key.name,
            expiresAt: fields.expiresAt,
            overdueMs,
            reason: 'deadline',
        });
    }
    return expired.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id);
}
const SUMMARY_ROWS = 200;
async function runSweep(settings, deps) {
    const { runner, client } = deps;
    const parentId = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .withAccessHint */ .G7)((0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .requireParentKeyId */ .Ii)(client, 'sweep'));
    const keys = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .withAccessHint */ .G7)((0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .listKeys */ .TH)(client));
    // Deadlines were written by Vast's clock (or by a runner's close to it): judged by Vast's.
    const skew = (0,_core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .clockWarning */ .hv)(client, 'the sweep');
    if (skew)
        runner.warning(skew);
    const expired = selectExpiredKeys(keys, {
        parentId,
        repository: settings.context.repository,
        scope: settings.scope,
        graceMs: settings.graceMs,
        now: (0,_core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .vastTime */ .AW)(client, deps.now()),
    });
    const where = settings.scope === 'account' ? 'on the account' : `of ${settings.context.repository}`;
    runner.info(`${plural(keys.length, 'key')} on the account; ${plural(expired.length, 'managed key')} ${where} past ${expired.length === 1 ? 'its' : 'their'} deadline${settings.graceMs ? ` + ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(settings.graceMs)} grace` : ''}.`);
    runner.info(deps.runs
        ? 'Run-aware: yes (github-token is set): job keys of completed workflow runs go before their deadline.'
        : 'Run-aware: no (github-token is not set): keys go only after their deadline; see docs/reliability.md.');
    if (deps.runs) {
        expired.push(...(await completedRunKeys(settings, deps, deps.runs, keys, parentId, expired)));
    }
    const deleted = [];
    const gone = [];
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
                const result = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .withAccessHint */ .G7)((0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, key.id));
                (result === 'deleted' ? deleted : gone).push(key);
                runner.info(result === 'deleted'
                    ? `Deleted ${describe(key)}`
                    : `Already gone (deleted by someone else; not counted in deleted-count): ${describe(key)}`);
            }
            catch (error) {
                if (error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h &&
                    (error.kind === 'budget' || error.kind === 'aborted')) {
                    stoppedBy = error.kind === 'budget' ? 'sweep-budget ran out' : 'the step was cancelled';
                    break;
                }
                const message = error instanceof Error ? error.message : String(error);
                failed.push({ key, message, error });
                runner.warning(`Could not delete ${describe(key)}: ${message}`);
            }
        }
    }
    const remaining = expired.length - deleted.length - gone.length;
    runner.setOutput('deleted-count', String(deleted.length));
    runner.setOutput('deleted-keys', JSON.stringify((settings.dryRun ? [] : deleted).map((key) => ({ id: key.id, reason: key.reason }))));
    runner.setOutput('remaining-count', String(remaining));
    runner.setOutput('failed-count', String(failed.length));
    const listed = settings.dryRun ? expired : deleted;
    runner.info(`${settings.dryRun ? 'Dry run: would delete' : 'Deleted'} ${plural(listed.length, 'key')}${reasons(listed)}` +
        (gone.length ? `; ${gone.length} already gone` : '') +
        `; ${plural(remaining, 'key')} to delete remain${remaining === 1 ? 's' : ''}` +
        (failed.length ? `, ${failed.length} failed` : '') +
        (stoppedBy ? ` (stopped: ${stoppedBy}; the next sweep goes on)` : '') +
        '.');
    runner.appendSummary(summary(settings, { listed, gone: gone.length, failed, remaining, stoppedBy }));
    if (failed.length > 0)
        runner.setFailed(failureMessage(failed, expired.length));
}
/**
 * Why the step fails when deletes failed: how many, and the likely cause. A refusal (401/403) of
 * a delete means the parent key lacks user_write or the keys are not its account's (vast-api.md,
 * "Permissions" and E4).
 */
function failureMessage(failed, total) {
    const refused = failed.filter(({ error }) => error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h &&
        !error.edge &&
        (error.status === 401 || error.status === 403));
    const cause = refused.length
        ? `Vast refused ${refused.length === failed.length ? 'them' : `${refused.length} of them`} (HTTP ${refused.map(({ error }) => error.status).find(Boolean)}): the parent key (admin-api-key) lacks user_write, or is wrong or deleted. Give admin-api-key both user_read and user_write.`
        : `The first error: ${failed[0]?.message.replace(/\.$/, '')}.`;
    return (`The sweep could not delete ${failed.length} of ${plural(total, 'key')} (failed-count ${failed.length}; see the warnings above). ${cause} ` +
        'The keys are still live; the next sweep tries again.');
}
/** `1 key`, `2 keys`. */
function plural(count, noun) {
    return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
/**
 * The keys of completed run attempts (kind `job` only), asked of GitHub run by run. Runs still
 * going, and runs GitHub cannot show, keep their keys (logged).
 */
async function completedRunKeys(settings, deps, runs, keys, parentId, expired) {
    const { runner } = deps;
    const groups = (0,_sweep_runs_js__WEBPACK_IMPORTED_MODULE_5__/* .runKeyCandidates */ .dx)(keys, {
        parentId,
        repository: settings.context.repository,
        scope: settings.scope,
        skip: new Set(expired.map((key) => key.id)),
    });
    const { outcomes, notAsked } = await (0,_sweep_runs_js__WEBPACK_IMPORTED_MODULE_5__/* .lookUpRuns */ .PD)(groups, runs, () => deps.signal?.aborted === true || runs.outOfTime);
    const now = (0,_core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .vastTime */ .AW)(deps.client, deps.now()).getTime();
    const found = [];
    const refused = [];
    for (const outcome of outcomes) {
        const run = `run ${outcome.runId} attempt ${outcome.runAttempt} of ${outcome.repository}`;
        const count = plural(outcome.keys.length, 'key');
        const one = outcome.keys.length === 1;
        if (outcome.state.state === 'completed') {
            runner.info(`${run} completed (${outcome.state.conclusion}): its ${count} ${one ? 'goes' : 'go'} now.`);
            for (const { key, expiresAt } of outcome.keys) {
                found.push({
                    id: key.id,
                    name: key.name,
                    expiresAt,
                    overdueMs: now - expiresAt.getTime(),
                    reason: 'run-completed',
                    run: `${run} completed (${outcome.state.conclusion})`,
                });
            }
        }
        else if (outcome.state.state === 'running') {
            runner.info(`${run} is ${outcome.state.status}: its ${count} ${one ? 'stays' : 'stay'}.`);
        }
        else {
            if (outcome.state.refused)
                refused.push(outcome.state.refused);
            runner.info(`${run}: ${outcome.state.reason}; its ${count} ${one ? 'stays' : 'stay'} until ${one ? 'its' : 'their'} deadline.`);
        }
    }
    if (refused.length > 0) {
        // One annotation however many runs: the cause is the token, not the run.
        runner.warning(`GitHub refused github-token (HTTP ${refused[0]}) when the sweep asked about ${plural(refused.length, 'workflow run')}: the token needs actions: read ` +
            "(add `permissions: actions: read` to the sweep job, or use a token that may read these repositories' runs). " +
            'Until then the run-aware part does nothing: job keys stay until their deadline.');
    }
    if (notAsked > 0) {
        const why = deps.signal?.aborted
            ? 'the step was cancelled'
            : runs.outOfTime
                ? 'sweep-budget ran out'
                : `at most ${_sweep_runs_js__WEBPACK_IMPORTED_MODULE_5__/* .MAX_RUN_LOOKUPS */ .X} are asked per sweep`;
        runner.info(`${plural(notAsked, 'more run attempt')} ${notAsked === 1 ? 'was' : 'were'} not asked about (${why}); the next sweep asks.`);
    }
    return found.sort((a, b) => a.id - b.id);
}
function describe(key) {
    return key.reason === 'run-completed'
        ? `key ${key.id} "${key.name}" (${key.run ?? 'its run completed'})`
        : `key ${key.id} "${key.name}" (overdue by ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(roundSeconds(key.overdueMs))})`;
}
/** `: 1 past its deadline, 2 of completed runs`, or '' when every key is past its deadline. */
function reasons(keys) {
    const done = keys.filter((key) => key.reason === 'run-completed').length;
    const late = keys.length - done;
    return done
        ? ` (${late} past ${late === 1 ? 'its' : 'their'} deadline, ${done} of completed run${done === 1 ? '' : 's'})`
        : '';
}
function roundSeconds(ms) {
    return Math.max(1000, Math.round(ms / 1000) * 1000);
}
function summary(settings, result) {
    const { listed, failed, remaining } = result;
    const title = settings.dryRun ? 'would be deleted' : 'deleted';
    const rows = listed
        .slice(0, SUMMARY_ROWS)
        .map((k) => [
        String(k.id),
        k.name,
        (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_1__/* .isoSeconds */ .nE)(k.expiresAt),
        k.reason === 'run-completed'
            ? (k.run ?? 'its run completed')
            : `deadline passed ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(roundSeconds(k.overdueMs))} ago`,
    ]);
    let text = `### Vast.ai key sweep${settings.dryRun ? ' (dry run)' : ''}\n\n` +
        `${plural(listed.length, 'key')} ${title}${reasons(listed)}` +
        (result.gone ? `; ${result.gone} already gone` : '') +
        `; ${plural(remaining, 'key')} to delete remain${remaining === 1 ? 's' : ''}; ${failed.length} failed.\n\n`;
    if (result.stoppedBy) {
        text +=
            `**Stopped early: ${result.stoppedBy}.** ${plural(remaining - failed.length, 'key')} past ${remaining - failed.length === 1 ? 'its' : 'their'} deadline or of completed runs ${remaining - failed.length === 1 ? 'was' : 'were'} not tried; the next sweep deletes ${remaining - failed.length === 1 ? 'it' : 'them'}` +
                (result.stoppedBy.startsWith('sweep-budget')
                    ? ' (raise sweep-budget to finish in one run).\n\n'
                    : '.\n\n');
    }
    if (rows.length)
        text += (0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownTable */ .Q)(['Key id', 'Name', 'Deadline', 'Why'], rows);
    if (listed.length > SUMMARY_ROWS)
        text += `\n…and ${listed.length - SUMMARY_ROWS} more.\n`;
    if (failed.length) {
        text +=
            '\n**Failed**\n\n' +
                (0,_summary_js__WEBPACK_IMPORTED_MODULE_6__/* .markdownTable */ .Q)(['Key id', 'Name', 'Error'], failed.slice(0, SUMMARY_ROWS).map((f) => [String(f.key.id), f.key.name, f.message]));
    }
    return text;
}


/***/ }),

/***/ 8770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ markdownTable),
/* harmony export */   p: () => (/* binding */ markdownText)
/* harmony export */ });
/**
 * Text from outside (key names read from Vast, API messages, GitHub run names, the key-name
 * input) made to render as itself in the job summary, which GitHub renders as GitHub Flavored
 * Markdown with HTML: never an image, a link, an @mention, a table cell break, an HTML tag or
 * emphasis. What is changed, and nothing else (a key name `ci [vsk2 m=job …]` stays as it is):
 *
 * - `\` doubled first, so no backslash in the text can undo an escape below.
 * - `&`, `<`, `>` become entities: no HTML tag, comment, entity or `<…>` autolink starts.
 * - `![`, `](` and `][` get a backslash before their bracket: no image or link (a reference
 *   definition needs a line start, which outside text never has here).
 * - `|` (table cells), `*`, `` ` ``, `~`, and `_` where it could open or close emphasis (not
 *   between two letters or digits) are backslash-escaped; CommonMark renders `\x` as `x` for any
 *   ASCII punctuation.
 * - GitHub links @mentions, e-mail addresses, `www.` and `scheme://` after parsing, in the rendered
 *   text, where escapes are gone (the "transform time" autolinks described in the notes of
 *   micromark-extension-gfm-autolink-literal): a zero-width space (U+200B) after `@`, after `www`
 *   before its dot, and after `:` before `//`, breaks each match and shows the same text.
 * - Line ends become spaces: a value stays on one line, and in its table cell.
 */
function markdownText(text) {
    return text
        .replace(/\\/g, '\\\\')
        .replace(/\r\n|[\r\n\u2028\u2029]/g, ' ')
        .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
        .replace(/!\[/g, '!\\[')
        .replace(/\]([[(])/g, '\\]$1')
        .replace(/[|*`~]/g, (c) => `\\${c}`)
        .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, '\\_')
        .replace(/@/g, '@\u200b')
        .replace(/(www)\./gi, '$1\u200b.')
        .replace(/:\/\//g, ':\u200b//');
}
/**
 * A Markdown table for the job summary. Every cell, header or row, is text
 * ({@link markdownText}): a name cannot break the table, nor become a link, image, mention or tag.
 */
function markdownTable(headers, rows) {
    const line = (cells) => `| ${cells.map(markdownText).join(' | ')} |`;
    return ([line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n') +
        '\n');
}


/***/ }),

/***/ 9416:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   AW: () => (/* binding */ vastTime),
/* harmony export */   hv: () => (/* binding */ clockWarning)
/* harmony export */ });
/* unused harmony exports CLOCK_NOISE_MS, CLOCK_TOLERANCE_MS */
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8571);

/**
 * Vast's clock, as its answers' `Date` header (RFC 9110) shows it. Deadlines written into key
 * names and the sweep that reads them back are judged by it, so a runner whose clock is wrong
 * neither writes a deadline already past nor ends a running job's key.
 */
/** A difference up to this (ms) is the header's whole seconds and the round trip: not a skew. */
const CLOCK_NOISE_MS = 2_000;
/** A difference beyond this (ms) gets a warning: the runner's clock is wrong. */
const CLOCK_TOLERANCE_MS = 60_000;
/**
 * Vast's time now: `local` moved by the client's measured offset ({@link VastClient.clockOffsetMs})
 * when it exceeds {@link CLOCK_NOISE_MS}; `local` itself when it does not, or when no answer had
 * a `Date` header yet.
 */
function vastTime(client, local) {
    const offset = client.clockOffsetMs;
    if (offset === undefined || Math.abs(offset) <= CLOCK_NOISE_MS)
        return local;
    return new Date(local.getTime() + offset);
}
/**
 * The warning for a runner clock more than {@link CLOCK_TOLERANCE_MS} off Vast's, or undefined.
 * `what` says what follows Vast's clock instead (e.g. "the key's deadline").
 */
function clockWarning(client, what) {
    const offset = client.clockOffsetMs;
    if (offset === undefined || Math.abs(offset) <= CLOCK_TOLERANCE_MS)
        return undefined;
    const off = (0,_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a)(Math.round(Math.abs(offset) / 1000) * 1000);
    return (`The runner's clock is ${off} ${offset > 0 ? 'behind' : 'ahead of'} Vast's (the Date header of its answer); ` +
        `${what} follows Vast's clock. Set the runner's clock right (NTP).`);
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
