export const id = 772;
export const ids = [772];
export const modules = {

/***/ 9713:
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

/***/ 8813:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   c4: () => (/* reexport safe */ _state_js__WEBPACK_IMPORTED_MODULE_6__.c4),
/* harmony export */   uY: () => (/* binding */ mintKey)
/* harmony export */ });
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1394);
/* harmony import */ var _signals_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7599);
/* harmony import */ var _core_vast_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(9867);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);
/* harmony import */ var _core_vast_clock_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(9416);
/* harmony import */ var _core_step_keys_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(7394);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(200);







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

/***/ 6772:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SecretWriter: () => (/* reexport */ SecretWriter),
  runRotate: () => (/* binding */ runRotate)
});

// EXTERNAL MODULE: ./node_modules/@octokit/core/dist-src/index.js + 12 modules
var dist_src = __webpack_require__(4730);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-retry/dist-bundle/index.js
var dist_bundle = __webpack_require__(9735);
// EXTERNAL MODULE: ./node_modules/@octokit/plugin-throttling/dist-bundle/index.js
var plugin_throttling_dist_bundle = __webpack_require__(6856);
// EXTERNAL MODULE: ./node_modules/libsodium-wrappers/dist/modules-esm/libsodium-wrappers.mjs + 1 modules
var libsodium_wrappers = __webpack_require__(4768);
// EXTERNAL MODULE: ./src/core/vast/answers.ts
var answers = __webpack_require__(8849);
// EXTERNAL MODULE: ./src/core/vast/transport.ts + 2 modules
var transport = __webpack_require__(3112);
// EXTERNAL MODULE: ./src/action/github/target.ts
var target = __webpack_require__(9713);
;// CONCATENATED MODULE: ./src/action/github/secrets.ts







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
 * The User-Agent option @actions/github gave Octokit: `actions_orchestration_id/<id>` when the
 * runner sets ACTIONS_ORCHESTRATION_ID (characters other than letters, digits, `_.-` as `_`), so
 * GitHub can tie the call to the job; otherwise none (Octokit's own).
 */
function userAgent(orchestrationId) {
    const id = orchestrationId?.trim();
    return id ? { userAgent: `actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}` } : {};
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
                const answered = typeof status === 'number' && status >= 400 && status < 500;
                if (counting && !answered && redirectStatus(error) === undefined) {
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
        const GitHub = dist_src/* Octokit */.E.plugin(attemptCounter(() => this.#attempts), dist_bundle/* retry */.L, plugin_throttling_dist_bundle/* throttling */.A);
        this.#octokit = new GitHub({
            // `token …`: GitHub's token scheme (a JWT gets `bearer`), as @actions/github sent it.
            auth: `token ${options.token.reveal()}`,
            baseUrl: options.apiUrl,
            ...userAgent(process.env['ACTIONS_ORCHESTRATION_ID']),
            request: { fetch: octokitFetch(options.fetch) },
            log: { debug: () => { }, info: () => { }, warn: options.debug, error: options.debug },
            // plugin-retry waits n² seconds between its tries: keep them few; #call bounds the rest.
            retry: { retries: Math.min(3, Math.max(0, options.maxAttempts - 1)) },
            throttle: {
                onRateLimit: rateLimited('primary'),
                onSecondaryRateLimit: rateLimited('secondary'),
            },
        });
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
                return (await this.#octokit.request('GET /orgs/{org}/actions/secrets/public-key', {
                    org: t.organization,
                    ...this.#request(),
                })).data;
            }
            const [owner = '', repo = ''] = t.repository.split('/');
            if (t.scope === 'environment') {
                return (await this.#octokit.request('GET /repos/{owner}/{repo}/environments/{environment_name}/secrets/public-key', {
                    owner,
                    repo,
                    environment_name: t.environment,
                    ...this.#request(),
                })).data;
            }
            return (await this.#octokit.request('GET /repos/{owner}/{repo}/actions/secrets/public-key', {
                owner,
                repo,
                ...this.#request(),
            })).data;
        });
        const prepared = { keyId: key.key_id, key: key.key };
        if (t.scope === 'organization' && t.visibility === 'selected') {
            prepared.selectedRepositoryIds = [];
            for (const fullName of t.selectedRepositories) {
                const [owner = '', repo = ''] = fullName.split('/');
                const { data } = await this.#call(`find repository ${fullName} for the`, () => this.#octokit.request('GET /repos/{owner}/{repo}', { owner, repo, ...this.#request() }));
                prepared.selectedRepositoryIds.push(Number(data.id));
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
                await this.#octokit.request('PUT /orgs/{org}/actions/secrets/{secret_name}', {
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
                await this.#octokit.request('PUT /repos/{owner}/{repo}/environments/{environment_name}/secrets/{secret_name}', {
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
            await this.#octokit.request('PUT /repos/{owner}/{repo}/actions/secrets/{secret_name}', {
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
            const redirect = redirectStatus(error);
            if (redirect !== undefined) {
                throw new GitHubSecretError(`Could not ${what} ${where}: GitHub answered HTTP ${redirect}, a redirect, which the action does not follow (a renamed or moved repository or organisation: name it as it is now; or check github-api-url).${earlier}`, attempts.uncertain === 0 && attempts.sent > 0);
            }
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
 * error (as src/core/vast/answers.ts networkCause finds them: credentials in a proxy URL dropped), or
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
    // The transport's own refusal, before sending: its words are the action's.
    if (code === 'ESETUP')
        return said;
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
        let answer;
        let text;
        try {
            answer = await send(url, {
                method: init?.method ?? 'GET',
                headers: Object.fromEntries(new Headers(init?.headers).entries()),
                body: body ?? undefined,
                signal: init?.signal ?? new AbortController().signal,
            });
            text = await answer.text();
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
        // Octokit reads every status below 400 but 304 as success: a redirect (GitHub's answer for a
        // renamed or moved repository: 301 to a GET, 307 to a PUT) would pass for a written secret.
        // Not followed (the token would go where the answer says), and final: named AbortError.
        if (answer.status >= 300 && answer.status < 400 && answer.status !== 304) {
            throw Object.assign(new Error(`GitHub answered HTTP ${answer.status}, a redirect`), {
                name: 'AbortError',
                redirectStatus: answer.status,
            });
        }
        const empty = [101, 103, 204, 205, 304].includes(answer.status);
        return new Response(empty ? null : text, {
            status: answer.status < 200 || answer.status > 599 ? 502 : answer.status,
            headers: [...(answer.headers.entries?.() ?? [])],
        });
    };
}
/** The status of a redirect {@link octokitFetch} refused (a 3xx but 304), or undefined. */
function redirectStatus(error) {
    const status = error?.redirectStatus;
    return typeof status === 'number' ? status : undefined;
}
/** Failures no retry can mend (the transport's and Node's wording). */
const FINAL_FAILURE = /ESETUP|ETOOLARGE|EENCODING|ERR_INVALID_CHAR|Proxy response \(|Proxy Authentication Required|Headers\.|invalid header|ByteString|certificate|CERT_|SELF_SIGNED/i;
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
// EXTERNAL MODULE: ./src/action/summary.ts
var summary = __webpack_require__(8770);
// EXTERNAL MODULE: ./src/core/vast/errors.ts
var errors = __webpack_require__(9867);
// EXTERNAL MODULE: ./src/core/vast/keys.ts
var vast_keys = __webpack_require__(3016);
// EXTERNAL MODULE: ./src/action/modes/mint.ts
var mint = __webpack_require__(8813);
// EXTERNAL MODULE: ./src/action/modes/rotation-keys.ts
var rotation_keys = __webpack_require__(6119);
;// CONCATENATED MODULE: ./src/action/modes/rotate.ts

// One chunk for rotate mode: action.ts gets the writer from here.








async function runRotate(settings, deps) {
    const { runner, writer } = deps;
    // Whatever the token cannot do shows up here, before a key exists.
    await writer.prepare();
    if (settings.dryRun)
        return (await __webpack_require__.e(/* import() */ 60).then(__webpack_require__.bind(__webpack_require__, 5060))).planRotate(settings, deps);
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

/***/ 6119:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $K: () => (/* binding */ rotationKeys),
/* harmony export */   MN: () => (/* binding */ describeLeftAlone),
/* harmony export */   bn: () => (/* binding */ keyTarget)
/* harmony export */ });
/* unused harmony export relationTo */
/* harmony import */ var _github_target_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9713);
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

