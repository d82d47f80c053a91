import { setTimeout as delay } from 'node:timers/promises'
import { checkConfigFileFree } from '../config-file.ts'
import type { BrokerSettings, CreateSettings } from '../inputs/index.ts'
import type { Runner } from '../runner.ts'
import { Secret } from '../../core/secret.ts'
import type { FetchLike, HttpResponse } from '../../core/vast/transport.ts'
import { handOutKey } from './create.ts'
import type { PostInputs } from '../inputs/post.ts'
import { readJson, readKeyId, removeExportedConfig, STATE, type BrokerState } from './state.ts'
import { isLabelOfJob } from '../../core/instance-label.ts'

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
export const BROKER_STATE = {
  mode: STATE.mode,
  broker: STATE.broker,
  keyId: STATE.keyId,
} as const

/**
 * What the action's broker client needs from the runner and the process (not the broker
 * service's own deps: `BrokerDeps` in src/broker/server.ts).
 */
export interface BrokerClientDeps {
  runner: Runner
  env: NodeJS.ProcessEnv
  fetch: FetchLike
  configFilePath: string
  /** Nothing is sent past this moment (epoch ms). */
  deadline: () => number
  signal?: AbortSignal
  /**
   * Post only: why no secret may go out (the network changed since main,
   * src/core/network-fingerprint.ts). Set, post asks for no OIDC token and says this reason.
   */
  networkRefusal?: string
}

/** A failure talking to the runner's token service or to the broker; the message says what to do. */
export class BrokerError extends Error {}

/** Main step. */
export async function runBrokerCreate(
  settings: CreateSettings & { broker: BrokerSettings },
  deps: BrokerClientDeps,
): Promise<void> {
  const { runner } = deps
  if (settings.exportConfig) checkConfigFileFree(deps.configFilePath)
  const state: BrokerState = {
    url: settings.broker.url,
    audience: settings.broker.audience,
    cleanupFailure: settings.cleanupFailure,
    requestTimeoutMs: settings.requestTimeoutMs,
  }
  runner.saveState(BROKER_STATE.mode, 'broker')
  runner.saveState(BROKER_STATE.broker, JSON.stringify(state))
  const token = () => requestIdToken(settings.broker.audience, deps, settings.requestTimeoutMs)
  const body = {
    permissions: settings.permissions,
    ...(settings.broker.ttlFromRule ? {} : { ttl: `${Math.round(settings.ttlMs / 1000)}s` }),
    'key-name': settings.label,
    job: settings.context.job,
  }
  const answer = await callBroker(
    deps,
    state,
    'POST',
    '/v1/keys',
    token,
    body,
    settings.maxAttempts,
  )
  // Masked before it is checked: even a malformed answer's key never reaches the log.
  const answerKey = (answer as { key?: unknown } | undefined)?.key
  if (typeof answerKey === 'string' && answerKey) runner.setSecret(answerKey)
  const created = readMinted(answer)
  runner.saveState(BROKER_STATE.keyId, String(created.id))
  // A rule with destroy-instances hands out the job's instance label (docs/instances.md).
  const label = (answer as { instance_label?: unknown } | undefined)?.instance_label
  const instanceLabel =
    typeof label === 'string' && isLabelOfJob(label, settings.context) ? label : undefined
  if (label !== undefined && !instanceLabel) {
    runner.warning(
      "The key broker's instance label is not this job's label; no instance-label is handed out.",
    )
  }
  await handOutKey(settings, created, {
    runner,
    ...(instanceLabel ? { instanceLabel } : {}),
    configFilePath: deps.configFilePath,
    discard: async () => {
      const fresh = () => requestIdToken(state.audience, deps, state.requestTimeoutMs)
      await callBroker(deps, state, 'DELETE', `/v1/keys/${created.id}`, fresh, undefined, 2)
    },
    from: ` from the key broker at ${new URL(state.url).host}`,
  })
}

/**
 * Post step: delete the key through the broker, with a fresh token. The token is asked for, and
 * sent, only when the state main saved names the broker-url and broker-audience inputs post runs
 * with (which no other step can change) and a positive key id; otherwise nothing is sent and a
 * warning says what did not match.
 */
