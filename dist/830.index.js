export const id = 830;
export const ids = [830,297];
export const modules = {

/***/ 9830:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runBrokerCreate: () => (/* binding */ runBrokerCreate),
/* harmony export */   runBrokerPost: () => (/* binding */ runBrokerPost)
/* harmony export */ });
/* unused harmony exports BROKER_STATE, BrokerError, TOKEN_ATTEMPTS */
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8500);
/* harmony import */ var node_timers_promises__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_timers_promises__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4852);
/* harmony import */ var _core_secret_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2559);
/* harmony import */ var _create_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(297);
/* harmony import */ var _state_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(200);
/* harmony import */ var _core_instance_label_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(339);






/**
 * Create mode with `broker-url`: the key comes from the key broker (docs/broker.md) in exchange
 * for the job's GitHub OIDC token; the job holds no parent key. Main asks the runner for a token
 * with the broker's audience, masks it, sends it with the request, masks the key and hands it out
 * exactly as create mode does. Post deletes the key through the broker. Every call to the broker
 * (each retry too) sends a token fetched just before it; the token service is retried on 5xx and
 * network errors (as `@actions/core` does), in main and in post.
 * The token is never saved in state (state is logged with debug on).
 *
 * The runner's side (GitHub's "About security hardening with OpenID Connect", and
 * `@actions/core`'s getIDToken): a job with `permissions: id-token: write` gets
 * ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN; `GET <url>&audience=<aud>` with
 * `Authorization: Bearer <request token>` answers `{"value": "<jwt>"}`.
 */
/** The state names of broker mode: entries of the one table main saves first (state.ts). */
const BROKER_STATE = {
    mode: _state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.mode,
    broker: _state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.broker,
    keyId: _state_js__WEBPACK_IMPORTED_MODULE_4__/* .STATE */ .c4.keyId,
};
/** A failure talking to the runner's token service or to the broker; the message says what to do. */
class BrokerError extends Error {
}
/** Main step. */
async function runBrokerCreate(settings, deps) {
    const { runner } = deps;
    if (settings.exportConfig)
        (0,_config_file_js__WEBPACK_IMPORTED_MODULE_1__/* .checkConfigFileFree */ .rV)(deps.configFilePath);
    const state = {
        url: settings.broker.url,
        audience: settings.broker.audience,
        cleanupFailure: settings.cleanupFailure,
        requestTimeoutMs: settings.requestTimeoutMs,
    };
    runner.saveState(BROKER_STATE.mode, 'broker');
    runner.saveState(BROKER_STATE.broker, JSON.stringify(state));
    const token = () => requestIdToken(settings.broker.audience, deps, settings.requestTimeoutMs);
    const body = {
        permissions: settings.permissions,
        ...(settings.broker.ttlFromRule ? {} : { ttl: `${Math.round(settings.ttlMs / 1000)}s` }),
        'key-name': settings.label,
        job: settings.context.job,
    };
    const answer = await callBroker(deps, state, 'POST', '/v1/keys', token, body, settings.maxAttempts);
    // Masked before it is checked: even a malformed answer's key never reaches the log.
    const answerKey = answer?.key;
    if (typeof answerKey === 'string' && answerKey)
        runner.setSecret(answerKey);
    const created = readMinted(answer);
    runner.saveState(BROKER_STATE.keyId, String(created.id));
    // A rule with destroy-instances hands out the job's instance label (docs/instances.md).
    const label = answer?.instance_label;
    const instanceLabel = typeof label === 'string' && (0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_5__/* .isLabelOfJob */ .Nl)(label, settings.context) ? label : undefined;
    if (label !== undefined && !instanceLabel) {
        runner.warning("The key broker's instance label is not this job's label; no instance-label is handed out.");
    }
    await (0,_create_js__WEBPACK_IMPORTED_MODULE_3__/* .handOutKey */ .H)(settings, created, {
        runner,
        ...(instanceLabel ? { instanceLabel } : {}),
        configFilePath: deps.configFilePath,
        discard: async () => {
            const fresh = () => requestIdToken(state.audience, deps, state.requestTimeoutMs);
            await callBroker(deps, state, 'DELETE', `/v1/keys/${created.id}`, fresh, undefined, 2);
        },
        from: ` from the key broker at ${new URL(state.url).host}`,
    });
}
/**
 * Post step: delete the key through the broker, with a fresh token. The token is asked for, and
 * sent, only when the state main saved names the broker-url and broker-audience inputs post runs
 * with (which no other step can change) and a positive key id; otherwise nothing is sent and a
 * warning says what did not match.
 */
