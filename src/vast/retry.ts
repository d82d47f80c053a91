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
 * The wait before attempt `attempt + 1`, after `attempt` failed attempts. Exponential with full
 * jitter; when the API named a wait, never less than that, plus a jitter of up to half of it so
 * that a matrix of jobs told the same wait does not come back all at once.
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
