export const id = 770;
export const ids = [770];
export const modules = {

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

/***/ 3738:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ describeTarget)
/* harmony export */ });
/**
 * A secret's target in words, for logs, errors and job summaries:
 * `repository secret NAME of owner/repo`, `environment secret NAME (env prod) of owner/repo`,
 * `organisation secret NAME of org`. The organisation's visibility is not part of it: it is a
 * setting of the one secret, not another secret.
 */
function describeTarget(target, secretName) {
    if (target.scope === 'repository')
        return `repository secret ${secretName} of ${target.repository}`;
    if (target.scope === 'environment') {
        return `environment secret ${secretName} (env ${target.environment}) of ${target.repository}`;
    }
    return `organisation secret ${secretName} of ${target.organization}`;
}


/***/ }),

/***/ 5450:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c4: () => (/* reexport safe */ _state_js__WEBPACK_IMPORTED_MODULE_6__.c4),
/* harmony export */   uY: () => (/* binding */ mintKey)
/* harmony export */ });
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);
/* harmony import */ var _signals_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(970);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9416);
/* harmony import */ var _core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7394);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(373);







/**
 * The life of one minted key, shared by create and rotate: its state for the post step, the
 * create request with lost answers resolved by name, cleanup after a cancel, and the post step
 * that deletes what main made.
 */

/** Creates the key (state first, so post can always find it), masks it, records its id. */
async function mintKey(request, deps) {
    const { runner, client } = deps;
    // The parent's id (an answer naming it is refused), and Vast's clock for the deadline.
    const parentKeyId = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .parentKeyIdIfKnown */ .rd)(client);
    const skew = (0,_core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .clockWarning */ .hv)(client, "the key's deadline");
    if (skew)
        runner.warning(skew);
    const expiresAt = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .deadlineFrom */ .vN)((0,_core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__/* .vastTime */ .AW)(client, deps.now()), request.ttlMs);
    const name = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .formatKeyName */ .yv)({
        label: request.label,
        kind: request.kind,
        expiresAt,
        ...request.context,
        ...(request.target ? { target: request.target } : {}),
        nonce: deps.nonce(),
    });
    // Saved before the request goes out: if the answer never arrives (lost, cancelled, killed),
    // post can still find the key by its unique name.
    const state = {
        apiUrl: request.apiUrl,
        name,
        revoke: request.revoke,
        cleanupFailure: request.cleanupFailure,
        requestTimeoutMs: request.requestTimeoutMs,
        maxAttempts: request.maxAttempts,
    };
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.mode, 'create');
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.create, JSON.stringify(state));
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.pending, 'true');
    let uncertain = false;
    // The send time of the request in flight, and of the last one that got no answer.
    let sentAt = 0;
    let uncertainAt = 0;
    const onSend = () => {
        sentAt = Date.now();
        runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.sentAt, String(sentAt));
    };
    // The answer to a create was lost: find out by name whether it made the key, delete what it
    // made, and only then try again.
    const resolveLostCreate = async (error) => {
        uncertain = true;
        uncertainAt = sentAt;
        const removed = await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteStepKeys */ .Ky)(client, name);
        runner.info(`${error.message}; the request may have been applied: ${removed.length > 0 ? `deleted the ${removed.length} key(s) it made` : 'no key was made so far'}. Trying again.`);
        return 'retry';
    };
    let created;
    try {
        created = await (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .createKey */ .cF)(client, { name, permissions: request.permissions, parentKeyId }, resolveLostCreate, onSend);
    }
    catch (error) {
        // An ambiguous create, even one followed by a definite error, may have left a key.
        const ambiguous = error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h ? error.ambiguous : true;
        if (ambiguous && sentAt)
            uncertainAt = sentAt;
        uncertain ||= ambiguous;
        if (!uncertain)
            runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.pending, 'false');
        else if (uncertainAt)
            runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.uncertainAt, String(uncertainAt));
        if (error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h && error.kind === 'aborted' && uncertainAt) {
            await cleanUpAfterCancel(deps, name, uncertainAt, request.requestTimeoutMs);
        }
        throw explainCreateError(error, uncertain, Object.keys(request.permissions.api));
    }
    runner.setSecret(created.key.reveal());
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.keyId, String(created.id));
    // After an uncertain create, post also looks by name: an attempt the API applied only after
    // the action gave up on it (a timeout) can still appear later.
    runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.pending, uncertain ? 'true' : 'false');
    if (uncertain)
        runner.saveState(_state_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.uncertainAt, String(uncertainAt));
    return { id: created.id, key: created.key, name, expiresAt };
}
/** Room kept before the runner's SIGTERM for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000;
/**
 * Cancelled while the create was in flight: the key may exist, or appear once Vast applies the
 * request. Look now and, when the window for a late apply ends within the runner's grace, wait
 * for it and look again; otherwise the post step looks again after the window.
 */
