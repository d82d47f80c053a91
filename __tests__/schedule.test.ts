import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { Secret } from '../src/core/secret.ts'
import { VastClient, type CallOptions } from '../src/core/vast/client.ts'
import {
  contentionBound,
  MATRIX_SCHEDULE,
  matrixNextAsk,
  type MatrixPlace,
} from '../src/core/vast/schedule.ts'
import type { FetchLike } from '../src/core/vast/transport.ts'

// The matrix schedule (issue 20) as a function, and the real client under it in virtual time:
// every clock and random number is the test's, so nothing here depends on how fast the machine
// is. How fast the schedule serves a matrix is measured by `npm run bench`, not here.

/** A job's place in a matrix, any size up to 300, any max-parallel or none. */
const place = fc
  .record({
    total: fc.integer({ min: 1, max: 300 }),
    index: fc.nat(),
    maxParallel: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
  })
  .map(({ total, index, maxParallel }): MatrixPlace => ({
    total,
    index: index % total,
    ...(maxParallel === undefined ? {} : { maxParallel }),
  }))
const interval = fc.integer({ min: 1, max: 5000 })
const randoms = fc.infiniteStream(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }))
const fromStream = (stream: Iterable<number>) => {
  const it = stream[Symbol.iterator]()
  return () => it.next().value as number
}

describe('matrixNextAsk', () => {
  it('bounds contention by job-total and max-parallel', () => {
    fc.assert(
      fc.property(place, (p) => {
        expect(contentionBound(p)).toBe(Math.min(p.total, p.maxParallel ?? p.total))
      }),
    )
  })

  it('has nothing to say for a job on its own: the plain backoff serves it', () => {
    fc.assert(
      fc.property(interval, fc.integer({ min: 1, max: 50 }), fc.nat(100_000), (ms, n, last) => {
        expect(matrixNextAsk({ index: 0, total: 1 }, n, last, ms, Math.random)).toBeUndefined()
        expect(
          matrixNextAsk({ index: 3, total: 50, maxParallel: 1 }, n, last, ms, Math.random),
        ).toBeUndefined()
      }),
    )
  })

  it('never asks sooner than one slot (more than the interval) after the last ask, nor past the horizon', () => {
    fc.assert(
      fc.property(
        place,
        fc.integer({ min: 1, max: 40 }),
        fc.nat(2_000_000),
        interval,
        randoms,
        (p, refusals, last, ms, stream) => {
          const at = matrixNextAsk(p, refusals, last, ms, fromStream(stream))
          if (at === undefined) return
          const slot = ms * MATRIX_SCHEDULE.slack
          expect(at).toBeGreaterThanOrEqual(last + slot - 1e-6)
          expect(at).toBeLessThanOrEqual(
            (MATRIX_SCHEDULE.horizon * contentionBound(p) + 2) * slot + 1e-6,
          )
        },
      ),
    )
  })

  it("asks first in its class's booked slot: the same for the same class, whatever the random source", () => {
    fc.assert(
      fc.property(place, interval, randoms, (p, ms, stream) => {
        const bound = contentionBound(p)
        fc.pre(bound > 1)
        const width = Math.ceil(bound / MATRIX_SCHEDULE.classSize)
        const at = matrixNextAsk(p, 1, 0, ms, fromStream(stream))
        expect(at).toBeCloseTo(((p.index % width) + 1) * ms * MATRIX_SCHEDULE.slack, 6)
      }),
    )
  })

  it('gives every class of a matrix its own first slot, so a matrix started at once shares slots by class only', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), interval, (total, ms) => {
        const width = Math.ceil(total / MATRIX_SCHEDULE.classSize)
        const firsts = new Map<number, number>()
        for (let index = 0; index < total; index++) {
          const at = matrixNextAsk({ index, total }, 1, 0, ms, () => 0.5) ?? NaN
          firsts.set(at, (firsts.get(at) ?? 0) + 1)
        }
        expect(firsts.size).toBe(width)
        expect(Math.max(...firsts.values())).toBeLessThanOrEqual(MATRIX_SCHEDULE.classSize)
      }),
    )
  })

  it('is a function of its arguments', () => {
    fc.assert(
      fc.property(
        place,
        fc.integer({ min: 1, max: 40 }),
        fc.nat(2_000_000),
        interval,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (p, n, last, ms, r) => {
          expect(matrixNextAsk(p, n, last, ms, () => r)).toBe(
            matrixNextAsk(p, n, last, ms, () => r),
          )
        },
      ),
    )
  })
})