/***/ 7394:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ky: () => (/* binding */ deleteStepKeys),
/* harmony export */   Xx: () => (/* binding */ sameStep),
/* harmony export */   iy: () => (/* binding */ uncertaintyEnd),
/* harmony export */   oW: () => (/* binding */ deleteLateKeys)
/* harmony export */ });
/* unused harmony exports LATE_APPLY_MIN_MARGIN_MS, lateApplyMarginMs, findStepKeys */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _duration_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8571);
/* harmony import */ var _key_name_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(1394);
/* harmony import */ var _vast_keys_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(3016);




/**
 * The keys one step run made, found by what their names carry, and the window in which a create
 * request that got no answer can still be applied by the server.
 */
/**
 * The least time (ms) added to `request-timeout` after the last create request that got no
 * answer. The action stops waiting for an answer after request-timeout, but a server that
 * received the request may still be working on it: the same load that made it slow can make it
 * slower still. A server applying it just after the client gave up (say 2 s after a 1 s
 * request-timeout) must land before post's last look, with room for the send time being read a
 * moment before the bytes leave, a `Date`-less clock, and a list that reads from a replica a
 * moment behind the write: 10 s, five times Vast's documented create interval (vast-api.md).
 */
const LATE_APPLY_MIN_MARGIN_MS = 10_000;
/**
 * The margin (ms) after `request-timeout` in which Vast may still apply an unanswered create:
 * half the request-timeout again (a server slower than request-timeout may be slower still), and
 * never less than {@link LATE_APPLY_MIN_MARGIN_MS}. A server that holds a request longer than
 * that is not covered by post: the run-aware sweep (`mode: sweep` with `github-token`) deletes
 * such a key once the run has completed (docs/reliability.md).
 */