async function cleanUpAfterCancel(deps, name, uncertainAt, requestTimeoutMs) {
    const started = Date.now();
    const windowEnd = (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .uncertaintyEnd */ .iy)(uncertainAt, requestTimeoutMs);
    const lastLookBy = started + _signals_js__WEBPACK_IMPORTED_MODULE_1__/* .CANCEL_CLEANUP_BUDGET_MS */ .vb - LAST_LOOK_RESERVE_MS;
    try {
        const client = await deps.cleanupClient();
        const result = windowEnd <= lastLookBy
            ? await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteLateKeys */ .oW)({
                client,
                stepName: name,
                uncertainAt,
                requestTimeoutMs,
                lastLookBy: () => lastLookBy,
                log: (message) => deps.runner.info(message),
            })
            : { deleted: await (0,_core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteStepKeys */ .Ky)(client, name), covered: false };
        deps.runner.info(`Cancelled during the create request; ${result.deleted.length > 0 ? `deleted the ${result.deleted.length} key(s) it made` : 'no key was made so far'}. ` +
            (result.covered
                ? 'Vast can no longer apply the request.'
                : `Vast could still apply the request until ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .isoSeconds */ .nE)(new Date(windowEnd))}: the post step looks again (it can wait up to 48s; a key made later is left to a sweep).`));
    }
    catch (error) {
        deps.runner.info(`Cancelled during the create request; could not check for a key now (${error.message}). The post step looks for it by name.`);
    }
}
/** `asked`: the categories the new key asked for, named in a refusal (the parent must hold each). */
function explainCreateError(error, uncertain, asked) {
    if (!(error instanceof _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .VastApiError */ .h))
        return error;
    if (error.kind === 'aborted')
        return error;
    const hint = (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .accessHint */ .ux)(error);
    // The API's message may end its own sentence: never two full stops.
    const said = error.message.replace(/\.$/, '');
    if (uncertain && hint) {
        return new Error(`${said}. ${hint}. A create request may have made a key that this parent key cannot look for: ` +
            'the post step tries again, and if it cannot, delete it in the Vast console (Account, API keys)');
    }
    if (uncertain) {
        return new Error(`${said}. A create request may have made the key; the post step looks for it by name and deletes it.`);
    }
    if (error.status === 429) {
        return new Error(`${said}. Still rate limited when create-budget ran out: every job sharing one parent key shares Vast's create rate ` +
            '(about one key per 2 s). Raise create-budget, or run fewer jobs at once (strategy.max-parallel).');
    }
    if (error.operation.startsWith('Create') &&
        !error.edge &&
        (error.status === 401 || error.status === 403)) {
        // Vast answers 401 "Invalid user key" for a key it does not know (vast-api.md, E2/E6); any
        // other refusal of a known key is a missing scope or a grant beyond what it holds (E1).
        const unknownKey = /invalid user key/i.test(error.apiMessage ?? '');
        return new Error(unknownKey
            ? `${said}. The parent key (admin-api-key) is not a live Vast.ai key: it is wrong, cut short or deleted. Check the secret.`
            : `${said}. The parent key (admin-api-key) was refused: it lacks user_write, ` +
                `or does not hold every permission asked for (${asked.join(', ')}; a key cannot grant more than it holds).`);
    }
    return error;
}


/***/ }),

/***/ 4770:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SecretWriter: () => (/* reexport */ SecretWriter),
  runRotate: () => (/* binding */ runRotate)
});

// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 21 modules
var github = __webpack_require__(1758);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./node_modules/libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs + 1 modules
var libsodium_wrappers = __webpack_require__(4768);
// EXTERNAL MODULE: ./src/core/vast/answers.ts
var answers = __webpack_require__(8849);
// EXTERNAL MODULE: ./src/core/vast/transport.ts + 1 modules
var transport = __webpack_require__(5910);
// EXTERNAL MODULE: ./src/github/target.ts
var target = __webpack_require__(3738);
;// CONCATENATED MODULE: ./src/github/secrets.ts







/** One GitHub call, its retries and rate-limit waits included, ends within this. */
const GITHUB_CALL_BUDGET_MS = 180_000;
class GitHubSecretError extends Error {
    /**
     * Nothing was written, for sure: every attempt of the request got a 4xx. A refusal of a retry
     * whose earlier attempt got no answer (or a 5xx) is not definite: that attempt may have been
     * applied.
     */
    definite;
    constructor(message, definite) {
        super(message);
        this.name = 'GitHubSecretError';
        this.definite = definite;
    }
}
/**
 * An Octokit plugin that sees every attempt the retry and throttling plugins send (it is
 * registered before them, so its hook runs innermost) and counts those that may have been applied.
 */
