// Vast's documented rate limits: a minimum interval per route and per caller identity, measured
// from the last call the limiter let through (by default a refused call does not reset the clock;
// Vast does not say, so `refused: 'restarts'` makes every call, refused or not, restart it).

import type { RouteName } from './vast-faults.ts'
import type { TooManyForm } from './vast-http.ts'

export type RateLimitSettings =
  | boolean
  | {
      /** Multiplies every interval (0.01 turns 2 s into 20 ms). */
      scale?: number
      /** Overrides the documented intervals (before scaling). */
      intervalsMs?: Partial<Record<RouteName, number>>
      form?: TooManyForm
      /** Whose clock a call runs on: the calling key's (default) or its user's. */
      identity?: 'key' | 'user'
      /**
       * Whether a refused call restarts the route's clock: 'ignored' (default: the interval runs
       * from the last call let through) or 'restarts' (from the last call, refused or not).
       * vast-api.md does not say which Vast does.
       */
      refused?: 'ignored' | 'restarts'
    }

export const DOCUMENTED_INTERVALS_MS: Readonly<Partial<Record<RouteName, number>>> = {
  list: 1000,
  create: 2000,
  show: 2000,
  delete: 2000,
  reset: 3000,
  current: 2000,
  // vast-instances-api.md, "Rate limits": the per-endpoint YAMLs' minimum intervals.
  instanceCreate: 4500,
  instanceList: 1000,
  instanceShow: 2000,
  instanceManage: 1000,
  instanceDestroy: 3000,
}

export type RateDecision =
  { ok: true } | { ok: false; intervalMs: number; waitMs: number; form: TooManyForm }

export class RateLimiter {
  readonly enabled: boolean
  readonly identity: 'key' | 'user'
  readonly #intervals: Partial<Record<RouteName, number>>
  readonly #form: TooManyForm
  readonly #refusedRestarts: boolean
  readonly #lastAccepted = new Map<string, number>()

  constructor(settings: RateLimitSettings | undefined) {
    const options = typeof settings === 'object' ? settings : {}
    this.enabled = settings !== undefined && settings !== false
    this.identity = options.identity ?? 'key'
    this.#form = options.form ?? 'text'
    this.#refusedRestarts = options.refused === 'restarts'
    const scale = options.scale ?? 1
    if (!(scale >= 0 && Number.isFinite(scale))) throw new RangeError(`bad scale ${scale}`)
    const base = { ...DOCUMENTED_INTERVALS_MS, ...options.intervalsMs }
    this.#intervals = {}
    for (const [route, ms] of Object.entries(base)) {
      this.#intervals[route as RouteName] = ms * scale
    }
  }

  /**
   * Decides one call; an accepted call starts the route's clock for that identity (a refused one
   * too, with `refused: 'restarts'`).
   */
  check(route: RouteName, identity: string, now: number): RateDecision {
    const intervalMs = this.#intervals[route]
    if (!this.enabled || intervalMs === undefined || intervalMs <= 0) return { ok: true }
    const slot = `${route}\u0000${identity}`
    const last = this.#lastAccepted.get(slot)
    if (last !== undefined && now - last < intervalMs) {
      if (this.#refusedRestarts) this.#lastAccepted.set(slot, now)
      return { ok: false, intervalMs, waitMs: intervalMs - (now - last), form: this.#form }
    }
    this.#lastAccepted.set(slot, now)
    return { ok: true }
  }
}