async function runBrokerPost(deps, inputs) {
    const { runner } = deps;
    (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .removeExportedConfig */ .GQ)(runner);
    const state = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readJson */ .Vh)(runner.getState(BROKER_STATE.broker));
    const savedId = (0,_state_js__WEBPACK_IMPORTED_MODULE_4__/* .readKeyId */ .jN)(runner.getState(BROKER_STATE.keyId));
    const problems = [];
    if (inputs.mode !== 'create' || !inputs.broker) {
        problems.push(`the saved mode 'broker' does not fit mode: ${inputs.mode ?? '(not a mode)'}${inputs.broker ? '' : ' without broker-url'}`);
    }
    if (savedId === 'invalid')
        problems.push('the saved key id is not a positive integer');
    if (state && inputs.broker) {
        if (state.url !== inputs.broker.url) {
            problems.push(`the saved broker URL (${String(state.url)}) is not the broker-url input (${inputs.broker.url})`);
        }
        if (state.audience !== inputs.broker.audience) {
            problems.push(`the saved audience (${String(state.audience)}) is not the broker-audience input (${inputs.broker.audience})`);
        }
        if (!Number.isSafeInteger(state.requestTimeoutMs) || state.requestTimeoutMs <= 0) {
            problems.push('the saved request-timeout is not a positive integer');
        }
    }
    const strict = inputs.cleanupFailure === 'fail' || state?.cleanupFailure === 'fail';
    if (problems.length > 0) {
        const message = `The post step asked for no OIDC token and sent nothing: the state it was given does not match its inputs (${problems.join('; ')}). ` +
            `If the main step got a key, ${typeof savedId === 'number' ? `Vast.ai key ${savedId}` : 'it'} stays until the broker's sweep deletes it after its deadline.`;
        if (strict)
            runner.setFailed(message);
        else
            runner.warning(message);
        return;
    }
    const keyId = typeof savedId === 'number' ? savedId : undefined;
    if (!state || !keyId) {
        runner.info('Nothing to delete: the main step got no key from the broker (a key the broker made whose answer was lost is deleted by its sweep at the deadline).');
        return;
    }
    try {
        if (deps.networkRefusal)
            throw new BrokerError(deps.networkRefusal);
        const token = () => requestIdToken(state.audience, deps, state.requestTimeoutMs);
        const answer = await callBroker(deps, state, 'DELETE', `/v1/keys/${keyId}`, token, undefined, 3);
        const { result, afterUncertain, instances } = answer;
        runner.info(result === 'deleted'
            ? `Deleted Vast.ai key ${keyId} through the key broker.`
            : afterUncertain
                ? `Vast.ai key ${keyId} is gone: an earlier attempt of this delete got no clear answer (502), and the broker no longer finds the key (404).`
                : `Vast.ai key ${keyId} was already gone.`);
        if (instances !== undefined)
            reportBrokerInstances(runner, strict, instances);
    }
    catch (error) {
        const message = `Could not delete the Vast.ai key ${keyId} through the key broker: ${error.message}. The broker's sweep deletes it after its deadline.`;
        if (strict)
            runner.setFailed(message);
        else
            runner.warning(message);
    }
}
/** What the broker's DELETE said of the job's instances (destroy-instances); ids only. */
function reportBrokerInstances(runner, strict, instances) {
    const record = (typeof instances === 'object' && instances !== null ? instances : {});
    const ids = (value) => Array.isArray(value)
        ? value.filter((id) => Number.isSafeInteger(id) && id > 0)
        : [];
    for (const id of ids(record['destroyed']))
        runner.info(`Destroyed Vast.ai instance ${id} through the key broker.`);
    for (const id of ids(record['gone']))
        runner.info(`Vast.ai instance ${id} was already gone.`);
    const failed = ids(record['failed']);
    const problem = 'error' in record
        ? "The key broker could not list the job's instances (its log says why); its sweep destroys them after their deadline."
        : failed.length > 0
            ? `The key broker could not destroy Vast.ai instance(s) ${failed.join(', ')} (its log says why); its sweep destroys them after their deadline.`
            : '';
    if (problem && strict)
        runner.setFailed(problem);
    else if (problem)
        runner.warning(problem);
}
/** Attempts at the runner's token service, and the first wait between two (doubled each time). */
const TOKEN_ATTEMPTS = 5;
const TOKEN_FIRST_WAIT_MS = 1000;
/**
 * Asks the runner for an OIDC token with `audience`; masks it before anything else. Like
 * `@actions/core`'s getIDToken (its HTTP client retries), a 5xx, a 429 or a network error is tried
 * again with backoff (1, 2, 4, 8 s; {@link TOKEN_ATTEMPTS} attempts, within the deadline). Raises
 * BrokerError saying which of three it is: the job has no `id-token: write` (no request
 * variables), the token service refused the request (4xx), or it is failing (5xx, network).
 */