function attemptCounter(attempts) {
    return (octokit) => {
        octokit.hook.wrap('request', async (request, options) => {
            const counting = attempts();
            if (counting)
                counting.sent++;
            try {
                return await request(options);
            }
            catch (error) {
                const status = error.status;
                if (counting && !(typeof status === 'number' && status >= 400 && status < 500)) {
                    counting.uncertain++;
                }
                throw error;
            }
        });
        return {};
    };
}
/** Everything that can be checked before a key is minted, then the write itself. */
class SecretWriter {
    #octokit;
    #signal;
    #target;
    #name;
    #prepared;
    /** The attempts of the call in flight (one call at a time). */
    #attempts;
    constructor(options, target, name) {
        const rateLimited = (what) => (retryAfter, _options, _o, count) => {
            options.debug(`GitHub ${what} rate limit: waiting ${retryAfter} s (retry ${count + 1})`);
            return count < 2 && retryAfter <= 120;
        };
        this.#octokit = (0,github/* getOctokit */.Q)(options.token.reveal(), {
            baseUrl: options.apiUrl,
            request: { fetch: octokitFetch(options.fetch) },
            log: { debug: () => { }, info: () => { }, warn: options.debug, error: options.debug },
            // plugin-retry waits n² seconds between its tries: keep them few; #call bounds the rest.
            retry: { retries: Math.min(3, Math.max(0, options.maxAttempts - 1)) },
            throttle: {
                onRateLimit: rateLimited('primary'),
                onSecondaryRateLimit: rateLimited('secondary'),
            },
        }, attemptCounter(() => this.#attempts), dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
        this.#signal = options.signal;
        this.#target = target;
        this.#name = name;
    }
    /** Aborts the request in flight with the step's cancellation. */
    #request() {
        return this.#signal ? { request: { signal: this.#signal } } : {};
    }
    /** Where the secret goes, said for people (see {@link describeTarget}). */
    describe() {
        return (0,target/* describeTarget */.f)(this.#target, this.#name);
    }
    /**
     * What {@link prepare} learnt, for a dry run's report: the scope's public key id and, for
     * `visibility: selected`, the repositories' ids; `undefined` before prepare.
     */
    get prepared() {
        const p = this.#prepared;
        if (!p)
            return undefined;
        return {
            keyId: p.keyId,
            ...(p.selectedRepositoryIds ? { selectedRepositoryIds: [...p.selectedRepositoryIds] } : {}),
        };
    }
    /** Reads the public key (and the selected repositories' ids): proves the token can see it. */
    async prepare() {
        const t = this.#target;
        const key = await this.#call('read the public key of the', async () => {
            if (t.scope === 'organization') {
                return (await this.#octokit.rest.actions.getOrgPublicKey({
                    org: t.organization,
                    ...this.#request(),
                })).data;
            }
            const [owner = '', repo = ''] = t.repository.split('/');
            if (t.scope === 'environment') {
                return (await this.#octokit.rest.actions.getEnvironmentPublicKey({
                    owner,
                    repo,
                    environment_name: t.environment,
                    ...this.#request(),
                })).data;
            }
            return (await this.#octokit.rest.actions.getRepoPublicKey({ owner, repo, ...this.#request() })).data;
        });
        const prepared = { keyId: key.key_id, key: key.key };
        if (t.scope === 'organization' && t.visibility === 'selected') {
            prepared.selectedRepositoryIds = [];
            for (const fullName of t.selectedRepositories) {
                const [owner = '', repo = ''] = fullName.split('/');
                const { data } = await this.#call(`find repository ${fullName} for the`, () => this.#octokit.rest.repos.get({ owner, repo, ...this.#request() }));
                prepared.selectedRepositoryIds.push(data.id);
            }
        }
        this.#prepared = prepared;
    }
    /** Seals the value to the scope's public key and writes it. */
    async write(value) {
        if (!this.#prepared)
            await this.prepare();
        const prepared = this.#prepared;
        await libsodium_wrappers/* default.ready */.Ay.ready;
        const sealed = libsodium_wrappers/* default.to_base64 */.Ay.to_base64(libsodium_wrappers/* default */.Ay.crypto_box_seal(libsodium_wrappers/* default.from_string */.Ay.from_string(value.reveal()), libsodium_wrappers/* default.from_base64 */.Ay.from_base64(prepared.key, libsodium_wrappers/* default.base64_variants */.Ay.base64_variants.ORIGINAL)), libsodium_wrappers/* default.base64_variants */.Ay.base64_variants.ORIGINAL);
        const t = this.#target;
        await this.#call('write the', async () => {
            if (t.scope === 'organization') {
                await this.#octokit.rest.actions.createOrUpdateOrgSecret({
                    org: t.organization,
                    secret_name: this.#name,
                    encrypted_value: sealed,
                    key_id: prepared.keyId,
                    visibility: t.visibility,
                    ...(prepared.selectedRepositoryIds
                        ? { selected_repository_ids: prepared.selectedRepositoryIds }
                        : {}),
                    ...this.#request(),
                });
                return;
            }
            const [owner = '', repo = ''] = t.repository.split('/');
            if (t.scope === 'environment') {
                await this.#octokit.rest.actions.createOrUpdateEnvironmentSecret({
                    owner,
                    repo,
                    environment_name: t.environment,
                    secret_name: this.#name,
                    encrypted_value: sealed,
                    key_id: prepared.keyId,
                    ...this.#request(),
                });
                return;
            }
            await this.#octokit.rest.actions.createOrUpdateRepoSecret({
                owner,
                repo,
                secret_name: this.#name,
                encrypted_value: sealed,
                key_id: prepared.keyId,
                ...this.#request(),
            });
        });
    }
    /** Runs one GitHub call; a failure becomes a message in the action's own words. */
    async #call(what, request) {
        // Octokit's retry and throttling plugins wait on timers of their own that no signal reaches:
        // the call ends at its budget or at a cancel, whatever they are still waiting for.
        let stop = () => { };
        const stopped = new Promise((_, reject) => (stop = reject));
        const attempts = { sent: 0, uncertain: 0 };
        this.#attempts = attempts;
        const timer = setTimeout(() => stop(new Error(`no answer within ${GITHUB_CALL_BUDGET_MS / 1000} s`)), GITHUB_CALL_BUDGET_MS);
        const cancel = () => stop(new Error('the step was cancelled'));
        this.#signal?.addEventListener('abort', cancel, { once: true });
        try {
            return await Promise.race([request(), stopped]);
        }
        catch (error) {
            const status = error.status;
            const where = this.describe();
            const earlier = attempts.uncertain > 0
                ? ` An earlier attempt got no answer (or a 5xx), so GitHub may have applied it.`
                : '';
            // Octokit reports a request that got no answer (refused connection, proxy, a header that
            // could not be sent) as status 500 without a response: not GitHub's 500.
            if (typeof status !== 'number' || error.response === undefined) {
                throw new GitHubSecretError(`Could not ${what} ${where}: ${typeof status === 'number' ? `no answer (${noAnswerCause(error)})` : noAnswerCause(error)}.${earlier}`, false);
            }
            const said = githubMessage(error);
            // A refusal counts only when no attempt before it may have been applied (a lost answer,
            // then a 403 to Octokit's retry: the first PUT wrote the secret).
            const refused = typeof status === 'number' &&
                status >= 400 &&
                status < 500 &&
                attempts.uncertain === 0 &&
                attempts.sent > 0;
            if ((status === 403 || status === 429) && isRateLimit(error)) {
                throw new GitHubSecretError(`Could not ${what} ${where}: GitHub's ${/secondary/i.test(said) ? 'secondary ' : ''}rate limit (HTTP ${status}: ${said}) lasted longer than the action waits.${earlier} ` +
                    'Run the step again later; tokens shared by many workflows hit the limit sooner.', refused);
            }
            if (status === 401) {
                throw new GitHubSecretError(`Could not ${what} ${where}: HTTP 401 (${said}). github-token was refused: it is wrong or expired.${earlier}`, refused);
            }
            if (status === 403) {
                throw new GitHubSecretError(`Could not ${what} ${where}: HTTP 403 (${said}). The token in github-token cannot write this secret. ` +
                    "The workflow's own GITHUB_TOKEN can never write secrets: use a GitHub App installation token " +
                    `(actions/create-github-app-token with ${this.#target.scope === 'organization' ? 'permission-organization-secrets: write' : this.#target.scope === 'environment' ? 'permission-environments: write and permission-secrets: write' : 'permission-secrets: write'}), ` +
                    'or a fine-grained personal access token with "Secrets: read and write" on the repository (organisation: "Secrets" organisation permission).' +
                    earlier, refused);
            }
            if (status === 404) {
                throw new GitHubSecretError(`Could not ${what} ${where}: HTTP 404 (${said}). Check the repository, environment or organisation, and that github-token can see it.${earlier}`, refused);
            }
            throw new GitHubSecretError(`Could not ${what} ${where}: HTTP ${status} (${said}).${earlier}`, refused);
        }
        finally {
            this.#attempts = undefined;
            clearTimeout(timer);
            this.#signal?.removeEventListener('abort', cancel);
        }
    }
}
/**
 * Whether a 403 or 429 is GitHub's rate limit, not a permission: a secondary limit says so in its
 * message and may send retry-after; a primary one sends x-ratelimit-remaining: 0 (GitHub REST
 * docs, "Rate limits for the REST API").
 */
