export const id = 281;
export const ids = [281];
export const modules = {

/***/ 1281:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RunReader: () => (/* binding */ RunReader)
/* harmony export */ });
/** Reads run attempts; each answer is kept, so a run is asked about once per sweep. */
class RunReader {
    #options;
    #seen = new Map();
    constructor(options) {
        this.#options = options;
    }
    /** How many different run attempts were asked about. */
    get lookups() {
        return this.#seen.size;
    }
    attempt(repository, runId, attempt) {
        const id = `${repository.toLowerCase()} ${runId} ${attempt}`;
        let found = this.#seen.get(id);
        if (!found) {
            found = this.#read(repository, runId, attempt);
            this.#seen.set(id, found);
        }
        return found;
    }
    async #read(repository, runId, attempt) {
        const [owner = '', repo = ''] = repository.split('/');
        const path = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/actions/runs/${runId}/attempts/${attempt}`;
        // A 5xx or a network error is tried once more; anything else decides.
        for (let attempt = 1;; attempt++) {
            const answer = await this.#get(path);
            if (answer.state !== 'unknown' || !answer.retryable || attempt >= 2)
                return answer.result;
        }
    }
    async #get(path) {
        const { signal } = this.#options;
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), this.#options.requestTimeoutMs);
        const cancel = () => controller.abort();
        signal?.addEventListener('abort', cancel, { once: true });
        const unknown = (reason, retryable) => ({
            state: 'unknown',
            retryable,
            result: { state: 'unknown', reason },
        });
        try {
            this.#options.debug?.(`GET ${path}`);
            const response = await this.#options.fetch(`${this.#options.apiUrl}${path}`, {
                method: 'GET',
                headers: {
                    Accept: 'application/vnd.github+json',
                    Authorization: `Bearer ${this.#options.token.reveal()}`,
                    'X-GitHub-Api-Version': '2022-11-28',
                    'User-Agent': 'vast-scoped-key',
                },
                signal: controller.signal,
            });
            const text = await response.text();
            if (response.status !== 200) {
                const what = response.status === 404
                    ? 'GitHub answered 404: no such run, or the token cannot see its repository'
                    : response.status === 403 || response.status === 401
                        ? `GitHub answered ${response.status}: github-token may not read this repository's runs (it needs actions: read)`
                        : `GitHub answered ${response.status}`;
                return unknown(what, response.status >= 500);
            }
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                return unknown('GitHub answered with something that is not JSON', true);
            }
            // Words only: these reach the log.
            const word = (value) => typeof value === 'string' && /^[a-z_]{1,30}$/.test(value) ? value : '';
            const status = word(body.status);
            if (status === 'completed') {
                const conclusion = word(body.conclusion) || 'unknown';
                return { state: 'completed', retryable: false, result: { state: 'completed', conclusion } };
            }
            if (!status)
                return unknown('the answer has no run status', false);
            return { state: 'running', retryable: false, result: { state: 'running', status } };
        }
        catch {
            if (signal?.aborted)
                return unknown('the step was cancelled', false);
            return unknown(controller.signal.aborted ? 'no answer within request-timeout' : 'a network error', true);
        }
        finally {
            clearTimeout(timer);
            signal?.removeEventListener('abort', cancel);
        }
    }
}


/***/ })

};