async function requestIdToken(audience, deps, timeoutMs) {
    const url = deps.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    const requestToken = deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    if (!url || !requestToken) {
        throw new BrokerError('broker-url needs an OIDC token, and the runner gave this job none: add `permissions: id-token: write` to the job ' +
            '(or the workflow). A pull_request workflow from a fork gets no token unless the repository allows it.');
    }
    deps.runner.setSecret(requestToken);
    const target = `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`;
    let failure = '';
    for (let attempt = 1;; attempt++) {
        let response;
        try {
            response = await send(deps, target, {
                method: 'GET',
                headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' },
                timeoutMs,
                what: "the runner's OIDC token service",
            });
        }
        catch (error) {
            if (deps.signal?.aborted || /no time left/.test(error.message))
                throw error;
            // Nothing was sent, and a retry would refuse the same way (send's setup error).
            if (error.setup === true)
                throw error;
            failure = error.message;
        }
        if (response) {
            const text = await response.text();
            if (response.status === 200) {
                let value;
                try {
                    value = JSON.parse(text).value;
                }
                catch {
                    value = undefined;
                }
                if (typeof value === 'string' && value) {
                    deps.runner.setSecret(value);
                    return new _core_secret_js__WEBPACK_IMPORTED_MODULE_2__/* .Secret */ .z(value);
                }
                failure = 'its answer held no token';
            }
            else if (response.status < 500 && response.status !== 429) {
                throw new BrokerError(`the runner's OIDC token service refused the token request (HTTP ${response.status}). The job has id-token: write (the runner gave it the request variables), so this is the runner's side: re-run the job`);
            }
            else
                failure = `HTTP ${response.status}`;
        }
        const waitMs = TOKEN_FIRST_WAIT_MS * 2 ** (attempt - 1);
        if (attempt >= TOKEN_ATTEMPTS || Date.now() + waitMs >= deps.deadline()) {
            throw new BrokerError(`the runner's OIDC token service is failing (${failure}, ${attempt} attempt(s)); this is on GitHub's side, not a missing id-token: write: re-run the job (https://www.githubstatus.com shows outages)`);
        }
        deps.runner.info(`The runner's OIDC token service failed (${failure}); trying again in ${Math.ceil(waitMs / 1000)} s.`);
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(waitMs, undefined, deps.signal ? { signal: deps.signal } : {});
    }
}
/** The broker said the token had expired (or was too old): a fresh one may pass. */
function saysExpired(data) {
    const error = data?.error;
    return typeof error === 'string' && /token has expired|token was issued more than/.test(error);
}
/**
 * One broker call, tried again on 429, 502 and 503 (the broker refused, was shutting down, or Vast
 * failed before a key was handed out), on a refused connection, and on a 401 saying the token
 * expired, within `attempts` and the deadline. Every attempt sends a fresh token from `token` (a
 * retry after a long 429 would otherwise send one that expired meanwhile).
 */