/**
 * Virtual time for many clients at once: each sleep is a timer on one clock; the loop wakes the
 * earliest, lets everything that follows run, and goes on until no timer is left.
 */
function virtualTime(start = 1_000_000) {
  let clock = start
  const timers: { at: number; seq: number; wake: () => void }[] = []
  let seq = 0
  return {
    now: () => clock,
    sleep: (ms: number) =>
      new Promise<void>((resolve) => {
        timers.push({ at: clock + Math.max(0, ms), seq: seq++, wake: resolve })
      }),
    async run(): Promise<void> {
      for (;;) {
        // let every job run until it sleeps (or ends)
        await new Promise((resolve) => setImmediate(resolve))
        if (timers.length === 0) return
        timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
        const next = timers.shift()
        if (!next) return
        clock = next.at
        next.wake()
      }
    },
  }
}

const create: CallOptions = {
  operation: 'Create API key',
  method: 'POST',
  path: '/auth/apikeys/',
  body: { name: 'n' },
  idempotent: false,
}

/**
 * One parent key at Vast: one create per interval, timed from the last call let through (a refused
 * call does not restart it; with `refusedRestarts`, every call restarts it: Vast does not say
 * which), answered with the documented plain-text 429.
 */
function vastLimiter(time: { now(): number }, intervalMs: number, refusedRestarts = false) {
  let lastAccepted = -Infinity
  const asks: { job: number; at: number; ok: boolean }[] = []
  const fetchFor =
    (job: number): FetchLike =>
    () => {
      const at = time.now()
      const ok = at - lastAccepted >= intervalMs
      if (ok || refusedRestarts) lastAccepted = at
      asks.push({ job, at, ok })
      return Promise.resolve(
        ok
          ? new Response(JSON.stringify({ success: true, id: job + 1, key: 'x'.repeat(64) }))
          : new Response(`API requests too frequent endpoint threshold=${intervalMs / 1000}`, {
              status: 429,
            }),
      )
    }
  return { asks, fetchFor }
}

