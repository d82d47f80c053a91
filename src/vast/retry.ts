/**
 * When to try a Vast request again, and how long to wait. Pure functions: the clock and the random
 * source are arguments, so tests need no real sleeping.
 */

export interface RetryPolicy {
  /** Every attempt, including the first. */
  readonly maxAttempts: number
  readonly baseDelayMs: number
  readonly maxDelayMs: number
}

export const DEFAULT_RETRY: Omit<RetryPolicy, 'maxAttempts'> = {
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
}

/** 429 and 5xx are worth another try; every other 4xx is final. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599)
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}

/** Vast's plain-text 429 names its interval: "API requests too frequent endpoint threshold=2.0". */
export function parseThreshold(body: string): number | undefined {
  const match = /threshold\s*=\s*(\d+(?:\.\d+)?)/i.exec(body)
  return match ? Math.round(Number(match[1]) * 1000) : undefined
}

/**
 * How far past the interval a rate-limited caller spreads its next try, in intervals, after its
 * first and then every later consecutive 429. A matrix of N jobs sharing one parent key all wait
 * for the same one-per-interval create slot: the first try after a slot opens takes it, so the
 * slot is wasted only while nobody asks. Waiting U(1, 3) intervals keeps the tail of a matrix
 * quick (a few jobs left still ask about every 2 intervals) while each job asks at most about
 * once per 2 intervals, never in step with the others. `npm run bench` measures the result.
 */
export const RATE_LIMIT_SPREAD = [1, 2] as const

/**
 * The wait after the `refusals`-th consecutive 429: what the API asked for (Retry-After) or the
 * interval it names, plus a random spread of up to 1 then 2 intervals.
 */
export function rateLimitDelay(
  refusals: number,
  intervalMs: number,
  retryAfterMs: number | undefined,
  random: () => number,
): number {
  const spread =
    RATE_LIMIT_SPREAD[Math.min(refusals, RATE_LIMIT_SPREAD.length) - 1] ?? RATE_LIMIT_SPREAD[1]
  return (retryAfterMs ?? intervalMs) + random() * spread * intervalMs
}

/**
 * The wait after `attempt` failed attempts (5xx, network). Exponential with full jitter; when
 * the API named a wait (a 503 with Retry-After), never less than that, plus up to half of it.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
  retryAfterMs?: number,
): number {
  if (retryAfterMs !== undefined) {
    return Math.min(
      retryAfterMs + random() * (retryAfterMs / 2),
      Math.max(policy.maxDelayMs, retryAfterMs),
    )
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  return random() * ceiling
}
