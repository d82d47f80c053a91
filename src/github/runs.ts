import type { Secret } from '../core/secret.ts'
import type { FetchLike } from '../core/vast/transport.ts'

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
    // A 5xx or a network error is tried once more; anything else decides.
    for (let attempt = 1; ; attempt++) {
      const answer = await this.#get(path)
      if (answer.state !== 'unknown' || !answer.retryable || attempt >= 2) return answer.result
    }
  }

  async #get(path: string): Promise<{ state: string; retryable: boolean; result: RunState }> {
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