async function callBroker(deps, state, method, path, token, body, attempts) {
    // A DELETE answered 502 may have ended the key before Vast's answer was lost: a 404 after it
    // means the key is gone, not that it was never this run's.
    let uncertain = false;
    for (let attempt = 1;; attempt++) {
        let response;
        let refused = false;
        const bearer = await token();
        try {
            response = await send(deps, `${state.url}${path}`, {
                method,
                headers: {
                    Authorization: `Bearer ${bearer.reveal()}`,
                    Accept: 'application/json',
                    ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
                },
                ...(body === undefined ? {} : { body: JSON.stringify(body) }),
                // The broker bounds its own work (a mint waits at most 60 s for Vast's create rate, a
                // delete 30 s); giving up earlier would lose the answer to a key it still makes.
                timeoutMs: Math.max(state.requestTimeoutMs, method === 'POST' ? 90_000 : 45_000),
                what: 'the key broker',
            });
        }
        catch (error) {
            if (!(error instanceof BrokerError && /ECONNREFUSED/.test(error.message)))
                throw error;
            if (attempt >= attempts)
                throw error;
            refused = true;
        }
        const text = response ? await response.text() : '';
        const data = parseJson(text);
        if (response && response.status >= 200 && response.status < 300)
            return data;
        if (method === 'DELETE' && uncertain && response?.status === 404)
            return { result: 'already-gone', afterUncertain: true };
        uncertain ||= response?.status === 502;
        const expired = response?.status === 401 && saysExpired(data);
        const retryable = refused || expired || [429, 502, 503].includes(response?.status ?? 0);
        const waitMs = expired
            ? 0
            : Math.min(30_000, retryAfterMs(response) ?? 1000 * 2 ** (attempt - 1));
        if (!retryable || attempt >= attempts || Date.now() + waitMs >= deps.deadline()) {
            throw new BrokerError(`the key broker answered ${method} ${path.replace(/\d+$/, '{id}')} with HTTP ${response?.status ?? 'no answer'}: ${
            // Once a key is handed out, the broker's own words are not repeated: a step that only
            // knows the key's id (post) could not scrub the key from them.
            method === 'POST' ? brokerMessage(data) : deleteRefusal(response?.status, expired)}`);
        }
        deps.runner.info(expired
            ? 'The key broker says the OIDC token had expired; trying again at once with a fresh one.'
            : `The key broker answered HTTP ${response?.status ?? 'no answer'}; trying again in ${Math.ceil(waitMs / 1000)} s.`);
        await (0,node_timers_promises__WEBPACK_IMPORTED_MODULE_0__.setTimeout)(waitMs, undefined, deps.signal ? { signal: deps.signal } : {});
    }
}
/** Node's codes for a host name that does not resolve (getaddrinfo). */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);
async function send(deps, url, request) {
    const remaining = deps.deadline() - Date.now();
    if (remaining <= 0)
        throw new BrokerError(`no time left to call ${request.what}`);
    const signals = [AbortSignal.timeout(Math.min(request.timeoutMs, remaining))];
    if (deps.signal)
        signals.push(deps.signal);
    try {
        return await deps.fetch(url, {
            method: request.method,
            headers: request.headers,
            body: request.body,
            signal: AbortSignal.any(signals),
        });
    }
    catch (error) {
        // The action's own refusal (post on a changed network) says why in its own words.
        if (error instanceof BrokerError)
            throw error;
        const code = error?.code ??
            error?.cause?.code;
        const named = typeof code === 'string' ? code : (error?.name ?? 'error');
        // The transport's own refusal, before sending (setupError): its words are the action's.
        if (named === 'ESETUP') {
            throw Object.assign(new BrokerError(`could not reach ${request.what}: ${error.message}`), { setup: true });
        }
        // A name that does not resolve is most often a typo in the URL: say which name.
        const unresolved = DNS_CODES.has(named)
            ? `: the host name ${new URL(url).hostname} did not resolve`
            : '';
        throw new BrokerError(`could not reach ${request.what} (${named}${unresolved})`);
    }
}
function parseJson(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function retryAfterMs(response) {
    const value = response?.headers.get('retry-after');
    return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined;
}
/** The broker's `error` text, one line and bounded (it is shown in the log, through the runner). */
function brokerMessage(data) {
    const error = data?.error;
    return typeof error === 'string' && error
        ? error.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, 500)
        : 'no explanation';
}
/** Why a delete was refused, in the action's words (see callBroker). */
function deleteRefusal(status, expired) {
    if (status === 401 && expired) {
        return "it said the job's OIDC token had expired, also with a fresh one (check the clocks of the runner and the broker, and the broker's log)";
    }
    if (status === 401) {
        return "it refused the job's OIDC token (check broker-audience against the broker's BROKER_AUDIENCE, and the broker's log)";
    }
    if (status === 404)
        return "it found no key with this id made for this run (the broker's log says why)";
    if (status === 429)
        return 'too many requests from this repository; it was still rate limited';
    return "the broker or Vast.ai failed (the broker's log says why)";
}
function readMinted(data) {
    const record = (data ?? {});
    const { id, key, name } = record;
    const expiresAt = new Date(typeof record.expires_at === 'string' ? record.expires_at : NaN);
    if (typeof id !== 'number' ||
        !Number.isSafeInteger(id) ||
        id <= 0 ||
        typeof key !== 'string' ||
        !key ||
        typeof name !== 'string' ||
        Number.isNaN(expiresAt.getTime())) {
        throw new BrokerError("the key broker's answer has no key id, key, name or expires_at; a key it made is deleted by the broker's sweep at its deadline");
    }
    return { id, key: new _core_secret_js__WEBPACK_IMPORTED_MODULE_2__/* .Secret */ .z(key), name, expiresAt };
}


