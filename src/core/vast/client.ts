import { setTimeout as delay } from 'node:timers/promises'
import type { Secret } from '../secret.ts'
import { VastApiError } from './errors.ts'
import {
  backoffDelay,
  rateLimitDelay,
  isRetryableStatus,
  parseRetryAfter,
  parseThreshold,
  type RetryPolicy,
} from './retry.ts'
import { messageOf, networkCause, parseJson, scrubMessage } from './answers.ts'
import {
  contentionBound,
  matrixFloorIntervals,
  matrixNextAsk,
  type MatrixPlace,
} from './schedule.ts'
import type { FetchLike, HttpResponse } from './transport.ts'
import { USER_AGENT } from '../version.ts'

/**
 * What 429 answers taught, per route (`POST /auth/apikeys/`): the interval, the next free slot
 * (`nextAt`, one slot per call in the order calls came), and the earliest moment Vast's interval
 * can have passed (`notBefore`: an interval after the latest answer Vast let through, or after
 * the latest 429). Clients that share one map share one caller's pace (the key broker's requests,
 * which all run on one parent key).
 */
export type PaceMemory = Map<string, { intervalMs: number; nextAt: number; notBefore?: number }>

export interface ClientOptions {
  /** Shared pacing (see {@link PaceMemory}); default: this client's own. */
  pace?: PaceMemory
  /**
   * Where this job stands in its matrix: after a 429 it asks again on the matrix schedule
   * (schedule.ts) instead of the plain backoff, as long as the schedule has something to say.
   */
  matrix?: MatrixPlace
  /** Base URL without /api/v0 (a path prefix is kept). */
  baseUrl: string
  apiKey: Secret
  requestTimeoutMs: number
  retry: RetryPolicy
  fetch: FetchLike
  /** Nothing is sent, and no wait is started, past this moment (epoch ms). */
  deadline?: number
  /** Aborts waits and requests in flight (cancellation). */
  signal?: AbortSignal
  debug?: (message: string) => void
  /** The step's log: a rate-limit wait of LONG_WAIT_MS or more is said there, not only in debug. */
  info?: (message: string) => void
  now?: () => number
  random?: () => number
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

export interface CallOptions {
  operation: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  /**
   * Under /api/v0, e.g. `/auth/apikeys/`; a path that starts with `/api/v<N>/` is sent as is, as
   * the CLI does (the instance list is `/api/v1/instances/`, vast-instances-api.md).
   */
  path: string
  body?: unknown
  /**
   * false for requests that must not be sent twice blindly (create). An ambiguous failure is then
   * handed to `onAmbiguous`, which finds out whether it was applied and says whether to go on.
   */
  idempotent: boolean
  onAmbiguous?: (error: VastApiError) => Promise<'retry' | 'stop'>
  /**
   * Called just before each attempt is sent (after any pacing wait), with the attempt number. A
   * create records the time here: a request that then gets no answer may still be applied.
   */
  onSend?: (attempt: number) => void
}

export interface ApiResponse {
  status: number
  data: unknown
}

/**
 * Vast's documented minimum interval between calls, per route and caller (vast-api.md). Used once
 * a route has answered 429 without saying how long to wait.
 */
const DOCUMENTED_INTERVAL_MS: Record<string, number> = {
  'POST /auth/apikeys/': 2000,
  'GET /auth/apikeys/': 1000,
  'GET /auth/apikeys/{id}/': 2000,
  'DELETE /auth/apikeys/{id}/': 2000,
  'GET /users/current': 2000,
  // vast-instances-api.md, "Rate limits".
  'GET /api/v1/instances/': 1000,
  'GET /instances/{id}/': 2000,
  'DELETE /instances/{id}/': 3000,
}

/** The route a request paces on: ids as `{id}`, the query left out. */
function routeOf(method: string, path: string): string {
  return `${method} ${(path.split('?')[0] ?? '').replace(/\/\d+\//g, '/{id}/')}`
}

const CERTIFICATE_CODES =
  /^(ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_[A-Z_]+)$/
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])
/** Node's codes for a host name that does not resolve (getaddrinfo): the message names the host. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN'])

/** A wait this long (ms) after a 429 is worth a line in the step's log. */
export const LONG_WAIT_MS = 10_000

const realSleep = (ms: number, signal?: AbortSignal) =>
  delay(ms, undefined, signal ? { signal } : undefined)

/** The one HTTP client for the Vast API: timeouts, retries with backoff, and its error type. */
export class VastClient {
  readonly #options: ClientOptions
  readonly #now: () => number
  readonly #random: () => number
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>
  /**
   * Intervals learned from 429 answers, per route: later calls on that route are spaced out
   * instead of being refused (a sweep deleting hundreds of keys, say).
   */
  readonly #pace: PaceMemory
  /** Vast's clock less ours (ms), from the `Date` header of the latest answer that had one. */
  #clockOffsetMs: number | undefined

