/**
 * When a job of a matrix asks Vast again after a 429, given where it stands in its matrix. A pure
 * function of the job's place, the route's interval, how many 429s it has had and when it last
 * asked: the clock and the random source are the caller's, so tests need no real sleeping.
 *
 * The facts it rests on: Vast allows one create per interval (2 s) per caller, so every job that
 * shares a parent key shares one create slot per interval (vast-api.md, "Rate limits"); a 429
 * says "not yet" and the interval, never how many wait. What a job knows besides: its matrix has
 * `total` jobs, at most `maxParallel` of them at once (the runner's `strategy` context), and it is
 * number `index`. So at most `bound` = min(total, maxParallel) jobs of its matrix can be waiting
 * with it. The size bounds contention; it books nothing: jobs start when runners come free, and
 * other workflows may share the key.
 *
 * The schedule, in slots of `SLACK` × interval, counted from the job's first 429:
 * - **Booked asks.** The matrix is split into classes of about `CLASS_SIZE` jobs
 *   (`index mod width`, `width` = ceil(bound / CLASS_SIZE)); each class owns one slot in every
 *   round of `width` slots. Jobs that start together (their first 429s at one moment) then share
 *   each slot with their class only: one gets it, the others try their class's slot of the next
 *   round, and every slot has a taker until the matrix is served.
 * - **Probes** between booked asks, after the second 429: a job that started late (or was
 *   refused by another workflow's job) need not wait a whole round. The gap starts at
 *   `PROBE_SHARE` × bound slots and halves (`PROBE_DECAY`) with every 429, never under one slot,
 *   jittered ×0.5 to ×1.5.
 * - **The horizon.** A matrix alone is served within about `bound` slots of its first 429s. Past
 *   `HORIZON` × bound + 2 slots the 429s come from outside what the size describes (another
 *   workflow on the key, a job restarted): the schedule returns undefined and the caller goes back
 *   to the plain backoff (retry.ts, rateLimitDelay).
 *
 * A job never asks sooner than one slot (more than the interval) after its previous ask.
 * docs/rate-limits.md has the figures (`npm run bench`) and the trade-offs.
 */

/** Where a job stands in its matrix (src/action/inputs/matrix.ts). */
export interface MatrixPlace {
  /** 0 to total - 1. */
  readonly index: number
  /** Jobs in the matrix, at least 1. */
  readonly total: number
  /** At most this many run at once; undefined: no limit but total. */
  readonly maxParallel?: number
}

export const MATRIX_SCHEDULE = {
  /** Jobs per class: how many may ask in one booked slot when the whole matrix starts at once. */
  classSize: 4,
  /** A slot is this many intervals: Vast times the interval from each call's arrival, which jitters. */
  slack: 1.1,
  /** The first probe gap, as a share of the bound (slots). */
  probeShare: 0.4,
  /** Each further 429 multiplies the probe gap by this. */
  probeDecay: 0.5,
  /** Past horizon × bound + 2 slots after the first 429, the plain backoff takes over. */
  horizon: 2,
} as const

/**
 * The fewest intervals a job of a matrix waits between asks once past its schedule's horizon
 * (on the plain backoff): half its contention bound, at least 2. Whether Vast restarts a route's
 * clock on a call it refused is not documented (vast-api.md, "Rate limits"). If it does, every ask
 * within an interval of another holds the route shut for everyone, and `bound` jobs each asking
 * every 2 intervals (the plain backoff's own floor) would keep it shut for good; at half the bound
 * the jobs still waiting ask about twice per interval between them at most, and some get through.
 * Where refused calls do not count, this floor is reached only past the horizon, where it costs
 * next to nothing (scripts/schedule-sim.ts measures both).
 */
export function matrixFloorIntervals(place: MatrixPlace): number {
  return Math.max(2, contentionBound(place) / 2)
}

/** How many jobs of the matrix may wait at once: min(total, maxParallel), at least 1. */
export function contentionBound(place: MatrixPlace): number {
  const total = Math.max(1, Math.floor(place.total))
  const parallel = place.maxParallel === undefined ? total : Math.floor(place.maxParallel)
  return Math.max(1, Math.min(total, parallel))
}

/**
 * The next ask after the `refusals`-th consecutive 429 (1-based), as a time after the job's first
 * 429 (ms); or undefined when the schedule has nothing to say: a job on its own (bound 1), or
 * past the horizon. `lastAskMs` is when the refused ask was answered, after the first 429 (0 for
 * the first). The result is never sooner than one slot after `lastAskMs`.
 *
 * @param place the job's place in its matrix
 * @param refusals consecutive 429s so far, at least 1
 * @param lastAskMs ms from the first 429 to the latest one (>= 0)
 * @param intervalMs the route's interval (ms, > 0): what the 429 named, else Vast's documented one
 * @param random a source of numbers in [0, 1)
 */
export function matrixNextAsk(
  place: MatrixPlace,
  refusals: number,
  lastAskMs: number,
  intervalMs: number,
  random: () => number,
): number | undefined {
  const bound = contentionBound(place)
  if (bound <= 1 || !(intervalMs > 0)) return undefined
  const { classSize, slack, probeShare, probeDecay, horizon } = MATRIX_SCHEDULE
  const slotMs = intervalMs * slack
  const last = Math.max(0, lastAskMs) / slotMs
  const width = Math.ceil(bound / classSize)
  const index = Math.max(0, Math.floor(place.index))
  // The class's slot in the first round that starts after the last ask (with half a slot to
  // spare, so that a late answer does not make the job skip its own slot).
  const offset = (index % width) + 1
  const round = Math.max(0, Math.ceil((last + 0.5 - offset) / width))
  let next = offset + round * width
  if (next < last + 1) next += width
  const n = Math.max(1, Math.floor(refusals))
  if (n >= 2) {
    const gap = Math.max(1, bound * probeShare * probeDecay ** (n - 2))
    next = Math.min(next, last + Math.max(1, gap * (0.5 + random())))
  }
  if (next > horizon * bound + 2) return undefined
  return next * slotMs
}
