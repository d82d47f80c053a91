export const id = 298;
export const ids = [298];
export const modules = {

/***/ 298:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GITHUB_CALL_BUDGET_MS: () => (/* binding */ GITHUB_CALL_BUDGET_MS),
/* harmony export */   GitHubSecretError: () => (/* binding */ GitHubSecretError),
/* harmony export */   SecretWriter: () => (/* binding */ SecretWriter)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(6856);
/* harmony import */ var libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4768);




/** One GitHub call, its retries and rate-limit waits included, ends within this. */
const GITHUB_CALL_BUDGET_MS = 180_000;
class GitHubSecretError extends Error {
    /** GitHub answered with a 4xx: the request was refused, nothing was written. */
    definite;
    constructor(message, definite) {
        super(message);
        this.name = 'GitHubSecretError';
        this.definite = definite;
    }
}
/** Everything that can be checked before a key is minted, then the write itself. */
class SecretWriter {
    #octokit;
    #signal;
    #target;
    #name;
    #prepared;
    constructor(options, target, name) {
        const rateLimited = (what) => (retryAfter, _options, _o, count) => {
            options.debug(`GitHub ${what} rate limit: waiting ${retryAfter} s (retry ${count + 1})`);
            return count < 2 && retryAfter <= 120;
        };
        this.#octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(options.token.reveal(), {
            baseUrl: options.apiUrl,
            log: { debug: () => { }, info: () => { }, warn: options.debug, error: options.debug },
            // plugin-retry waits n² seconds between its tries: keep them few; #call bounds the rest.
            retry: { retries: Math.min(3, Math.max(0, options.maxAttempts - 1)) },
            throttle: {
                onRateLimit: rateLimited('primary'),
                onSecondaryRateLimit: rateLimited('secondary'),
            },
        }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_1__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_2__/* .throttling */ .A);
        this.#signal = options.signal;
        this.#target = target;
        this.#name = name;
    }
    /** Aborts the request in flight with the step's cancellation. */
    #request() {
        return this.#signal ? { request: { signal: this.#signal } } : {};
    }
    /** Where the secret goes, said for people. */
    describe() {
        const t = this.#target;
        if (t.scope === 'repository')
            return `repository secret ${this.#name} of ${t.repository}`;
        if (t.scope === 'environment') {
            return `environment secret ${this.#name} of ${t.repository} (environment ${t.environment})`;
        }
        return `organisation secret ${this.#name} of ${t.organization} (visibility ${t.visibility})`;
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
        await libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__/* ["default"].ready */ .Ay.ready;
        const sealed = libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__/* ["default"].to_base64 */ .Ay.to_base64(libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__/* ["default"] */ .Ay.crypto_box_seal(libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__/* ["default"].from_string */ .Ay.from_string(value.reveal()), libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__/* ["default"].from_base64 */ .Ay.from_base64(prepared.key, libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__/* ["default"].base64_variants */ .Ay.base64_variants.ORIGINAL)), libsodium_wrappers__WEBPACK_IMPORTED_MODULE_3__/* ["default"].base64_variants */ .Ay.base64_variants.ORIGINAL);
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
        const timer = setTimeout(() => stop(new Error(`no answer within ${GITHUB_CALL_BUDGET_MS / 1000} s`)), GITHUB_CALL_BUDGET_MS);
        const cancel = () => stop(new Error('the step was cancelled'));
        this.#signal?.addEventListener('abort', cancel, { once: true });
        try {
            return await Promise.race([request(), stopped]);
        }
        catch (error) {
            const status = error.status;
            const said = githubMessage(error);
            const where = this.describe();
            if (status === 401) {
                throw new GitHubSecretError(`Could not ${what} ${where}: HTTP 401 (${said}). github-token was refused: it is wrong or expired.`, true);
            }
            if (status === 403) {
                throw new GitHubSecretError(`Could not ${what} ${where}: HTTP 403 (${said}). The token in github-token cannot write this secret. ` +
                    "The workflow's own GITHUB_TOKEN can never write secrets: use a GitHub App installation token " +
                    '(actions/create-github-app-token with permission-secrets: write, or permission-organization-secrets: write for an organisation secret), ' +
                    'or a fine-grained personal access token with "Secrets: read and write" on the repository (organisation: "Secrets" organisation permission).', true);
            }
            if (status === 404) {
                throw new GitHubSecretError(`Could not ${what} ${where}: HTTP 404 (${said}). Check the repository, environment or organisation, and that github-token can see it.`, true);
            }
            throw new GitHubSecretError(`Could not ${what} ${where}: ${typeof status === 'number' ? `HTTP ${status}` : 'no answer'} (${said}).`, typeof status === 'number' && status >= 400 && status < 500);
        }
        finally {
            clearTimeout(timer);
            this.#signal?.removeEventListener('abort', cancel);
        }
    }
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


/***/ })

};