  constructor(options: ClientOptions) {
    this.#options = options
    this.#pace = options.pace ?? (new Map() as PaceMemory)
    this.#now = options.now ?? Date.now
    this.#random = options.random ?? Math.random
    this.#sleep = options.sleep ?? realSleep
  }

  /**
   * Vast's clock less the runner's (ms), read from the `Date` header (RFC 9110, whole seconds) of
   * the latest answer, error answers included; undefined before any answer carried one. Accurate
   * to about a second plus the round trip.
   */
  get clockOffsetMs(): number | undefined {
    return this.#clockOffsetMs
  }

  /** Whether `value` is the key this client sends (the parent key): compared, never exposed. */
  holdsKey(value: string): boolean {
    return value === this.#options.apiKey.reveal()
  }

  async call(options: CallOptions): Promise<ApiResponse> {
    const { maxAttempts } = this.#options.retry
    const route = routeOf(options.method, options.path)
    // max-attempts counts attempts that failed; a 429 is a "not yet", bounded by the deadline.
    let failures = 0
    let refusals = 0
    const backoff = { firstAt: 0, plain: 0 }
    for (let attempt = 1; ; attempt++) {
      let error: VastApiError
      try {
        await this.#waitForSlot(route, options.operation)
        options.onSend?.(attempt)
        const answer = await this.#send(options, attempt)
        this.#letThrough(route)
        return answer
      } catch (caught) {
        if (!(caught instanceof VastApiError)) throw caught
        error = caught
      }
      if (error.status !== undefined && error.status !== 429) this.#letThrough(route)
      let wait: number
      if (error.status === 429) {
        refusals += 1
        const intervalMs = this.#learn(route, error.intervalMs)
        wait = this.#rateLimitWait(refusals, intervalMs, error.retryAfterMs, backoff)
        // A long backoff that would outlast the budget still leaves room for one last try, an
        // interval before the end (never sooner than a Retry-After).
        const lastTry = this.#remaining() - intervalMs
        if (wait > lastTry && lastTry >= (error.retryAfterMs ?? intervalMs)) wait = lastTry
        if (wait >= LONG_WAIT_MS && wait <= this.#remaining()) {
          this.#options.info?.(
            `${options.operation}: rate limited by Vast (${refusals} 429s in a row; jobs sharing a parent key share its rate); trying again in ${Math.round(wait / 1000)} s.`,
          )
        }
      } else {
        failures += 1
        refusals = 0
        backoff.plain = 0
        if (!error.retryable || failures >= maxAttempts) throw error
        if (error.ambiguous && !options.idempotent) {
          if (!options.onAmbiguous || (await options.onAmbiguous(error)) === 'stop') throw error
        }
        wait = backoffDelay(failures, this.#options.retry, this.#random, error.retryAfterMs)
      }
      if (this.#remaining() < wait) throw outOfTime(error)
      this.#debug(
        `${options.operation}: attempt ${attempt} failed (${error.status ?? error.kind}; ${failures}/${maxAttempts} failures, ${refusals} rate-limited); retrying in ${Math.round(wait)} ms`,
      )
      try {
        await this.#sleep(wait, this.#options.signal)
      } catch {
        throw this.#aborted(options.operation)
      }
    }
  }