function isRateLimit(error) {
    const response = error.response;
    const headers = response?.headers ?? {};
    if (headers['retry-after'] !== undefined)
        return true;
    if (String(headers['x-ratelimit-remaining']) === '0')
        return true;
    return /rate limit/i.test(rawGithubMessage(error));
}
/**
 * Why a request got no answer, on one line: the error code and message found under Octokit's
 * error (as src/vast/answers.ts networkCause finds them: credentials in a proxy URL dropped), or
 * the action's own reason (the budget ran out, the step was cancelled).
 */
function noAnswerCause(error) {
    const { code, message } = (0,answers/* networkCause */.u6)(error);
    let innermost = '';
    let current = error;
    for (let depth = 0; depth < 5 && current; depth++) {
        const text = current.message;
        if (typeof text === 'string' && text)
            innermost = text;
        current = current.cause;
    }
    const said = (message || innermost)
        .replace(/\/\/[^/\s@]*@/g, '//***@')
        .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
        .slice(0, 200);
    if (/^Headers\.|header/i.test(said)) {
        // The value is not quoted: it is the token's.
        return 'a request header could not be sent: github-token holds a character an HTTP header cannot carry';
    }
    if (/proxy|407|Request was cancelled/i.test(said) && (0,transport/* proxyConfigured */.$o)(process.env)) {
        return `${code === 'unknown' ? '' : `${code}: `}${said}; check the proxy in HTTPS_PROXY/HTTP_PROXY (its credentials, or its allow-list for the GitHub API)`;
    }
    return code === 'unknown'
        ? said || 'unknown network error'
        : `network error ${code}${said ? ` (${said})` : ''}`;
}
/**
 * The fetch Octokit uses: the action's one transport (src/core/vast/transport.ts), so the GitHub
 * API gets the same proxy rules (a loopback github-api-url always goes direct, NO_PROXY as the
 * runner reads it, Node's NODE_USE_ENV_PROXY never applies), verified TLS and the same answer size
 * cap after decoding. Octokit sends a string body (JSON) or none; it reads a web Response.
 */
