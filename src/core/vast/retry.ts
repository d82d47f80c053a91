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

/**
 * The interval a Vast 429 names: "API requests too frequent endpoint threshold=2.0" (also after
 * a colon, or inside JSON `msg` / `detail`); undefined when it names none.
 */
export function parseThreshold(body: string): number | undefined {
  const match = /threshold\s*=\s*(\d+(?:\.\d+)?)/i.exec(body)
  return match ? Math.round(Number(match[1]) * 1000) : undefined
}

/**
 * How many of the route's intervals to wait after the n-th consecutive 429 (before jitter):
 * doubling from 1 to 32, then 20% less after each further 429, never under 2.
 *
 * Why this shape: N jobs sharing one parent key (a matrix) share one create slot per interval,
 * and a waiting job learns nothing from a 429 but "not yet", so its waits can only depend on how
 * many 429s it has had. Doubling keeps the many early waiters from asking every interval (each
 * job asks about 6 times in its first 60 intervals instead of 30). After that, the jobs still
 * waiting are the tail of the matrix: few, so each must ask more often again or free slots go
 * unused while they sleep. `npm run bench` measures the result; docs/rate-limits.md has the figures.
 */
export const RATE_LIMIT_BACKOFF = {
  doubling: [1, 2, 4, 8, 16, 32],
  shrink: 0.8,
  floorIntervals: 2,
} as const

/** Intervals to wait after the `refusals`-th consecutive 429 (1-based), before jitter. */
export function rateLimitIntervals(refusals: number): number {
  const { doubling, shrink, floorIntervals } = RATE_LIMIT_BACKOFF
  const n = Math.max(1, Math.floor(refusals))
  if (n <= doubling.length) return doubling[n - 1] ?? 1
  const top = doubling[doubling.length - 1] ?? 1
  return Math.max(floorIntervals, top * shrink ** (n - doubling.length))
}

/**
 * The wait after the `refusals`-th consecutive 429 on a route whose interval is `intervalMs`:
 * `rateLimitIntervals` intervals (never fewer than `floorIntervals`), times a jitter of 0.5 to
 * 1.5 so that jobs refused together do not come back together. A Retry-After (`retryAfterMs`) is
 * a floor, never cut short; jobs told the same moment spread over half an interval after it.
 *
 * @param floorIntervals the fewest intervals to wait (0: none beyond the table's); a job of a
 *   matrix past its schedule's horizon passes {@link matrixFloorIntervals} (schedule.ts)
 */
export function rateLimitDelay(
  refusals: number,
  intervalMs: number,
  retryAfterMs: number | undefined,
  random: () => number,
  floorIntervals = 0,
): number {
  const intervals = Math.max(rateLimitIntervals(refusals), floorIntervals)
  const spread = intervalMs * intervals * (0.5 + random())
  if (retryAfterMs === undefined) return spread
  return Math.max(spread, retryAfterMs + random() * 0.5 * intervalMs)
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
