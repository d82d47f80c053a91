// The matrix schedule in virtual time, in seconds instead of the bench's minutes: N jobs of one
// matrix asking one parent key's create route, each retrying after a 429 exactly as the client
// does (schedule.ts while the schedule has something to say, then retry.ts's plain backoff with
// the matrix's floor; never sooner than an interval after a 429). Vast is one limiter: a minimum
// interval between calls let through, and, with --restarts, between any two calls (Vast does not
// say whether a refused call restarts its clock). Jobs' asks arrive up to --jitter of an interval
// late, as processes on a busy machine do. No network, no processes: a search tool for schedules,
// whose figures `npm run bench` then confirms against the emulator and dist/ (docs/rate-limits.md).
//
//   node scripts/schedule-sim.ts                  the real schedule, both limiters
//   node scripts/schedule-sim.ts --frontier       also every job asking every g intervals, for
//                                                 g = 1, 2, 3, 5, 10, 20: what the spread target
//                                                 costs in 429s when a job cannot tell N from a 429
//   node scripts/schedule-sim.ts --eager          also a share f of each matrix's jobs (spread
//                                                 through the indices) asking every g intervals
//                                                 while the rest keep the schedule: the median
//                                                 of 429s bounds only half the jobs, so can the
//                                                 other half buy the spread target? (no: they
//                                                 take the booked slots of the rest)
//   node scripts/schedule-sim.ts --trials 20      more random starts per figure

import { parseArgs } from 'node:util'
import { rateLimitDelay } from '../src/core/vast/retry.ts'
import {
  contentionBound,
  matrixFloorIntervals,
  matrixNextAsk,
  type MatrixPlace,
} from '../src/core/vast/schedule.ts'
import { median, seeded, singleQueueBest } from './bench-matrix.ts'

/** The wait after a job's `refusals`-th 429 (ms), given when it was first refused. */
type Retry = (
  place: MatrixPlace,
  state: { refusals: number; plain: number; firstAt: number; now: number },
  intervalMs: number,
  random: () => number,
) => number

/** The client's own choice (client.ts, #rateLimitWait), on the real schedule.ts and retry.ts. */
const realRetry: Retry = (place, state, intervalMs, random) => {
  if (contentionBound(place) > 1 && state.plain === 0) {
    const at = matrixNextAsk(place, state.refusals, state.now - state.firstAt, intervalMs, random)
    if (at !== undefined) return state.firstAt + at - state.now
  }
  state.plain += 1
  const floor = contentionBound(place) > 1 ? matrixFloorIntervals(place) : 0
  return rateLimitDelay(state.plain, intervalMs, undefined, random, floor)
}

/**
 * A share `share` of the jobs (spread evenly through the indices) asks again every `gap` intervals
 * (jittered x0.5 to x1.5); the others follow the schedule as a matrix of their own.
 */
const eagerRetry =
  (share: number, gap: number): Retry =>
  (place, state, intervalMs, random) => {
    const eager = Math.floor(place.total * share)
    const before = (i: number) => Math.floor((i * eager) / place.total)
    if (before(place.index + 1) > before(place.index)) return intervalMs * gap * (0.5 + random())
    const rest = { index: place.index - before(place.index), total: place.total - eager }
    return realRetry(rest, state, intervalMs, random)
  }

/** Every job asks again every `gap` intervals (jittered x0.5 to x1.5), whatever it knows. */
const uniformRetry =
  (gap: number): Retry =>
  (_place, _state, intervalMs, random) =>
    intervalMs * gap * (0.5 + random())

interface Run {
  /** The last key, ms after the origin. */
  last: number
  /** 429s per job. */
  refused: number[]
}

/** One matrix: jobs starting at `starts` (ms), asking until each has its key. */
function simulate(
  retry: Retry,
  starts: number[],
  intervalMs: number,
  options: { restarts: boolean; jitter: number; seed: number; places?: MatrixPlace[] },
): Run {
  const random = seeded(options.seed)
  const late = () => random() * options.jitter * intervalMs
  const asks = starts.map((at, job) => ({ at: at + late(), job }))
  const states = starts.map(() => ({ refusals: 0, plain: 0, firstAt: 0, now: 0 }))
  let lastAccepted = -Infinity
  let last = 0
  for (let steps = 0; asks.length > 0; steps++) {
    // a job whose budget would have run out in the client: more asks than any budget allows
    if (steps > 200 * starts.length * starts.length) throw new Error('no progress')
    let first = 0
    for (let k = 1; k < asks.length; k++) if (asks[k]!.at < asks[first]!.at) first = k
    const [{ at, job }] = asks.splice(first, 1) as [{ at: number; job: number }]
    const ok = at - lastAccepted >= intervalMs
    if (ok || options.restarts) lastAccepted = at
    if (ok) {
      last = Math.max(last, at)
      continue
    }
    const state = states[job]!
    state.refusals += 1
    state.now = at
    if (state.refusals === 1) state.firstAt = at
    const place = options.places?.[job] ?? { index: job, total: starts.length }
    // the client's pace: never sooner than an interval after a 429
    const wait = Math.max(intervalMs, retry(place, state, intervalMs, random))
    asks.push({ at: at + wait + late(), job })
  }
  return { last, refused: states.map((s) => s.refusals) }
}

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '8' },
    jitter: { type: 'string', default: '0.05' },
    frontier: { type: 'boolean', default: false },
    eager: { type: 'boolean', default: false },
  },
})
const trials = Number(args.trials)
const jitter = Number(args.jitter)
const interval = 1000

/** Together and spread figures for one retry rule, as the bench computes them. */
function figures(label: string, retry: Retry, restarts: boolean): void {
  console.log(`${label}${restarts ? ', a refused call restarts the clock' : ''}`)
  for (const n of [3, 10, 50, 200]) {
    let together = 0
    let medians = 0
    let spread = 0
    let worst = 0
    let failed = 0
    for (let t = 0; t < trials; t++) {
      try {
        const run = simulate(retry, new Array<number>(n).fill(0), interval, {
          restarts,
          jitter,
          seed: 100 + t,
        })
        together += (run.last + interval) / (n * interval) / trials
        medians += median(run.refused) / trials
        const random = seeded(7 + 31 * t)
        const starts = Array.from({ length: n }, () => random() * n * interval)
        const best = singleQueueBest(starts, interval)
        const spreadRun = simulate(retry, starts, interval, { restarts, jitter, seed: 300 + t })
        const ratio = (spreadRun.last + interval) / best
        spread += ratio / trials
        worst = Math.max(worst, ratio)
      } catch {
        failed += 1
      }
    }
    console.log(
      failed
        ? `  N=${String(n).padEnd(3)} ${failed} of ${trials} runs made no progress`
        : `  N=${String(n).padEnd(3)} together ${together.toFixed(2)} x (N x interval), 429s median ${medians.toFixed(1)}; spread ${spread.toFixed(2)} x one queue's best (worst ${worst.toFixed(2)})`,
    )
  }
}

figures('the schedule (schedule.ts, retry.ts)', realRetry, false)
figures('the schedule (schedule.ts, retry.ts)', realRetry, true)
if (args.frontier) {
  for (const gap of [1, 2, 3, 5, 10, 20]) {
    figures(`every job asks every ${gap} intervals`, uniformRetry(gap), false)
  }
}
if (args.eager) {
  for (const share of [0.3, 0.45]) {
    for (const gap of [1.2, 3]) {
      figures(
        `${share * 100}% of the jobs ask every ${gap} intervals`,
        eagerRetry(share, gap),
        false,
      )
    }
  }
}
