import { VastClient, type PaceMemory } from '../src/core/vast/client.ts'
import { DEFAULT_RETRY } from '../src/core/vast/retry.ts'
import type { FetchLike } from '../src/core/vast/transport.ts'
import type { BrokerConfig } from './config.ts'
import { FairAdmission, MemoryLimiter } from './limits.ts'
import type { Logger } from './log.ts'
import { startBroker, type RunningBroker } from './server.ts'
import { createVerifier } from './token.ts'

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
  io: { log: Logger; fetch: FetchLike; jwksCooldownMs?: number; now?: () => Date },
): Promise<RunningBroker> {
  const verify = createVerifier({
    issuer: config.issuer,
    audience: config.audience,
    ...(config.jwksUrl ? { jwksUrl: config.jwksUrl } : {}),
    ...(io.jwksCooldownMs !== undefined ? { jwksCooldownMs: io.jwksCooldownMs } : {}),
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
        fetch: io.fetch,
        deadline: Date.now() + budgetMs,
        pace,
        ...(signal ? { signal } : {}),
      }),
    )
  return startBroker(
    {
      policy: config.policy,
      verify,
      limiter: new MemoryLimiter(config.limits),
      admission: new FairAdmission(),
      makeClient,
      log: io.log,
      ...(io.now ? { now: io.now } : {}),
    },
    {
      host: config.host,
      port: config.port,
      sweepIntervalMs: config.sweepIntervalMs,
      sweepGraceMs: config.sweepGraceMs,
    },
  )
}