/***/ }),

/***/ 297:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ handOutKey),
/* harmony export */   runCreate: () => (/* binding */ runCreate)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _config_file_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4852);
/* harmony import */ var _core_instance_label_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(339);
/* harmony import */ var _core_key_name_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(1394);
/* harmony import */ var _core_permissions_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(5139);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(8770);
/* harmony import */ var _core_vast_keys_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3016);
/* harmony import */ var _mint_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(8813);









/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
async function runCreate(settings, deps) {
    const { runner } = deps;
    if (settings.exportConfig)
        (0,_config_file_js__WEBPACK_IMPORTED_MODULE_1__/* .checkConfigFileFree */ .rV)(deps.configFilePath);
    const kind = settings.revoke === 'never' ? 'keep' : 'job';
    // Loaded only for a dry run: the main and post steps of a real run never need it.
    if (settings.dryRun)
        return (await __webpack_require__.e(/* import() */ 679).then(__webpack_require__.bind(__webpack_require__, 5060))).planCreate(settings, kind, deps);
    // The job's instance label, saved first: post destroys by it with instances: destroy.
    const instanceLabel = (0,_core_instance_label_js__WEBPACK_IMPORTED_MODULE_2__/* .formatInstanceLabel */ .JA)({
        ...settings.context,
        expiresAt: (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .deadlineFrom */ .vN)(deps.now(), settings.ttlMs),
        nonce: deps.instanceNonce?.() ?? (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.randomBytes)(6).toString('hex'),
    });
    runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.instanceLabel, instanceLabel);
    if (settings.instances.instances === 'destroy') {
        runner.info("instances: destroy — the post step destroys every Vast.ai instance labelled with this job's instance label; the parent key (admin-api-key) needs instance_read and instance_write, which reach every instance of the account (docs/instances.md).");
        // Loaded only here: a job with instances: keep never needs the instance routes.
        const { checkInstanceAccess } = await __webpack_require__.e(/* import() */ 870).then(__webpack_require__.bind(__webpack_require__, 3870));
        await checkInstanceAccess(deps.client, instanceLabel);
    }
    const created = await (0,_mint_js__WEBPACK_IMPORTED_MODULE_6__/* .mintKey */ .uY)({ ...settings, kind }, deps);
    await handOutKey(settings, created, {
        runner,
        configFilePath: deps.configFilePath,
        instanceLabel,
        // Nobody can use a key the step fails to hand out: delete it now, whatever revoke says.
        discard: () => deps.cleanupClient().then((client) => (0,_core_vast_keys_js__WEBPACK_IMPORTED_MODULE_5__/* .deleteKey */ .l0)(client, created.id)),
    });
}
/**
 * Hands a masked key out exactly as create mode does: the config file (export-config), the
 * outputs, VAST_API_KEY (export-env), a log line and the job summary. The key must already be
 * masked (runner.setSecret) by whoever got it.
 */