function octokitFetch(send) {
    return async (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        const body = init?.body;
        if (body !== undefined && body !== null && typeof body !== 'string') {
            throw new TypeError('the GitHub client sent a body that is not text');
        }
        try {
            const answer = await send(url, {
                method: init?.method ?? 'GET',
                headers: Object.fromEntries(new Headers(init?.headers).entries()),
                body: body ?? undefined,
                signal: init?.signal ?? new AbortController().signal,
            });
            const text = await answer.text();
            const empty = [101, 103, 204, 205, 304].includes(answer.status);
            return new Response(empty ? null : text, {
                status: answer.status < 200 || answer.status > 599 ? 502 : answer.status,
                headers: [...(answer.headers.entries?.() ?? [])],
            });
        }
        catch (error) {
            // A request that cannot be sent (a header value refused), a proxy's refusal, a certificate
            // that does not verify or an answer past the size cap fails the same way on every try.
            // Octokit passes an AbortError on as it is, and plugin-retry retries only Octokit's own
            // RequestError: named so, it is final.
            if (!FINAL_FAILURE.test(causeText(error)))
                throw error;
            throw Object.assign(new Error(causeText(error)), { name: 'AbortError', cause: error });
        }
    };
}
/** Failures no retry can mend (undici's and Node's wording). */
const FINAL_FAILURE = /ETOOLARGE|EENCODING|ERR_INVALID_CHAR|Proxy response \(\d+\)|Proxy Authentication Required|Headers\.|invalid header|ByteString|certificate|CERT_|SELF_SIGNED/i;
/** The messages and codes along an error's causes, on one line. */
function causeText(error) {
    const parts = [];
    let current = error;
    for (let depth = 0; depth < 5 && current; depth++) {
        const { code, message } = current;
        if (typeof code === 'string')
            parts.push(code);
        if (typeof message === 'string' && message)
            parts.push(message);
        current = current.cause;
    }
    return parts.join(': ');
}
/** GitHub's own message, on one line (it ends up in the log). */
function githubMessage(error) {
    return rawGithubMessage(error).replace(/[\p{Cc}\p{Cf}]+/gu, ' ');
}
function rawGithubMessage(error) {
    const data = error.response?.data;
    const message = data?.message;
    if (typeof message === 'string' && message)
        return message.slice(0, 300);
    const own = error.message;
    return typeof own === 'string' ? (own.split('\n')[0]?.slice(0, 300) ?? '') : '';
}