function lateApplyMarginMs(requestTimeoutMs) {
    return Math.max(LATE_APPLY_MIN_MARGIN_MS, Math.ceil(requestTimeoutMs / 2));
}
/** The moment (epoch ms) after which a create sent at `sentAt` can no longer be applied. */
function uncertaintyEnd(sentAt, requestTimeoutMs) {
    return sentAt + requestTimeoutMs + lateApplyMarginMs(requestTimeoutMs);
}
/** The fields that say which step run made a key (the deadline and label are not compared). */
function stepOf(fields) {
    return JSON.stringify([
        fields.kind,
        fields.repository.toLowerCase(),
        fields.runId,
        fields.runAttempt,
        fields.job,
        fields.target ?? '',
        fields.nonce,
    ]);
}
/**
 * Whether `name` was made by the same step run as `stepName` (the name main saved in state):
 * same kind, repository, run id and attempt, job, target and nonce. Unparseable names never match.
 */
function sameStep(name, stepName) {
    const mine = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .parseKeyName */ .wN)(stepName);
    const other = (0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .parseKeyName */ .wN)(name);
    return mine !== undefined && other !== undefined && stepOf(mine) === stepOf(other);
}
/** Live keys made by the step run that named its key `stepName`, but `except`. */
async function findStepKeys(client, stepName, except) {
    return (await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .listKeys */ .TH)(client)).filter((key) => key.id !== except && sameStep(key.name, stepName));
}
/** Deletes every live key of the step run (but `except`); returns the keys that went. */
async function deleteStepKeys(client, stepName, except) {
    const found = await findStepKeys(client, stepName, except);
    for (const key of found)
        await (0,_vast_keys_js__WEBPACK_IMPORTED_MODULE_3__/* .deleteKey */ .l0)(client, key.id);
    return found;
}
/**
 * Looks for keys of the step now, then, if the window in which an unanswered create can still be
 * applied has not ended, waits for its end (never past `lastLookBy`) and looks again. Says in the
 * log what it waits for and why. Errors from the API are thrown.
 */
async function deleteLateKeys(check) {
    const now = check.now ?? Date.now;
    const windowEnd = uncertaintyEnd(check.uncertainAt, check.requestTimeoutMs);
    const deleted = await deleteStepKeys(check.client, check.stepName, check.except);
    if (now() >= windowEnd)
        return { deleted, covered: true, windowEnd };
    const waitUntil = () => Math.min(windowEnd, check.lastLookBy());
    check.log(`A create request sent at ${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .isoSeconds */ .nE)(new Date(check.uncertainAt))} got no answer; Vast could still apply it until ` +
        `${(0,_key_name_js__WEBPACK_IMPORTED_MODULE_2__/* .isoSeconds */ .nE)(new Date(windowEnd))} (request-timeout ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(check.requestTimeoutMs)} + a margin of ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(lateApplyMarginMs(check.requestTimeoutMs))} for a server still working on it). ` +
        `Waiting ${(0,_duration_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a)(Math.max(1000, Math.ceil((waitUntil() - now()) / 1000) * 1000))} to look again.`);
    // Polled, so that a cancel that shortens the budget also shortens the wait.
    try {
        while (now() < waitUntil()) {
            await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(Math.min(250, waitUntil() - now()), undefined, check.signal ? { signal: check.signal } : {});
        }
    }
    catch {
        // Cancelled while waiting: what was found so far is deleted; the caller says what is left.
        return { deleted, covered: false, windowEnd };
    }
    deleted.push(...(await deleteStepKeys(check.client, check.stepName, check.except)));
    return { deleted, covered: now() >= windowEnd, windowEnd };
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