export async function runBrokerPost(deps: BrokerClientDeps, inputs: PostInputs): Promise<void> {
  const { runner } = deps
  removeExportedConfig(runner)
  const state = readJson<BrokerState>(runner.getState(BROKER_STATE.broker))
  const savedId = readKeyId(runner.getState(BROKER_STATE.keyId))
  const problems: string[] = []
  if (inputs.mode !== 'create' || !inputs.broker) {
    problems.push(
      `the saved mode 'broker' does not fit mode: ${inputs.mode ?? '(not a mode)'}${inputs.broker ? '' : ' without broker-url'}`,
    )
  }
  if (savedId === 'invalid') problems.push('the saved key id is not a positive integer')
  if (state && inputs.broker) {
    if (state.url !== inputs.broker.url) {
      problems.push(
        `the saved broker URL (${String(state.url)}) is not the broker-url input (${inputs.broker.url})`,
      )
    }
    if (state.audience !== inputs.broker.audience) {
      problems.push(
        `the saved audience (${String(state.audience)}) is not the broker-audience input (${inputs.broker.audience})`,
      )
    }
    if (!Number.isSafeInteger(state.requestTimeoutMs) || state.requestTimeoutMs <= 0) {
      problems.push('the saved request-timeout is not a positive integer')
    }
  }
  const strict = inputs.cleanupFailure === 'fail' || state?.cleanupFailure === 'fail'
  if (problems.length > 0) {
    const message =
      `The post step asked for no OIDC token and sent nothing: the state it was given does not match its inputs (${problems.join('; ')}). ` +
      `If the main step got a key, ${typeof savedId === 'number' ? `Vast.ai key ${savedId}` : 'it'} stays until the broker's sweep deletes it after its deadline.`
    if (strict) runner.setFailed(message)
    else runner.warning(message)
    return
  }
  const keyId = typeof savedId === 'number' ? savedId : undefined
  if (!state || !keyId) {
    runner.info(
      'Nothing to delete: the main step got no key from the broker (a key the broker made whose answer was lost is deleted by its sweep at the deadline).',
    )
    return
  }
  try {
    if (deps.networkRefusal) throw new BrokerError(deps.networkRefusal)
    const token = () => requestIdToken(state.audience, deps, state.requestTimeoutMs)
    const answer = await callBroker(deps, state, 'DELETE', `/v1/keys/${keyId}`, token, undefined, 3)
    const { result, afterUncertain, instances } = answer as {
      result?: unknown
      afterUncertain?: boolean
      instances?: unknown
    }
    runner.info(
      result === 'deleted'
        ? `Deleted Vast.ai key ${keyId} through the key broker.`
        : afterUncertain
          ? `Vast.ai key ${keyId} is gone: an earlier attempt of this delete got no clear answer (502), and the broker no longer finds the key (404).`
          : `Vast.ai key ${keyId} was already gone.`,
    )
    if (instances !== undefined) reportBrokerInstances(runner, strict, instances)
  } catch (error) {
    const message = `Could not delete the Vast.ai key ${keyId} through the key broker: ${(error as Error).message}. The broker's sweep deletes it after its deadline.`
    if (strict) runner.setFailed(message)
    else runner.warning(message)
  }
}

/** What the broker's DELETE said of the job's instances (destroy-instances); ids only. */
function reportBrokerInstances(runner: Runner, strict: boolean, instances: unknown): void {
  const record = (typeof instances === 'object' && instances !== null ? instances : {}) as Record<
    string,
    unknown
  >
  const ids = (value: unknown) =>
    Array.isArray(value)
      ? value.filter((id): id is number => Number.isSafeInteger(id) && (id as number) > 0)
      : []
  for (const id of ids(record['destroyed']))
    runner.info(`Destroyed Vast.ai instance ${id} through the key broker.`)
  for (const id of ids(record['gone'])) runner.info(`Vast.ai instance ${id} was already gone.`)
  const failed = ids(record['failed'])
  const problem =
    'error' in record
      ? "The key broker could not list the job's instances (its log says why); its sweep destroys them after their deadline."
      : failed.length > 0
        ? `The key broker could not destroy Vast.ai instance(s) ${failed.join(', ')} (its log says why); its sweep destroys them after their deadline.`
        : ''
  if (problem && strict) runner.setFailed(problem)
  else if (problem) runner.warning(problem)
}

/** Attempts at the runner's token service, and the first wait between two (doubled each time). */
export const TOKEN_ATTEMPTS = 5
const TOKEN_FIRST_WAIT_MS = 1000

/**
 * Asks the runner for an OIDC token with `audience`; masks it before anything else. Like
 * `@actions/core`'s getIDToken (its HTTP client retries), a 5xx, a 429 or a network error is tried
 * again with backoff (1, 2, 4, 8 s; {@link TOKEN_ATTEMPTS} attempts, within the deadline). Raises
 * BrokerError saying which of three it is: the job has no `id-token: write` (no request
 * variables), the token service refused the request (4xx), or it is failing (5xx, network).
 */
