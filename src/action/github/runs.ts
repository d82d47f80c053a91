import { setTimeout as delay } from 'node:timers/promises'
import type { Secret } from '../../core/secret.ts'
import type { FetchLike } from '../../core/vast/transport.ts'

/**
 * Whether a workflow run attempt has completed, for the run-aware sweep. One GET per run attempt:
 * `GET /repos/{owner}/{repo}/actions/runs/{run_id}/attempts/{attempt_number}` (GitHub REST,
 * "Get a workflow run attempt"; the workflow's GITHUB_TOKEN with `actions: read` may read its
 * own repository's runs). Its `status` is `completed` once every job of the attempt, post steps
 * included, has ended; `queued`, `in_progress`, `waiting`, `requested` and `pending` are not.
 */

export type RunState =
  | { state: 'completed'; conclusion: string }
  | { state: 'running'; status: string }
  /**
   * GitHub could not show the run (404, 403, an error): its keys keep to their deadline.
   * `refused` is the status when GitHub refused the token (401 or 403).
   */
  | { state: 'unknown'; reason: string; refused?: number }

/** The token (masked by the caller), the API root, and how long one request may take. */
export interface RunReaderOptions {
  token: Secret
  /** e.g. https://api.github.com, or https://ghes.example.com/api/v3. */
  apiUrl: string
  requestTimeoutMs: number
  fetch: FetchLike
  signal?: AbortSignal
  /**
   * Epoch ms past which nothing is sent (the sweep's sweep-budget); a request still going then is
   * aborted. Without it, only request-timeout bounds a request.
   */
  deadline?: number
  debug?: (message: string) => void
  /** The step's log: a rate-limit wait is said there. */
  info?: (message: string) => void
}

/**
 * How long (ms) GitHub asks to wait before the next request, or undefined when the answer is not a
 * rate-limit refusal. GitHub REST, "Rate limits for the REST API": a secondary limit is a 403 or
 * 429, often with `retry-after` (seconds); a primary one is a 403 or 429 with
 * `x-ratelimit-remaining: 0` and `x-ratelimit-reset` (epoch seconds). A 403 or 429 with neither
 * header and a message about a rate limit waits a minute, as GitHub's guidance says.
 */
export function rateLimitWaitMs(
  status: number,
  headers: { get(name: string): string | null },
  body: string,
  nowMs: number,
): number | undefined {
  if (status !== 403 && status !== 429) return undefined
  const retryAfter = headers.get('retry-after')?.trim()
  if (retryAfter && /^\d{1,6}$/.test(retryAfter)) return Number(retryAfter) * 1000
  if (headers.get('x-ratelimit-remaining')?.trim() === '0') {
    const reset = Number(headers.get('x-ratelimit-reset')?.trim())
    // One second more: the reset is in whole seconds, and clocks differ a little.
    if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - nowMs) + 1000
    return 60_000
  }
  if (status === 429 || /rate limit/i.test(body.slice(0, 2000))) return 60_000
  return undefined
}

/** Reads run attempts; each answer is kept, so a run is asked about once per sweep. */
export class RunReader {
  readonly #options: RunReaderOptions
  readonly #seen = new Map<string, Promise<RunState>>()

  constructor(options: RunReaderOptions) {
    this.#options = options
  }

  /** Whether the deadline (sweep-budget) has passed: nothing more is asked. */
  get outOfTime(): boolean {
    const { deadline } = this.#options
    return deadline !== undefined && Date.now() >= deadline
  }

  /** How many different run attempts were asked about. */
  get lookups(): number {
    return this.#seen.size
  }

  attempt(repository: string, runId: string, attempt: string): Promise<RunState> {
    const id = `${repository.toLowerCase()} ${runId} ${attempt}`
    let found = this.#seen.get(id)
    if (!found) {
      found = this.#read(repository, runId, attempt)
      this.#seen.set(id, found)
    }
    return found
  }

