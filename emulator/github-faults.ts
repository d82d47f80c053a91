// Injected faults for the GitHub emulator, their per-route FIFO queues, and GitHub's rate-limit
// answers and headers (real ones when a token's allowance runs out, injected ones on demand).

import { json } from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import type { GitHubRouteName } from './github-routes.ts'

export type GitHubFault =
  /** Answer this without applying the request; the body defaults to `{ message }`. */
  | { type: 'status'; status: number; body?: string | object; headers?: Record<string, string> }
  /**
   * A rate-limit refusal, without applying the request. primary: 403 with
   * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` that many seconds ahead (default 1).
   * secondary: 403 (or `status: 429`) with `retry-after` (default 1).
   */
  | {
      type: 'rate-limit'
      kind: 'primary' | 'secondary'
      retryAfterSeconds?: number
      status?: 403 | 429
    }
  /** Wait, then handle normally (for client timeouts). */
  | { type: 'delay'; ms: number }
  /**
   * Wait until the test's promise settles, then handle normally: "this request arrives after
   * that", without betting on how long the other thing takes on a loaded machine.
   */
  | { type: 'hold'; until: Promise<unknown> }
  /** Destroy the socket before applying anything. */
  | { type: 'reset' }
  /** Apply the request, then destroy the socket without answering (a lost response). */
  | { type: 'lost' }

interface QueuedFault {
  fault: GitHubFault
  times: number
}

export class GitHubFaultQueues {
  #queues = new Map<GitHubRouteName, QueuedFault[]>()

  add(route: GitHubRouteName, fault: GitHubFault, times: number): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer, got ${times}`)
    }
    const queue = this.#queues.get(route) ?? []
    queue.push({ fault, times })
    this.#queues.set(route, queue)
  }

  /** Takes the next fault for a route, if any: FIFO, one hit per matching request. */
  take(route: GitHubRouteName): GitHubFault | undefined {
    const queue = this.#queues.get(route)
    const entry = queue?.[0]
    if (queue === undefined || entry === undefined) return undefined
    entry.times -= 1
    if (entry.times <= 0) queue.shift()
    return entry.fault
  }

  clear(): void {
    this.#queues.clear()
  }
}

const RATE_LIMIT_DOCS =
  'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api'

/** A token's allowance in the `core` resource; the window is an hour, like GitHub's. */
interface Allowance {
  limit: number
  used: number
  /** Epoch seconds. */
  reset: number
}

/** Per-identity request counts; identities are a token or `anonymous` (60 an hour, as GitHub). */
export class RateLimits {
  readonly #tokenLimit: number
  readonly #allowances = new Map<string, Allowance>()

  constructor(tokenLimit: number) {
    this.#tokenLimit = tokenLimit
  }

  /** Counts one request; returns false when the allowance was already spent. */
  spend(identity: string, nowMs: number): boolean {
    const allowance = this.#current(identity, nowMs)
    if (allowance.used >= allowance.limit) return false
    allowance.used += 1
    return true
  }

  headers(identity: string, nowMs: number): Record<string, string> {
    const { limit, used, reset } = this.#current(identity, nowMs)
    return rateLimitHeaders(limit, Math.max(0, limit - used), reset, used)
  }

  /** The 403 GitHub sends once the allowance is spent. */
  exceeded(identity: string, nowMs: number): Reply {
    const { limit, reset } = this.#current(identity, nowMs)
    return primaryRateLimit(identity, limit, reset)
  }

  #current(identity: string, nowMs: number): Allowance {
    const nowSeconds = Math.floor(nowMs / 1000)
    let allowance = this.#allowances.get(identity)
    if (allowance === undefined || allowance.reset <= nowSeconds) {
      const limit = identity === 'anonymous' ? 60 : this.#tokenLimit
      allowance = { limit, used: 0, reset: nowSeconds + 3600 }
      this.#allowances.set(identity, allowance)
    }
    return allowance
  }
}

export function rateLimitHeaders(
  limit: number,
  remaining: number,
  reset: number,
  used: number,
): Record<string, string> {
  return {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': String(reset),
    'x-ratelimit-used': String(used),
    'x-ratelimit-resource': 'core',
  }
}

export function primaryRateLimit(identity: string, limit: number, reset: number): Reply {
  const who = identity === 'anonymous' ? '127.0.0.1' : 'installation ID 1'
  return json(
    403,
    {
      message: `API rate limit exceeded for ${who}. If you reach out to GitHub Support for help, please include the request ID.`,
      documentation_url: RATE_LIMIT_DOCS,
      status: '403',
    },
    rateLimitHeaders(limit, 0, reset, limit),
  )
}

/** A secondary limit leaves the primary allowance alone: the caller adds the usual headers. */
export function secondaryRateLimit(status: 403 | 429, retryAfterSeconds: number): Reply {
  return json(
    status,
    {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
      documentation_url: `${RATE_LIMIT_DOCS}#about-secondary-rate-limits`,
      status: String(status),
    },
    { 'retry-after': String(Math.max(0, Math.ceil(retryAfterSeconds))) },
  )
}