async function requestIdToken(
  audience: string,
  deps: BrokerClientDeps,
  timeoutMs: number,
): Promise<Secret> {
  const url = deps.env.ACTIONS_ID_TOKEN_REQUEST_URL
  const requestToken = deps.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  if (!url || !requestToken) {
    throw new BrokerError(
      'broker-url needs an OIDC token, and the runner gave this job none: add `permissions: id-token: write` to the job ' +
        '(or the workflow). A pull_request workflow from a fork gets no token unless the repository allows it.',
    )
  }
  deps.runner.setSecret(requestToken)
  const target = `${url}${url.includes('?') ? '&' : '?'}audience=${encodeURIComponent(audience)}`
  let failure = ''
  for (let attempt = 1; ; attempt++) {
    let response: HttpResponse | undefined
    try {
      response = await send(deps, target, {
        method: 'GET',
        headers: { Authorization: `Bearer ${requestToken}`, Accept: 'application/json' },
        timeoutMs,
        what: "the runner's OIDC token service",
      })
    } catch (error) {
      if (deps.signal?.aborted || /no time left/.test((error as Error).message)) throw error
      // Nothing was sent, and a retry would refuse the same way (send's setup error).
      if ((error as { setup?: unknown }).setup === true) throw error
      failure = (error as Error).message
    }
    if (response) {
      const text = await response.text()
      if (response.status === 200) {
        let value: unknown
        try {
          value = (JSON.parse(text) as { value?: unknown }).value
        } catch {
          value = undefined
        }
        if (typeof value === 'string' && value) {
          deps.runner.setSecret(value)
          return new Secret(value)
        }
        failure = 'its answer held no token'
      } else if (response.status < 500 && response.status !== 429) {
        throw new BrokerError(
          `the runner's OIDC token service refused the token request (HTTP ${response.status}). The job has id-token: write (the runner gave it the request variables), so this is the runner's side: re-run the job`,
        )
      } else failure = `HTTP ${response.status}`
    }
    const waitMs = TOKEN_FIRST_WAIT_MS * 2 ** (attempt - 1)
    if (attempt >= TOKEN_ATTEMPTS || Date.now() + waitMs >= deps.deadline()) {
      throw new BrokerError(
        `the runner's OIDC token service is failing (${failure}, ${attempt} attempt(s)); this is on GitHub's side, not a missing id-token: write: re-run the job (https://www.githubstatus.com shows outages)`,
      )
    }
    deps.runner.info(
      `The runner's OIDC token service failed (${failure}); trying again in ${Math.ceil(waitMs / 1000)} s.`,
    )
    await delay(waitMs, undefined, deps.signal ? { signal: deps.signal } : {})
  }
}

/** The broker said the token had expired (or was too old): a fresh one may pass. */
function saysExpired(data: unknown): boolean {
  const error = (data as { error?: unknown } | undefined)?.error
  return typeof error === 'string' && /token has expired|token was issued more than/.test(error)
}

/**
 * One broker call, tried again on 429, 502 and 503 (the broker refused, was shutting down, or Vast
 * failed before a key was handed out), on a refused connection, and on a 401 saying the token
 * expired, within `attempts` and the deadline. Every attempt sends a fresh token from `token` (a
 * retry after a long 429 would otherwise send one that expired meanwhile).
 */
async function callBroker(
  deps: BrokerClientDeps,
  state: BrokerState,
  method: 'POST' | 'DELETE',
  path: string,
  token: () => Promise<Secret>,
  body: unknown,
  attempts: number,
): Promise<unknown> {
  // A DELETE answered 502 may have ended the key before Vast's answer was lost: a 404 after it
  // means the key is gone, not that it was never this run's.
  let uncertain = false
  for (let attempt = 1; ; attempt++) {
    let response: HttpResponse | undefined
    let refused = false
    const bearer = await token()
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
      })
    } catch (error) {
      if (!(error instanceof BrokerError && /ECONNREFUSED/.test(error.message))) throw error
      if (attempt >= attempts) throw error
      refused = true
    }
    const text = response ? await response.text() : ''
    const data = parseJson(text)
    if (response && response.status >= 200 && response.status < 300) return data
    if (method === 'DELETE' && uncertain && response?.status === 404)
      return { result: 'already-gone', afterUncertain: true }
    uncertain ||= response?.status === 502
    const expired = response?.status === 401 && saysExpired(data)
    const retryable = refused || expired || [429, 502, 503].includes(response?.status ?? 0)
    const waitMs = expired
      ? 0
      : Math.min(30_000, retryAfterMs(response) ?? 1000 * 2 ** (attempt - 1))
    if (!retryable || attempt >= attempts || Date.now() + waitMs >= deps.deadline()) {
      throw new BrokerError(
        `the key broker answered ${method} ${path.replace(/\d+$/, '{id}')} with HTTP ${response?.status ?? 'no answer'}: ${
          // Once a key is handed out, the broker's own words are not repeated: a step that only
          // knows the key's id (post) could not scrub the key from them.
          method === 'POST' ? brokerMessage(data) : deleteRefusal(response?.status, expired)
        }`,
      )
    }
    deps.runner.info(
      expired
        ? 'The key broker says the OIDC token had expired; trying again at once with a fresh one.'
        : `The key broker answered HTTP ${response?.status ?? 'no answer'}; trying again in ${Math.ceil(waitMs / 1000)} s.`,
    )
    await delay(waitMs, undefined, deps.signal ? { signal: deps.signal } : {})
  }
}