// EXTERNAL MODULE: ./src/core/key-name.ts
var key_name = __webpack_require__(1394);
// EXTERNAL MODULE: ./src/core/permissions.ts + 1 modules
var permissions = __webpack_require__(5139);
// EXTERNAL MODULE: ./src/summary.ts
var summary = __webpack_require__(8855);
// EXTERNAL MODULE: ./src/core/vast/errors.ts
var errors = __webpack_require__(9867);
// EXTERNAL MODULE: ./src/core/vast/keys.ts
var vast_keys = __webpack_require__(3016);
// EXTERNAL MODULE: ./src/modes/mint.ts
var mint = __webpack_require__(5450);
// EXTERNAL MODULE: ./src/modes/rotation-keys.ts
var rotation_keys = __webpack_require__(8021);
;// CONCATENATED MODULE: ./src/modes/rotate.ts

// One chunk for rotate mode: action.ts gets the writer from here.








async function runRotate(settings, deps) {
    const { runner, writer } = deps;
    // Whatever the token cannot do shows up here, before a key exists.
    await writer.prepare();
    if (settings.dryRun)
        return (await __webpack_require__.e(/* import() */ 746).then(__webpack_require__.bind(__webpack_require__, 4365))).planRotate(settings, deps);
    let { minted, retired, rotatedAt } = await rotateOnce(settings, deps);
    if (retired.retiredByOther) {
        // Another run of this rotation retired the new key after this run wrote it: if this run's
        // write reached GitHub last, the secret holds a deleted key, and this run cannot tell. The
        // other run finished its write before it retired anything, so one more rotation now leaves
        // the secret holding a live key (the other run's key becomes an older key, retired as usual).
        runner.warning(`The new key ${minted.id} was deleted while this rotation ran: another rotation of the same secret ran at the same time and retired it, so the ${writer.describe()} may hold a deleted key. Rotating once more. Give the rotation a concurrency group so its runs never overlap.`);
        try {
            ;
            ({ minted, retired, rotatedAt } = await rotateOnce(settings, deps));
        }
        catch (error) {
            throw new Error(`The second rotation, after another run retired this run's key, failed: ${error.message} ` +
                `The ${writer.describe()} may hold a deleted key: run the rotation again now.`);
        }
        if (retired.retiredByOther) {
            throw new Error(`The new key ${minted.id} was deleted while this rotation ran, twice: other rotations of the same secret keep running at the same time and retire this run's keys. ` +
                `The ${writer.describe()} may hold a deleted key; this run deleted no older key. Run the rotation again now, and give it a concurrency group so its runs never overlap (docs/rotation.md).`);
        }
    }
    const { deleted } = retired;
    runner.setOutput('key-id', String(minted.id));
    runner.setOutput('key-name', minted.name);
    runner.setOutput('secret-name', settings.secretName);
    runner.setOutput('rotated-at', rotatedAt);
    runner.setOutput('deleted-count', String(deleted.length));
    runner.setOutput('expires-at', (0,key_name/* isoSeconds */.nE)(minted.expiresAt));
    runner.setOutput('permissions', (0,permissions/* permissionsJson */.FU)(settings.permissions));
    if (settings.outputKey)
        runner.setOutput('api-key', minted.key);
    runner.appendSummary(rotationSummary(settings, writer.describe(), minted, retired));
}
/**
 * One rotation: mint, verify, write, retire the older keys. Throws (after rolling the new key
 * back when nothing was written) on any failure before the retirement.
 */
async function rotateOnce(settings, deps) {
    const { runner, writer } = deps;
    const minted = await (0,mint/* mintKey */.uY)({ ...settings, revoke: 'post', cleanupFailure: 'warn', kind: 'rot', target: settings.targetId }, deps);
    runner.info(`Created Vast.ai key ${minted.id} (${minted.name}).`);
    try {
        await verify(minted, deps);
    }
    catch (error) {
        throw new Error(`${error.message} ${await rollBack(minted, deps)}`);
    }
    try {
        await writer.write(minted.key);
    }
    catch (error) {
        if (error instanceof GitHubSecretError && error.definite) {
            throw new Error(`${error.message} ${await rollBack(minted, deps)}`);
        }
        // The write may have happened (a 5xx, a timeout, a cancel while it was in flight): the secret
        // may hold the new key or the old one, so both stay alive. The next rotation retires
        // whichever is not in the secret; a sweep ends any after its deadline.
        runner.saveState(mint/* STATE */.c4.mode, 'rotated');
        throw new Error(`${error.message} The secret may or may not hold the new key ${minted.id}: it and the older keys are all kept alive, so whichever the secret holds works. Run the rotation again to finish it.`);
    }
    runner.saveState(mint/* STATE */.c4.mode, 'rotated');
    const rotatedAt = (0,key_name/* isoSeconds */.nE)(deps.now());
    runner.info(`Wrote the new key to the ${writer.describe()}.`);
    return { minted, retired: await retireOlderKeys(settings, minted, deps), rotatedAt };
}
/**
 * The job summary of a rotation: every key it touched, each with the secret it was written to,
 * so a retirement always names the target it came from.
 */