async function handOutKey(settings, created, deps) {
    const { runner } = deps;
    const { name, expiresAt } = created;
    if (settings.exportConfig) {
        let written;
        try {
            written = (0,_config_file_js__WEBPACK_IMPORTED_MODULE_1__/* .writeConfigFile */ .o5)(deps.configFilePath, created.key);
        }
        catch (error) {
            await deps
                .discard()
                .catch(() => runner.info(`Key ${created.id} is left to the post step or a sweep.`));
            throw error;
        }
        runner.saveState(_mint_js__WEBPACK_IMPORTED_MODULE_6__/* .STATE */ .c4.configFile, JSON.stringify(written));
        runner.info(`Wrote the key to ${written.path} (mode 0600) for the Vast CLI and SDK.`);
    }
    const permissions = (0,_core_permissions_js__WEBPACK_IMPORTED_MODULE_4__/* .permissionsJson */ .FU)(settings.permissions);
    runner.setOutput('api-key', created.key);
    runner.setOutput('key-id', String(created.id));
    runner.setOutput('key-name', name);
    runner.setOutput('expires-at', (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .isoSeconds */ .nE)(expiresAt));
    runner.setOutput('permissions', permissions);
    if (settings.exportEnv)
        runner.exportVariable('VAST_API_KEY', created.key);
    if (deps.instanceLabel) {
        runner.setOutput('instance-label', deps.instanceLabel);
        if (settings.exportEnv)
            runner.exportVariable('VAST_INSTANCE_LABEL', deps.instanceLabel);
        runner.info(`Instance label: ${deps.instanceLabel} (${deps.from ? 'the key broker destroys every instance with this label when the post step ends the key' : settings.instances.instances === 'destroy' ? 'the post step destroys every instance with this label' : 'instances: keep, so the post step leaves instances alone; a sweep with instances: destroy ends them after the deadline'}).`);
    }
    // A category limited to some actions shows them: instance_write[api.instance.destroy+constraints].
    const categories = Object.entries(settings.permissions.api)
        .map(([category, actions]) => {
        const limits = Object.entries(actions).map(([name, rule]) => `${name}${rule.constraints ? '+constraints' : ''}`);
        return limits.length ? `${category}[${limits.join(' ')}]` : category;
    })
        .join(', ');
    runner.info(`${deps.from ? 'Got' : 'Created'} Vast.ai key ${created.id}${deps.from ?? ''} (${categories}), deadline ${(0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .isoSeconds */ .nE)(expiresAt)}; ` +
        (settings.revoke === 'post'
            ? 'it is deleted when the job ends.'
            : 'revoke: never, so a sweep or a delete step must end it.'));
    if (!settings.exportEnv)
        runner.info(`VAST_API_KEY was not exported (export-env is off): later steps get the key from the api-key output${settings.exportConfig ? ' or the Vast CLI key file' : ''}.`);
    runner.appendSummary(`### Vast.ai scoped key\n\n` +
        (0,_summary_js__WEBPACK_IMPORTED_MODULE_7__/* .markdownTable */ .Q)(['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'], [
            [
                String(created.id),
                name,
                permissions,
                (0,_core_key_name_js__WEBPACK_IMPORTED_MODULE_3__/* .isoSeconds */ .nE)(expiresAt),
                settings.revoke === 'post'
                    ? 'by the post step (its line follows)'
                    : 'by a sweep or delete step',
            ],
        ]));
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


/***/ })

};