  /**
   * The wait after the `refusals`-th consecutive 429: on the matrix schedule while it has
   * something to say (a job of a matrix, within its horizon), else the plain backoff counted from
   * where the schedule stopped. A Retry-After is a floor either way; jobs told the same moment
   * spread over half an interval after it.
   */
  #rateLimitWait(
    refusals: number,
    intervalMs: number,
    retryAfterMs: number | undefined,
    backoff: { firstAt: number; plain: number },
  ): number {
    const now = this.#now()
    const place = this.#options.matrix
    if (refusals === 1) backoff.firstAt = now
    if (place && contentionBound(place) > 1 && backoff.plain === 0) {
      const askAt = matrixNextAsk(place, refusals, now - backoff.firstAt, intervalMs, this.#random)
      if (askAt !== undefined) {
        const wait = backoff.firstAt + askAt - now
        return retryAfterMs === undefined
          ? wait
          : Math.max(wait, retryAfterMs + this.#random() * 0.5 * intervalMs)
      }
    }
    backoff.plain += 1
    // A job of a matrix past its horizon: never so often that the matrix keeps the route shut.
    const floor = place && contentionBound(place) > 1 ? matrixFloorIntervals(place) : 0
    return rateLimitDelay(backoff.plain, intervalMs, retryAfterMs, this.#random, floor)
  }

  /**
   * Waits for this call's slot on a route that has answered 429: the next free one (5% over the
   * interval after the previous: Vast times the interval from when each call arrives, and
   * arrivals jitter), and never before an interval after the latest answer Vast let through (a
   * call answered late arrived late, and moves Vast's clock with it).
   */
  async #waitForSlot(route: string, operation: string): Promise<void> {
    const pace = this.#pace.get(route)
    if (!pace) return
    const slot = Math.max(this.#now(), pace.nextAt)
    pace.nextAt = slot + pace.intervalMs * 1.05
    let until = Math.max(slot, pace.notBefore ?? 0)
    for (;;) {
      const wait = until - this.#now()
      if (wait <= 0) return
      if (wait > this.#remaining()) {
        throw new VastApiError({
          operation,
          kind: 'budget',
          status: 429,
          retryable: false,
          ambiguous: false,
          detail: "still rate limited when the step's budget ran out",
        })
      }
      try {
        await this.#sleep(wait, this.#options.signal)
      } catch {
        throw this.#aborted(operation)
      }
      // Only an answer that came meanwhile (a later notBefore) makes this call wait again.
      const moved = Math.max(slot, pace.notBefore ?? 0)
      if (moved <= until) return
      until = moved
    }
  }

  /** An answer other than 429 on a paced route: Vast let the call through, and its clock restarts. */
  #letThrough(route: string): void {
    const pace = this.#pace.get(route)
    if (pace) pace.notBefore = Math.max(pace.notBefore ?? 0, this.#now() + pace.intervalMs)
  }

  /** Remembers the route's interval after a 429 and returns it. */
  #learn(route: string, hintMs: number | undefined): number {
    // What the API says (threshold=) beats what its documentation says.
    const intervalMs = hintMs || DOCUMENTED_INTERVAL_MS[route] || 1000
    const pace = this.#pace.get(route) ?? { intervalMs, nextAt: 0 }
    pace.intervalMs = Math.max(pace.intervalMs, intervalMs)
    // Vast let a call through less than an interval ago: the slot opens within an interval.
    pace.notBefore = Math.max(pace.notBefore ?? 0, this.#now() + pace.intervalMs)
    this.#pace.set(route, pace)
    return pace.intervalMs
  }

  #remaining(): number {
    const { deadline } = this.#options
    return deadline === undefined ? Infinity : deadline - this.#now()
  }

  #debug(message: string): void {
    this.#options.debug?.(message)
  }

  #aborted(operation: string): VastApiError {
    return new VastApiError({
      operation,
      kind: 'aborted',
      retryable: false,
      ambiguous: true,
      detail: 'the step was cancelled',
    })
  }

  async #send(options: CallOptions, attempt: number): Promise<ApiResponse> {
    const { operation, method, path } = options
    const remaining = this.#remaining()
    if (remaining <= 0) {
      throw new VastApiError({
        operation,
        kind: 'budget',
        retryable: false,
        ambiguous: false,
        detail: 'the time budget ran out before the request was sent',
      })
    }
    if (this.#options.signal?.aborted) throw this.#aborted(operation)
    const timeoutMs = Math.min(this.#options.requestTimeoutMs, remaining)
    // One controller per request, its timer and its link to the step's signal undone at the end
    // (AbortSignal.timeout/any would keep every request's signals alive for the whole timeout).
    const controller = new AbortController()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      controller.abort()
    }, timeoutMs)
    const cancel = () => controller.abort()
    this.#options.signal?.addEventListener('abort', cancel, { once: true })
    const url = `${this.#options.baseUrl}${/^\/api\/v\d+\//.test(path) ? '' : '/api/v0'}${path}`
    const started = this.#now()
    if (this.#options.debug) this.#debug(`${method} ${new URL(url).pathname} (attempt ${attempt})`)

    let response: HttpResponse
    let text: string
    try {
      response = await this.#options.fetch(url, {
        method,
        headers: {
          Authorization: `Bearer ${this.#options.apiKey.reveal()}`,
          Accept: 'application/json',
          // Edges in front of APIs commonly refuse requests without one; the CLI sends its own.
          'User-Agent': USER_AGENT,
          ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }),
        },
        // Vast's CLI sends {} with DELETE.
        body: method === 'GET' ? undefined : JSON.stringify(options.body ?? {}),
        signal: controller.signal,
      })
      text = await response.text()
    } catch (caught) {
      if (this.#options.signal?.aborted) throw this.#aborted(operation)
      if (timedOut) {
        throw new VastApiError({
          operation,
          kind: 'timeout',
          retryable: true,
          ambiguous: true,
          detail: `no answer within ${timeoutMs} ms`,
        })
      }
      const { code, message } = networkCause(caught)
      // Final, and nothing was sent: a proxy's refusal (a 407 to CONNECT is an error, not an answer), and a
      // certificate that does not verify (it will not verify on the next try either).
      const proxyRefused = /^Proxy /i.test(message)
      const untrusted = CERTIFICATE_CODES.test(code)
      // The transport's own refusal, made before sending (src/core/vast/transport.ts setupError).
      const setup = code === 'ESETUP'
      const final = proxyRefused || untrusted || setup
      throw new VastApiError({
        operation,
        kind: 'network',
        retryable: !final,
        ambiguous: !final && !NOT_SENT_CODES.has(code),
        detail: setup
          ? message
          : proxyRefused
            ? `the proxy refused the request: ${message}`
            : untrusted
              ? `network error ${code}: the server's TLS certificate is not trusted; check the URL, or give Node a private CA with NODE_EXTRA_CA_CERTS`
              : DNS_CODES.has(code)
                ? `network error ${code}: the host name ${new URL(url).hostname} did not resolve; check api-url`
                : `network error ${code}${(code.startsWith('UND_ERR') || ANSWER_CODES.has(code)) && message ? ` (${message})` : ''}`,
      })
    } finally {
      clearTimeout(timer)
      this.#options.signal?.removeEventListener('abort', cancel)
    }
    const ended = this.#now()
    if (this.#options.debug) {
      this.#debug(
        `${method} ${new URL(url).pathname} -> ${response.status} in ${ended - started} ms`,
      )
    }
    const date = Date.parse(response.headers.get('date') ?? '')
    // The header has whole seconds (cut down): its middle, against the middle of the round trip.
    if (Number.isFinite(date)) this.#clockOffsetMs = date + 500 - (started + ended) / 2
    return this.#interpret(operation, response, text)
  }

  #interpret(operation: string, response: HttpResponse, text: string): ApiResponse {
    const { status } = response
    const data = parseJson(text)
    if (status >= 200 && status < 300) {
      if (data === undefined) {
        throw new VastApiError({
          operation,
          kind: 'invalid-response',
          status,
          retryable: true,
          ambiguous: true,
          detail: 'the answer is not JSON',
        })
      }
      return { status, data }
    }
    if (status >= 300 && status < 400) {
      throw new VastApiError({
        operation,
        kind: 'http',
        status,
        retryable: false,
        ambiguous: false,
        detail: 'a redirect, not followed so the key is not sent elsewhere; check api-url',
      })
    }
    if (status === 403 && (data === undefined || text.trim() === '')) {
      throw new VastApiError({
        operation,
        kind: 'http',
        status,
        retryable: false,
        ambiguous: false,
        edge: true,
        detail:
          `refused by an edge or proxy in front of Vast's API (${text.trim() === '' ? 'an empty' : 'an HTML or other non-JSON'} 403, not Vast's JSON error): ` +
          'the request did not reach the API, so this says nothing about the key; check api-url and any proxy or firewall between the runner and Vast',
      })
    }
    const apiMessage = this.#scrub(messageOf(data, text))
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#now())
    const intervalMs = status === 429 ? parseThreshold(text) : undefined
    throw new VastApiError({
      operation,
      kind: 'http',
      status,
      ...(apiMessage ? { apiMessage } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
      ...(intervalMs !== undefined ? { intervalMs } : {}),
      retryable: isRetryableStatus(status),
      // 429 is refused before anything happens; a 5xx may come from an edge after the backend acted.
      ambiguous: status >= 500,
    })
  }

  /**
   * An API message is shown to users: it must not echo the key back, nor break out of its log
   * line (a newline followed by `::command::` would be read by the runner as a command).
   */
  #scrub(message: string | undefined): string | undefined {
    return scrubMessage(message, this.#options.apiKey.reveal())
  }
}

/** The transport's own refusals of an answer (src/core/vast/transport.ts readBody): said in full. */
const ANSWER_CODES = new Set(['ETOOLARGE', 'EENCODING'])

/** The last failure, marked as the time budget running out before another attempt. */
function outOfTime(error: VastApiError): VastApiError {
  return new VastApiError({
    operation: error.operation,
    kind: 'budget',
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.apiMessage === undefined ? {} : { apiMessage: error.apiMessage }),
    retryable: false,
    ambiguous: error.ambiguous,
    detail: `${error.status === undefined ? `${error.kind}, ` : ''}no time left in the step's budget for another attempt`,
  })
}
