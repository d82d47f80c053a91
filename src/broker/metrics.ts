import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { FetchLike } from '../core/vast/transport.ts'

/**
 * The broker's Prometheus metrics (`GET /metrics`, text exposition format), with prom-client, one
 * registry per replica:
 *
 * | metric                                  | type      | labels                   |
 * | --------------------------------------- | --------- | ------------------------ |
 * | broker_mints_total                      | counter   | outcome, reason          |
 * | broker_deletes_total                    | counter   | outcome, reason          |
 * | broker_vast_request_duration_seconds    | histogram | method, route, status    |
 * | broker_vast_rate_limited_total          | counter   | route (Vast's 429s)      |
 * | broker_admission_queue_depth            | gauge     | (mints waiting)          |
 * | broker_admission_running                | gauge     | (mints at Vast)          |
 * | broker_jwks_fetches_total               | counter   | outcome, cause           |
 * | broker_inflight_requests                | gauge     |                          |
 *
 * plus prom-client's default process metrics (`process_*`, `nodejs_*`). `outcome` is `allowed`,
 * `denied` or `error`; `reason` a fixed word (see {@link reasonOf}), never text from a request.
 */
export class BrokerMetrics {
  readonly registry = new Registry()
  readonly #mints: Counter<'outcome' | 'reason'>
  readonly #deletes: Counter<'outcome' | 'reason'>
  readonly #vast: Histogram<'method' | 'route' | 'status'>
  readonly #vast429: Counter<'route'>
  readonly #jwks: Counter<'outcome' | 'cause'>

  constructor(sources: { queued: () => number; running: () => number; inflight: () => number }) {
    const registers = [this.registry]
    this.#mints = new Counter({
      name: 'broker_mints_total',
      help: 'POST /v1/keys answered, by outcome and reason',
      labelNames: ['outcome', 'reason'],
      registers,
    })
    this.#deletes = new Counter({
      name: 'broker_deletes_total',
      help: 'DELETE /v1/keys/{id} answered, by outcome and reason',
      labelNames: ['outcome', 'reason'],
      registers,
    })
    this.#vast = new Histogram({
      name: 'broker_vast_request_duration_seconds',
      help: "Vast.ai API requests, by method, route and status ('network' when none came)",
      labelNames: ['method', 'route', 'status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20],
      registers,
    })
    this.#vast429 = new Counter({
      name: 'broker_vast_rate_limited_total',
      help: "Vast.ai's 429 answers, by route",
      labelNames: ['route'],
      registers,
    })
    this.#jwks = new Counter({
      name: 'broker_jwks_fetches_total',
      help: "Fetches of the issuer's keys, by outcome and cause (start, age, unknown-kid)",
      labelNames: ['outcome', 'cause'],
      registers,
    })
    new Gauge({
      name: 'broker_admission_queue_depth',
      help: "Mints waiting for this replica's admission",
      registers,
      collect() {
        this.set(sources.queued())
      },
    })
    new Gauge({
      name: 'broker_admission_running',
      help: 'Mints at Vast.ai now on this replica',
      registers,
      collect() {
        this.set(sources.running())
      },
    })
    new Gauge({
      name: 'broker_inflight_requests',
      help: 'Requests being served now',
      registers,
      collect() {
        this.set(sources.inflight())
      },
    })
    collectDefaultMetrics({ register: this.registry })
  }

  /** One answered request of `kind`, with its status (0: the client went away). */
  answered(kind: 'mint' | 'delete', status: number, reason = reasonOf(status)): void {
    const outcome =
      status >= 200 && status < 300 ? 'allowed' : status >= 500 || status === 0 ? 'error' : 'denied'
    ;(kind === 'mint' ? this.#mints : this.#deletes).inc({ outcome, reason })
  }

  jwksFetched(outcome: 'ok' | 'failed', cause: string): void {
    this.#jwks.inc({ outcome, cause })
  }

  /** `fetch`, timed: every Vast request's latency and every 429, by route (ids left out). */
  timed(fetch: FetchLike): FetchLike {
    return async (url, init) => {
      const route = new URL(url).pathname.replace(/\/\d+(?=\/|$)/g, '/{id}')
      const stop = this.#vast.startTimer({ method: init.method, route })
      try {
        const response = await fetch(url, init)
        stop({ status: String(response.status) })
        if (response.status === 429) this.#vast429.inc({ route })
        return response
      } catch (error) {
        stop({ status: 'network' })
        throw error
      }
    }
  }
}

/** The reason label of an answer's status: a fixed word per status. */
export function reasonOf(status: number): string {
  switch (status) {
    case 0:
      return 'client-gone'
    case 200:
    case 201:
      return 'done'
    case 400:
    case 413:
    case 415:
      return 'bad-request'
    case 401:
      return 'token'
    case 403:
      return 'policy'
    case 404:
      return 'not-found'
    case 429:
      return 'rate-limited'
    case 502:
      return 'vast-failed'
    case 503:
      return 'unavailable'
    default:
      return status >= 500 ? 'internal' : 'other'
  }
}
