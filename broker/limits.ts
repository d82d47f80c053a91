/**
 * Per-repository limits, so that one repository cannot spend the parent key's share of Vast's
 * rate limit (about one create per 2 s per caller, vast-api.md) for everyone else.
 *
 * A token bucket per repository: `burst` requests at once, refilled at `perMinute`. The store is
 * behind {@link Limiter} (as octo-sts's `pkg/ratelimit`): {@link MemoryLimiter} counts in this
 * process only, so with N replicas a repository may make up to N times the limit; a shared store
 * (Redis, say) can implement the same interface.
 */

export interface LimitDecision {
  allowed: boolean
  /** When refused: how long until one request is allowed again (ms). */
  retryAfterMs: number
}

export interface Limiter {
  /** Takes one request from `key`'s allowance, or says how long to wait. */
  take(key: string): LimitDecision
}

export interface LimitSettings {
  /** Refill rate, requests per minute (> 0). */
  perMinute: number
  /** Bucket size: requests allowed at once (>= 1). */
  burst: number
}

export const DEFAULT_LIMITS: LimitSettings = { perMinute: 30, burst: 10 }

/** Buckets kept at most; the least recently used go first (a full bucket forgets nothing). */
const MAX_BUCKETS = 10_000

/** One token bucket per key, in this process. */
export class MemoryLimiter implements Limiter {
  readonly #settings: LimitSettings
  readonly #now: () => number
  readonly #buckets = new Map<string, { tokens: number; at: number }>()

  constructor(settings: LimitSettings, now: () => number = Date.now) {
    if (!(settings.perMinute > 0) || !(settings.burst >= 1)) {
      throw new Error('limits: perMinute must be above 0 and burst at least 1')
    }
    this.#settings = settings
    this.#now = now
  }

  take(key: string): LimitDecision {
    const now = this.#now()
    const ratePerMs = this.#settings.perMinute / 60_000
    const bucket = this.#buckets.get(key) ?? { tokens: this.#settings.burst, at: now }
    bucket.tokens = Math.min(this.#settings.burst, bucket.tokens + (now - bucket.at) * ratePerMs)
    bucket.at = now
    this.#buckets.delete(key)
    this.#buckets.set(key, bucket)
    if (this.#buckets.size > MAX_BUCKETS) {
      const oldest = this.#buckets.keys().next().value
      if (oldest !== undefined) this.#buckets.delete(oldest)
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { allowed: true, retryAfterMs: 0 }
    }
    return { allowed: false, retryAfterMs: Math.ceil((1 - bucket.tokens) / ratePerMs) }
  }
}