function rotationSummary(settings, where, minted, keys) {
    const row = (what, key) => [
        what,
        String(key.id),
        key.name,
        (0,rotation_keys/* keyTarget */.bn)(key.name, settings),
    ];
    const visibility = settings.target.scope === 'organization' ? ` (visibility ${settings.target.visibility})` : '';
    return (`### Vast.ai key rotation\n\n` +
        `The ${where}${visibility} now holds key ${minted.id}; deadline ${(0,key_name/* isoSeconds */.nE)(minted.expiresAt)}. ` +
        `Retired: ${keys.deleted.length} older key(s) of this secret` +
        (keys.failed.length ? `; ${keys.failed.length} could not be deleted` : '') +
        `.${keys.untouched ? ` ${keys.untouched}` : ''}\n\n` +
        (0,summary/* markdownTable */.Q)(['', 'Key id', 'Name', 'Secret it was written to'], [
            ['new (in the secret)', String(minted.id), minted.name, where],
            ...keys.kept.map((k) => row('kept (keep-previous)', k)),
            ...keys.deleted.map((k) => row('retired (deleted)', k)),
            ...keys.failed.map((k) => row('could not delete', k)),
        ]));
}
/** Deletes the new key after a failure before the secret was written; says how that went. */
async function rollBack(minted, deps) {
    const outcome = await deps
        .freshClient({ cancellable: false })
        .then((client) => (0,vast_keys/* deleteKey */.l0)(client, minted.id))
        .then(() => `deleted the new key ${minted.id}`, (e) => `could not delete the new key ${minted.id} (${e.message}); the post step tries again`);
    return `Rotation stopped before the secret was written: ${outcome}; the old key and the secret are untouched.`;
}
/**
 * The new key must authenticate. A key without user_read is refused /users/current for the
 * missing scope (403, or 401 with another message): known, so it works. 401 "Invalid user key"
 * means it does not (tried three times, in case the API takes a moment to know a new key).
 */
async function verify(minted, deps) {
    const client = await deps.clientFor(minted);
    for (let attempt = 1;; attempt++) {
        try {
            await (0,vast_keys/* currentKeyId */.QR)(client);
            return;
        }
        catch (error) {
            if (error instanceof errors/* VastApiError */.h && error.status === 403)
                return;
            // Vast may refuse a missing scope with 401 and another message [vast-api.md]: only
            // "Invalid user key" says the key itself is unknown.
            const unknown = error instanceof errors/* VastApiError */.h && error.status === 401;
            if (unknown && !/invalid user key/i.test(error.apiMessage ?? ''))
                return;
            if (!unknown || attempt >= 3) {
                throw new Error(`The new key ${minted.id} did not authenticate: ${error.message}.`);
            }
            await deps.sleep(1000 * attempt);
        }
    }
}
/**
 * Deletes this rotation's older keys (see rotation-keys.ts: same label, repository and target),
 * but the newest `keep-previous`; strays of an uncertain create of the new key go whatever
 * keep-previous says. Never the parent key or the new key.
 */
