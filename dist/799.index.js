export const id = 799;
export const ids = [799];
export const modules = {

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

/***/ 339:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Hd: () => (/* binding */ repositoryHash),
/* harmony export */   JA: () => (/* binding */ formatInstanceLabel),
/* harmony export */   Nl: () => (/* binding */ isLabelOfJob),
/* harmony export */   ay: () => (/* binding */ isLabelOf),
/* harmony export */   hz: () => (/* binding */ parseInstanceLabel)
/* harmony export */ });
/* unused harmony exports INSTANCE_LABEL_PREFIX, MAX_INSTANCE_LABEL_LENGTH, repositoryShown */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);

/**
 * The instance label of a job: the value users pass to `vastai create instance … --label`, so
 * that the post step can destroy what the job started, and a sweep what outlived its deadline.
 * Vast gives instances no owner but the account and no field naming the key that made them
 * (vast-instances-api.md, "Which API key owns an instance"): the label is the only mark a job can
 * leave, so it carries everything a cleanup needs, and a random part nobody can guess or repeat.
 *
 *   vski1:octo-org/gpu-trainer:1234567890.1:train:20261122T150000Z:3fa9c2d81e4b.9f86d081884c
 *
 *   vski1            this action's instance label, version 1
 *   octo-org/…       the repository, shown (cut to 32 characters; `_` and others become `-`)
 *   1234567890.1     the run id and the run attempt (a re-run never shares a label)
 *   train            the job id, shown (cut to 16 characters)
 *   20261122T…Z      the deadline (the key's): a sweep destroys the instance after it
 *   3fa9c2d81e4b     12 hex of SHA-256 of the repository, lower-cased: what a sweep matches on
 *                    (the shown part may be cut, or fold `a_b` and `a-b` together)
 *   9f86d081884c     the random part: 48 bits, saved in the main step's state
 *
 * Within the contract's safe limits for labels: at most 128 ASCII characters from
 * `[A-Za-z0-9._:/-]`, nothing to trim (the documented limits disagree, 256 at create and 1024 on
 * relabel, "ideally less than 128"; no character set is published). Matching is always the whole
 * label, byte for byte, on the action's side: never a prefix, never case-folded, never trimmed.
 */
const INSTANCE_LABEL_PREFIX = 'vski1';
/** The contract's safe length (vast-instances-api.md, "Is destroy by label sound?", point 2). */
const MAX_INSTANCE_LABEL_LENGTH = 128;
const REPO_ROOM = 32;
const JOB_ROOM = 16;
const LABEL = /^vski1:([A-Za-z0-9./-]{1,32}):(\d{1,20})\.(\d{1,5}):([A-Za-z0-9.-]{1,16}):(\d{8}T\d{6}Z):([0-9a-f]{12})\.([0-9a-f]{12})$/;
/** 12 hex of SHA-256 over the repository, case-folded (GitHub's names are case-insensitive). */
function repositoryHash(repository) {
    return (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(repository.toLowerCase()).digest('hex').slice(0, 12);
}
function shown(text, allowed, room, fallback) {
    const cleaned = text.replace(allowed, '-').slice(0, room);
    return cleaned === '' ? fallback : cleaned;
}
/** The repository as the label shows it. */
function repositoryShown(repository) {
    return shown(repository.toLowerCase(), /[^a-z0-9./-]/g, REPO_ROOM, 'repo');
}
function compactTime(date) {
    return date
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:]/g, '');
}
/**
 * Writes a label of at most {@link MAX_INSTANCE_LABEL_LENGTH} characters from the safe set.
 * Throws (a bug, not a user error) when the run id, attempt or nonce are not what GitHub and the
 * action make: digits of at most 20 and 5, and 12 lower-case hex.
 */
function formatInstanceLabel(fields) {
    if (!/^\d{1,20}$/.test(fields.runId) || !/^\d{1,5}$/.test(fields.runAttempt)) {
        throw new Error('formatInstanceLabel: the run id and attempt must be digits (20 and 5 at most)');
    }
    if (!/^[0-9a-f]{12}$/.test(fields.nonce)) {
        throw new Error('formatInstanceLabel: the nonce must be 12 lower-case hex characters');
    }
    const job = shown(fields.job, /[^A-Za-z0-9.-]/g, JOB_ROOM, 'job');
    return [
        INSTANCE_LABEL_PREFIX,
        repositoryShown(fields.repository),
        `${fields.runId}.${fields.runAttempt}`,
        job,
        compactTime(fields.expiresAt),
        `${repositoryHash(fields.repository)}.${fields.nonce}`,
    ].join(':');
}
/** Reads a label back; `undefined` for anything this action did not write, look-alikes included. */
function parseInstanceLabel(label) {
    if (typeof label !== 'string' || label.length > MAX_INSTANCE_LABEL_LENGTH)
        return undefined;
    const match = LABEL.exec(label);
    if (!match)
        return undefined;
    const [, repo, runId, runAttempt, job, exp, hash, nonce] = match;
    const e = exp ?? '';
    const expiresAt = new Date(`${e.slice(0, 4)}-${e.slice(4, 6)}-${e.slice(6, 8)}T${e.slice(9, 11)}:${e.slice(11, 13)}:${e.slice(13, 15)}Z`);
    // A date that does not exist (month 13) is no deadline the action wrote.
    if (Number.isNaN(expiresAt.getTime()) || compactTime(expiresAt) !== e)
        return undefined;
    return {
        repositoryShown: repo ?? '',
        repositoryHash: hash ?? '',
        runId: runId ?? '',
        runAttempt: runAttempt ?? '',
        jobShown: job ?? '',
        expiresAt,
        nonce: nonce ?? '',
    };
}
/**
 * Whether `label` is this action's label for `repository`: it parses, and both its hash and its
 * shown part are what the action writes for that repository. A sweep touches nothing else.
 */
function isLabelOf(label, repository) {
    const parsed = parseInstanceLabel(label);
    if (!parsed)
        return undefined;
    if (parsed.repositoryHash !== repositoryHash(repository))
        return undefined;
    if (parsed.repositoryShown !== repositoryShown(repository))
        return undefined;
    return parsed;
}
/** Whether `label` is the label of this very run attempt and job (the post step's check). */
function isLabelOfJob(label, context) {
    const parsed = isLabelOf(label, context.repository);
    return (parsed !== undefined &&
        parsed.runId === context.runId &&
        parsed.runAttempt === context.runAttempt &&
        parsed.jobShown === shown(context.job, /[^A-Za-z0-9.-]/g, JOB_ROOM, 'job'));
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
