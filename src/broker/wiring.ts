import { VastClient, type PaceMemory } from '../core/vast/client.ts'
import { DEFAULT_RETRY } from '../core/vast/retry.ts'
import type { FetchLike } from '../core/vast/transport.ts'
import { VastApiError } from '../core/vast/errors.ts'
import { currentKeyId } from '../core/vast/keys.ts'
import { ConfigError, type BrokerConfig } from './config.ts'
import {
  DEFAULT_DELETE_LIMITS,
  DEFAULT_DELETE_MISS_LIMITS,
  FairAdmission,
  MemoryLimiter,
} from './limits.ts'
import { issuerKeys } from './jwks.ts'
import { BrokerMetrics } from './metrics.ts'
import type { Logger } from './log.ts'
import { startBroker, type RunningBroker } from './server.ts'
import { createVerifier, jwksUrlOf } from './token.ts'

/** How many failed attempts one Vast call may make (429s do not count; the budget bounds them). */
const MAX_ATTEMPTS = 4
const REQUEST_TIMEOUT_MS = 20_000

/**
 * Puts the broker together from its configuration: the token verifier, the per-repository
 * limiter, and Vast clients made per operation with the action's own client (src/core/vast/client.ts:
 * timeouts, retries, 429 pacing), each bounded by the operation's budget, all sharing one pace.
 */
export async function buildBroker(
  config: BrokerConfig,
  io: { log: Logger; fetch: FetchLike; now?: () => Date },
): Promise<RunningBroker> {
  const live: { broker?: RunningBroker } = {}
  const admission = new FairAdmission()
  const metrics = new BrokerMetrics({
    queued: () => admission.queued,
    running: () => admission.running,
    inflight: () => live.broker?.inflight ?? 0,
  })
  const keys = issuerKeys({
    url: jwksUrlOf(config),
    fetch: io.fetch,
    onFetch: (outcome, cause) => metrics.jwksFetched(outcome, cause),
  })
  const vastFetch = metrics.timed(io.fetch)
  const verify = createVerifier({
    issuer: config.issuer,
    audience: config.audience,
    keys,
    ...(io.now ? { now: io.now } : {}),
  })
  // One pace for every client of this replica: they all call Vast as the one parent key, so a
  // 429 learned by one request spaces out the others instead of each finding it out alone.
  const pace: PaceMemory = new Map()
  const makeClient = (budgetMs: number, signal?: AbortSignal) =>
    Promise.resolve(
      new VastClient({
        baseUrl: config.apiUrl,
        apiKey: config.adminKey,
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        retry: { ...DEFAULT_RETRY, maxAttempts: MAX_ATTEMPTS },
        fetch: vastFetch,
        deadline: Date.now() + budgetMs,
        pace,
        ...(signal ? { signal } : {}),
      }),
    )
  let parentChecked = await checkParentKey(makeClient, config.apiUrl, io.log)
  // Readiness waits for a parent key Vast accepted: a start during a Vast outage checks again.
  const recheck = parentChecked
    ? undefined
    : setInterval(() => {
        void makeClient(START_CHECK_BUDGET_MS)
          .then(currentKeyId)
          .then(
            () => {
              parentChecked = true
              clearInterval(recheck)
            },
            () => undefined,
          )
      }, 30_000)
  recheck?.unref()
  await keys.warm()
  const started = await startBroker(
    {
      policy: config.policy,
      verify,
      limiter: new MemoryLimiter(config.limits),
      deleteLimiter: new MemoryLimiter(config.deleteLimits ?? DEFAULT_DELETE_LIMITS),
      deleteMissLimiter: new MemoryLimiter(DEFAULT_DELETE_MISS_LIMITS),
      admission,
      makeClient,
      log: io.log,
      metrics,
      readiness: () => {
        // Nothing but a token would fetch the keys again after a failed start, and no token comes
        // to a replica that is not ready: each probe asks once more (at most one fetch per the
        // JWKS failure backoff), so the replica becomes ready once the issuer answers.
        if (!keys.fetched) void keys.warm()
        return {
          'policy-loaded': config.policy.rules.length > 0,
          'issuer-keys-fetched': keys.fetched,
          'parent-key-checked': parentChecked,
        }
      },
      ...(io.now ? { now: io.now } : {}),
    },
    {
      host: config.host,
      port: config.port,
      sweepIntervalMs: config.sweepIntervalMs,
      sweepGraceMs: config.sweepGraceMs,
    },
  )
  live.broker = started
  return Object.assign(started, {
    close: ((close) => (graceMs?: number) => {
      clearInterval(recheck)
      return close(graceMs ?? config.shutdownGraceMs)
    })(started.close.bind(started)),
  })
}

/** How long the start-up look at the parent key may take (retries included). */
const START_CHECK_BUDGET_MS = 30_000

/**
 * Asks Vast once, at start, who the parent key is (`GET /users/current`): a key Vast refuses
 * (401, or 403 without user_read, which the sweep needs to know the parent) stops the broker with
 * ConfigError, so a bad deployment fails at once instead of answering /health and then failing
 * every job. Returns whether the key was checked. Vast unreachable or failing otherwise is logged as a warning and the broker starts
 * (a Vast outage must not crash-loop it; requests will fail with 502 until Vast answers).
 */
async function checkParentKey(
  makeClient: (budgetMs: number) => Promise<VastClient>,
  apiUrl: string,
  log: Logger,
): Promise<boolean> {
  try {
    await currentKeyId(await makeClient(START_CHECK_BUDGET_MS))
    return true
  } catch (error) {
    if (error instanceof VastApiError && (error.status === 401 || error.status === 403)) {
      throw new ConfigError(
        error.status === 401
          ? `the parent key: Vast.ai at ${apiUrl} refused it (HTTP 401); check that VAST_ADMIN_API_KEY_FILE (or VAST_ADMIN_API_KEY) holds a live key of the right account, and --api-url`
          : `the parent key: Vast.ai at ${apiUrl} does not let it read /users/current (HTTP 403); the parent key needs user_read to know itself (the sweep never deletes it) and user_write to mint keys`,
      )
    }
    log.warn({
      event: 'start',
      reason: `could not check the parent key with Vast.ai now (${(error as Error).message}); starting anyway, mints fail with 502 until Vast answers`,
    })
    return false
  }
}