  async #read(repository: string, runId: string, attempt: string): Promise<RunState> {
    const [owner = '', repo = ''] = repository.split('/')
    const path = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/actions/runs/${runId}/attempts/${attempt}`
    // A 5xx or a network error is tried once more; a rate limit is waited out within the budget;
    // anything else decides.
    for (let attempt = 1; ;) {
      const answer = await this.#get(path)
      if (answer.waitMs !== undefined) {
        const waited = await this.#waitOut(answer.waitMs, answer.result)
        if (waited) return waited
        continue
      }
      if (answer.state !== 'unknown' || !answer.retryable || attempt >= 2) return answer.result
      attempt += 1
    }
  }

  /**
   * Waits out GitHub's rate limit; returns undefined to try again, or the run's state as unknown
   * when the budget (or a cancel) ends first: a rate limit, never a missing permission.
   */
  async #waitOut(waitMs: number, refusal: RunState): Promise<RunState | undefined> {
    const { deadline, signal } = this.#options
    const status = refusal.state === 'unknown' ? refusal.reason : ''
    const seconds = Math.ceil(waitMs / 1000)
    if (deadline !== undefined && Date.now() + waitMs >= deadline) {
      return {
        state: 'unknown',
        reason: `${status}: GitHub's rate limit asks to wait ${seconds} s, more than sweep-budget has left (a rate limit, not a missing permission; the next sweep asks again)`,
      }
    }
    this.#options.info?.(`${status}: GitHub's rate limit; waiting ${seconds} s, then asking again.`)
    try {
      await delay(waitMs, undefined, signal ? { signal } : {})
    } catch {
      return { state: 'unknown', reason: 'the step was cancelled' }
    }
    return undefined
  }

  async #get(
    path: string,
  ): Promise<{ state: string; retryable: boolean; result: RunState; waitMs?: number }> {
    const { signal, deadline } = this.#options
    const unknown = (reason: string, retryable: boolean, refused?: number) => ({
      state: 'unknown',
      retryable,
      result: { state: 'unknown', reason, ...(refused ? { refused } : {}) } as RunState,
    })
    if (signal?.aborted) return unknown('the step was cancelled', false)
    const left = deadline === undefined ? Infinity : deadline - Date.now()
    if (left <= 0) return unknown('sweep-budget ran out before it was asked about', false)
    const controller = new AbortController()
    const timer = setTimeout(
      () => controller.abort(),
      Math.min(this.#options.requestTimeoutMs, left),
    )
    const cancel = () => controller.abort()
    signal?.addEventListener('abort', cancel, { once: true })
    try {
      this.#options.debug?.(`GET ${path}`)
      const response = await this.#options.fetch(`${this.#options.apiUrl}${path}`, {
        method: 'GET',
        headers: {
          Accept: 'application/vnd.github+json',
          Authorization: `Bearer ${this.#options.token.reveal()}`,
          'X-GitHub-Api-Version': '2022-11-28',
          'User-Agent': 'vast-scoped-key',
        },
        signal: controller.signal,
      })
      const text = await response.text()
      const waitMs = rateLimitWaitMs(response.status, response.headers, text, Date.now())
      if (waitMs !== undefined) {
        return {
          state: 'unknown',
          retryable: false,
          waitMs,
          result: {
            state: 'unknown',
            reason: `GitHub answered ${response.status} (rate limited)`,
          },
        }
      }
      if (response.status !== 200) {
        const what =
          response.status === 404
            ? 'GitHub answered 404: no such run, or the token cannot see its repository'
            : response.status === 403 || response.status === 401
              ? `GitHub answered ${response.status}: github-token may not read this repository's runs (it needs actions: read)`
              : `GitHub answered ${response.status}`
        const refused = response.status === 401 || response.status === 403
        return unknown(what, response.status >= 500, refused ? response.status : undefined)
      }
      let body: { status?: unknown; conclusion?: unknown }
      try {
        body = JSON.parse(text) as typeof body
      } catch {
        return unknown('GitHub answered with something that is not JSON', true)
      }
      // Words only: these reach the log.
      const word = (value: unknown) =>
        typeof value === 'string' && /^[a-z_]{1,30}$/.test(value) ? value : ''
      const status = word(body.status)
      if (status === 'completed') {
        const conclusion = word(body.conclusion) || 'unknown'
        return { state: 'completed', retryable: false, result: { state: 'completed', conclusion } }
      }
      if (!status) return unknown('the answer has no run status', false)
      return { state: 'running', retryable: false, result: { state: 'running', status } }
    } catch {
      if (signal?.aborted) return unknown('the step was cancelled', false)
      if (deadline !== undefined && Date.now() >= deadline) {
        return unknown('sweep-budget ran out while waiting for GitHub', false)
      }
      return unknown(
        controller.signal.aborted ? 'no answer within request-timeout' : 'a network error',
        true,
      )
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', cancel)
    }
  }
}