async function retireOlderKeys(settings, minted, deps) {
    const { runner } = deps;
    const deleted = [];
    const failed = [];
    let client;
    let older;
    let strays;
    let untouched;
    try {
        client = await deps.freshClient();
        const parentId = await (0,vast_keys/* requireParentKeyId */.Ii)(client, 'retire older keys');
        const keys = await (0,vast_keys/* listKeys */.TH)(client);
        if (!keys.some((k) => k.id === minted.id)) {
            // Another run of this rotation retired the new key after this run wrote it: if this
            // run's write reached GitHub last, the secret holds a deleted key. Nothing here can mend
            // that (the other run's key is not known to this one), so delete nothing and fail loudly.
            return { deleted, kept: [], failed, untouched: '', retiredByOther: true };
        }
        const { own, leftAlone } = (0,rotation_keys/* rotationKeys */.$K)(keys, settings, [minted.id, parentId]);
        // Keys with the new key's own name are strays of an uncertain create: never worth keeping.
        strays = own.filter((k) => k.name === minted.name);
        older = own.filter((k) => k.name !== minted.name && k.id < minted.id);
        // A newer key of this same secret: another rotation of it ran at the same time and may
        // have written the secret after this one. Deleting it could leave the secret dead.
        const newer = own.filter((k) => k.name !== minted.name && k.id > minted.id);
        untouched = (0,rotation_keys/* describeLeftAlone */.MN)(settings.label, leftAlone);
        if (untouched)
            runner.info(untouched);
        if (newer.length) {
            runner.warning(`Left alone ${newer.length} key(s) of the ${deps.writer.describe()} newer than this rotation's (${newer.map((k) => k.id).join(', ')}): another rotation of the same secret ran at the same time, and the secret may hold its key. Give the rotation a concurrency group so its runs never overlap; the next rotation retires what the secret does not hold.`);
        }
    }
    catch (error) {
        runner.warning(`The rotation succeeded, but the older keys could not be listed (${error.message}); the next rotation or a sweep deletes them.`);
        return { deleted, kept: [], failed, untouched: '' };
    }
    // keep-previous counts rotations, not keys: the keys of one earlier step share its name (a
    // create applied late left a stray beside the key the secret held), and which of them the
    // secret held is not known, so a kept rotation keeps all of its keys.
    const keptNames = new Set();
    for (const key of older) {
        if (keptNames.size >= settings.keepPrevious)
            break;
        keptNames.add(key.name);
    }
    const kept = older.filter((k) => keptNames.has(k.name));
    const retire = older.filter((k) => !keptNames.has(k.name));
    for (const key of [...strays, ...retire]) {
        try {
            await (0,vast_keys/* deleteKey */.l0)(client, key.id);
            deleted.push(key);
            runner.info(`Deleted the older key ${key.id} (${key.name}), which was written to the ${(0,rotation_keys/* keyTarget */.bn)(key.name, settings)}.`);
        }
        catch (error) {
            failed.push(key);
            runner.warning(`The rotation succeeded, but the older key ${key.id} could not be deleted (${error.message}); the next rotation or a sweep deletes it.`);
        }
    }
    if (kept.length)
        runner.info(`Kept ${kept.length} older key(s): keep-previous is ${settings.keepPrevious}.`);
    return { deleted, kept, failed, untouched };
}


/***/ }),

/***/ 8021:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $K: () => (/* binding */ rotationKeys),
/* harmony export */   MN: () => (/* binding */ describeLeftAlone),
/* harmony export */   bn: () => (/* binding */ keyTarget)
/* harmony export */ });
/* unused harmony export relationTo */
/* harmony import */ var _github_target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3738);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);


/** The relation of a key named `name` to the rotation `identity`. */
function relationTo(name, identity) {
    const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(name);
    if (!fields || fields.label !== identity.label)
        return 'unrelated';
    if (fields.repository.toLowerCase() !== identity.context.repository.toLowerCase()) {
        return 'other-repository';
    }
    if (fields.kind === 'legacy')
        return 'legacy';
    if (fields.kind !== 'rot')
        return 'create-mode';
    return fields.target === identity.targetId ? 'own' : 'other-target';
}
/** Sorts the account's keys for a rotation; `exclude` are ids never to count (parent, new key). */
function rotationKeys(keys, identity, exclude) {
    const own = [];
    const leftAlone = {};
    for (const key of keys) {
        if (exclude.includes(key.id))
            continue;
        const relation = relationTo(key.name, identity);
        if (relation === 'own')
            own.push(key);
        else if (relation !== 'unrelated')
            leftAlone[relation] = (leftAlone[relation] ?? 0) + 1;
    }
    return { own: own.sort((a, b) => b.id - a.id), leftAlone };
}
const LEFT_ALONE_WORDS = {
    'other-target': 'written to another secret',
    'other-repository': "made by another repository's workflow",
    'create-mode': 'made by create mode',
    legacy: 'in the vsk1 format, which does not say which secret holds them',
};
/**
 * One sentence on the keys that share the label but are not this rotation's, or '' when there
 * are none: `3 other key(s) named "ci-deploy" were left alone (2 written to another secret, ...)`.
 */
function describeLeftAlone(label, leftAlone) {
    const parts = Object.entries(leftAlone).map(([relation, count]) => `${count} ${LEFT_ALONE_WORDS[relation]}`);
    const total = Object.values(leftAlone).reduce((sum, count) => sum + count, 0);
    if (total === 0)
        return '';
    return `${total} other key(s) named "${label}" were left alone (${parts.join('; ')}): a rotation retires only its own target's keys; their deadline or their own job ends them.`;
}
/**
 * The secret a rotation key was written to, in words, as far as its name tells: this rotation's
 * target when `t=` matches, else only that it is another one (the name holds a hash, not the
 * target itself).
 */
function keyTarget(name, settings) {
    const fields = (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_0__/* .parseKeyName */ .wN)(name);
    if (fields?.kind === 'rot' && fields.target === settings.targetId) {
        return (0,_github_target_js__WEBPACK_IMPORTED_MODULE_1__/* .describeTarget */ .f)(settings.target, settings.secretName);
    }
    return fields?.target ? `another secret (t=${fields.target})` : 'no secret known';
}


/***/ })

};