describe('the client on the matrix schedule, in virtual time', () => {
  it('gets every job of one or two matrices its key, never asking within an interval of its last 429', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 2 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.array(fc.nat(40_000), { minLength: 48, maxLength: 48 }),
        fc.integer(),
        async (matrices, intervalMs, starts, seed) => {
          const time = virtualTime()
          const vast = vastLimiter(time, intervalMs)
          let state = seed
          const random = () => {
            state = (Math.imul(state, 1103515245) + 12345) | 0
            return ((state >>> 0) % 1_000_000) / 1_000_000
          }
          const jobs = matrices.flatMap((total, m) =>
            Array.from({ length: total }, (_, index) => ({ index, total, matrix: m })),
          )
          const results = jobs.map(async (job, n) => {
            await time.sleep(starts[n] ?? 0)
            const client = new VastClient({
              baseUrl: 'https://vast.test',
              apiKey: new Secret('k'.repeat(64)),
              requestTimeoutMs: 5000,
              retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 },
              fetch: vast.fetchFor(n),
              matrix: { index: job.index, total: job.total },
              now: time.now,
              random,
              sleep: time.sleep,
            })
            return client.call(create)
          })
          await time.run()
          const answers = await Promise.all(results)
          expect(answers.map((a) => a.status)).toEqual(jobs.map(() => 200))
          // each job asked until it got its key, and never again within an interval of a 429
          for (let n = 0; n < jobs.length; n++) {
            const mine = vast.asks.filter((a) => a.job === n)
            expect(mine.filter((a) => a.ok)).toHaveLength(1)
            expect(mine.at(-1)?.ok).toBe(true)
            for (let k = 1; k < mine.length; k++) {
              expect((mine[k]?.at ?? 0) - (mine[k - 1]?.at ?? 0)).toBeGreaterThanOrEqual(intervalMs)
            }
          }
        },
      ),
      { numRuns: 40 },
    )
  })

  it("gets every job of a large matrix its key within the budget when a refused call restarts Vast's clock", async () => {
    // Vast does not say whether a refused call restarts the interval. If it does, every ask
    // within an interval of another keeps the route shut: past the schedule's horizon, a matrix's
    // jobs must not all ask every 2 intervals (the plain backoff's floor), or none gets through.
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 140 }),
        fc.integer({ min: 100, max: 3000 }),
        fc.integer(),
        async (total, intervalMs, seed) => {
          const time = virtualTime()
          const vast = vastLimiter(time, intervalMs, true)
          let state = seed
          const random = () => {
            state = (Math.imul(state, 1103515245) + 12345) | 0
            return ((state >>> 0) % 1_000_000) / 1_000_000
          }
          const deadline = time.now() + 40 * total * intervalMs
          const results = Array.from({ length: total }, (_, index) =>
            new VastClient({
              baseUrl: 'https://vast.test',
              apiKey: new Secret('k'.repeat(64)),
              requestTimeoutMs: 5000,
              retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 },
              fetch: vast.fetchFor(index),
              matrix: { index, total },
              now: time.now,
              random,
              sleep: time.sleep,
              deadline,
            })
              .call(create)
              .then(
                (answer) => answer.status,
                (error: Error) => error.message,
              ),
          )
          await time.run()
          expect(await Promise.all(results)).toEqual(results.map(() => 200))
        },
      ),
      { numRuns: 5 },
    )
  })

  it('waits exactly as the schedule says after a 429, and at least until a Retry-After', async () => {
    await fc.assert(
      fc.asyncProperty(place, fc.integer({ min: 0, max: 20 }), async (p, retryAfterS) => {
        fc.pre(contentionBound(p) > 1)
        const sleeps: number[] = []
        const clock = 5_000_000
        const client = new VastClient({
          baseUrl: 'https://vast.test',
          apiKey: new Secret('k'.repeat(64)),
          requestTimeoutMs: 5000,
          retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 },
          fetch: (() => {
            let first = true
            return () => {
              const answer = first
                ? new Response('API requests too frequent endpoint threshold=2.0', {
                    status: 429,
                    headers: retryAfterS ? { 'retry-after': String(retryAfterS) } : {},
                  })
                : new Response(JSON.stringify({ id: 1, key: 'x'.repeat(64) }))
              first = false
              return Promise.resolve(answer)
            }
          })(),
          matrix: p,
          now: () => clock + sleeps.reduce((a, b) => a + b, 0),
          random: () => 0,
          sleep: (ms) => {
            sleeps.push(ms)
            return Promise.resolve()
          },
        })
        await client.call(create)
        const scheduled = matrixNextAsk(p, 1, 0, 2000, () => 0) ?? NaN
        expect(sleeps[0]).toBe(Math.max(scheduled, retryAfterS * 1000))
      }),
      { numRuns: 60 },
    )
  })
})

describe('a paced route, in virtual time', () => {
  it('sends no call sooner than an interval after the latest answer Vast let through, however late it came', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 100, max: 3000 }),
        fc.array(fc.nat(5000), { minLength: 2, maxLength: 12 }),
        async (intervalMs, latencies) => {
          const time = virtualTime()
          const pace = new Map()
          const events: { answer: boolean; at: number }[] = []
          let first = true
          const fetch: FetchLike = async () => {
            events.push({ answer: false, at: time.now() })
            // the first call meets a 429: the route is paced from then on
            if (first) {
              first = false
              return new Response(
                `API requests too frequent endpoint threshold=${intervalMs / 1000}`,
                {
                  status: 429,
                },
              )
            }
            await time.sleep(latencies[events.length % latencies.length] ?? 0)
            events.push({ answer: true, at: time.now() })
            return new Response(JSON.stringify({ id: 1, key: 'x'.repeat(64) }))
          }
          const calls = latencies.map(() =>
            new VastClient({
              baseUrl: 'https://vast.test',
              apiKey: new Secret('k'.repeat(64)),
              requestTimeoutMs: 60_000,
              retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 },
              fetch,
              pace,
              now: time.now,
              random: () => 0.5,
              sleep: time.sleep,
            }).call(create),
          )
          await time.run()
          await Promise.all(calls)
          // every call sent after an answer came is sent at least an interval after it
          let latest = -Infinity
          for (const event of events) {
            if (event.answer) latest = Math.max(latest, event.at)
            else expect(event.at - latest).toBeGreaterThanOrEqual(intervalMs)
          }
        },
      ),
      { numRuns: 40 },
    )
  })
})