/** Node's codes for a host name that does not resolve (getaddrinfo). */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN'])

async function send(
  deps: BrokerClientDeps,
  url: string,
  request: {
    method: string
    headers: Record<string, string>
    body?: string
    timeoutMs: number
    what: string
  },
): Promise<HttpResponse> {
  const remaining = deps.deadline() - Date.now()
  if (remaining <= 0) throw new BrokerError(`no time left to call ${request.what}`)
  const signals = [AbortSignal.timeout(Math.min(request.timeoutMs, remaining))]
  if (deps.signal) signals.push(deps.signal)
  try {
    return await deps.fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any(signals),
    })
  } catch (error) {
    // The action's own refusal (post on a changed network) says why in its own words.
    if (error instanceof BrokerError) throw error
    const code =
      (error as { code?: unknown; cause?: { code?: unknown } })?.code ??
      (error as { cause?: { code?: unknown } })?.cause?.code
    const named = typeof code === 'string' ? code : ((error as Error)?.name ?? 'error')
    // The transport's own refusal, before sending (setupError): its words are the action's.
    if (named === 'ESETUP') {
      throw Object.assign(
        new BrokerError(`could not reach ${request.what}: ${(error as Error).message}`),
        { setup: true },
      )
    }
    // A name that does not resolve is most often a typo in the URL: say which name.
    const unresolved = DNS_CODES.has(named)
      ? `: the host name ${new URL(url).hostname} did not resolve`
      : ''
    throw new BrokerError(`could not reach ${request.what} (${named}${unresolved})`)
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

function retryAfterMs(response: HttpResponse | undefined): number | undefined {
  const value = response?.headers.get('retry-after')
  return value && /^\d+$/.test(value) ? Number(value) * 1000 : undefined
}

/** The broker's `error` text, one line and bounded (it is shown in the log, through the runner). */
function brokerMessage(data: unknown): string {
  const error = (data as { error?: unknown } | undefined)?.error
  return typeof error === 'string' && error
    ? error.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').slice(0, 500)
    : 'no explanation'
}

/** Why a delete was refused, in the action's words (see callBroker). */
function deleteRefusal(status: number | undefined, expired: boolean): string {
  if (status === 401 && expired) {
    return "it said the job's OIDC token had expired, also with a fresh one (check the clocks of the runner and the broker, and the broker's log)"
  }
  if (status === 401) {
    return "it refused the job's OIDC token (check broker-audience against the broker's BROKER_AUDIENCE, and the broker's log)"
  }
  if (status === 404)
    return "it found no key with this id made for this run (the broker's log says why)"
  if (status === 429) return 'too many requests from this repository; it was still rate limited'
  return "the broker or Vast.ai failed (the broker's log says why)"
}

function readMinted(data: unknown): {
  id: number
  key: Secret
  name: string
  expiresAt: Date
} {
  const record = (data ?? {}) as Record<string, unknown>
  const { id, key, name } = record
  const expiresAt = new Date(typeof record.expires_at === 'string' ? record.expires_at : NaN)
  if (
    typeof id !== 'number' ||
    !Number.isSafeInteger(id) ||
    id <= 0 ||
    typeof key !== 'string' ||
    !key ||
    typeof name !== 'string' ||
    Number.isNaN(expiresAt.getTime())
  ) {
    throw new BrokerError(
      "the key broker's answer has no key id, key, name or expires_at; a key it made is deleted by the broker's sweep at its deadline",
    )
  }
  return { id, key: new Secret(key), name, expiresAt }
}
