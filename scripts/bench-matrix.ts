// The matrix figures of `npm run bench` (issue 20): jobs sharing one parent key's create rate,
// against the emulator enforcing Vast's documented intervals scaled down alike for every route,
// the 429s in the documented plain-text form naming the scaled interval. Each job is the built
// main step (dist/main.js) with job-index and job-total, as the runner's strategy context gives.
//
//   together   N = 1, 3, 10, 50, 200 started at once (the emulator holds every first create until
//              all N have arrived, then lets them race): makespan / (N x interval), 429s per job
//   spread     the same N with starts at random over N x interval (each first create is held
//              until its own start): the last key against the best one queue could do for those
//              starts (each job served one interval after the later of its start and the
//              previous service)
//   two        two matrices of 10 on one key at once, each knowing only its own size
//   restarts   50 started at once against a Vast whose clock restarts on a refused call too
//              (vast-api.md does not say which Vast does): every job still gets its key
//
// The broker's 50-job matrix is in bench-broker-matrix.ts.

import { spawn } from 'node:child_process'
import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import { VastEmulator } from '../emulator/vast.ts'

export interface Figure {
  name: string
  value: string
  target: string
  met: boolean | null
}

export interface MatrixContext {
  /** dist/main.js */
  mainJs: string
  /** A step's environment for these inputs (fresh runner files). */
  stepEnv(inputs: Record<string, string>): Record<string, string>
  /** The inputs of a create step, without the emulator's URL and key. */
  inputs: Record<string, string>
  report(figure: Figure): void
  /** The scaled create interval of the largest matrix (ms); smaller ones get more. */
  intervalMs: number
  /** Seeds the random starts. */
  seed: number
}

/** The p-th percentile (0..100), nearest rank. */
export const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return (
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0
  )
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/**
 * The best one queue could do: each job served one interval after the later of its start and
 * the previous service; the last service (ms after the first start's origin).
 */
export function singleQueueBest(startsMs: number[], intervalMs: number): number {
  let served = -Infinity
  for (const start of [...startsMs].sort((a, b) => a - b)) {
    served = Math.max(start, served) + intervalMs
  }
  return served
}

/** A small seeded generator (mulberry32): the same starts on every run. */
export function seeded(seed: number): () => number {
  let state = seed | 0
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface JobResult {
  code: number | null
  /** 429s this job was answered, from its own debug log. */
  refused: number
  /** When it ended, ms after the origin. */
  endedMs: number
}

/** The interval a matrix of n runs at: so that every run takes about as long. */
export function intervalFor(n: number, base: number): number {
  return (n <= 10 ? 4 : n <= 50 ? 2 : 1) * base
}

/**
 * Runs one matrix: `jobs` main steps against a fresh emulator at `intervalMs`. With `startsMs`,
 * job k's first create is held until startsMs[k] after the origin; without, all are held until
 * every job has sent its first, and released together (the origin).
 */
async function runMatrix(
  ctx: MatrixContext,
  jobs: { index: number; total: number }[],
  intervalMs: number,
  startsMs?: number[],
  refused: 'ignored' | 'restarts' = 'ignored',
): Promise<{ results: JobResult[]; refusedAtVast: number }> {
  const emulator = await VastEmulator.start({
    rateLimits: { scale: intervalMs / 2000, form: 'text', refused },
  })
  try {
    // Starting 200 processes on 2 cores takes a while, and the first creates are held meanwhile:
    // a request-timeout that outlasts it (a timed-out create would be looked up by name).
    const inputs = {
      ...ctx.inputs,
      'admin-api-key': emulator.parentKey,
      'api-url': emulator.url,
      'request-timeout': '5m',
    }
    // One hold per job, taken in the order the first creates arrive: released together, or each
    // at its own start.
    const holds = startsMs
      ? jobs.map(() => emulator.inject('create', { type: 'hold', apply: false }, 1))
      : [emulator.inject('create', { type: 'hold', apply: false }, jobs.length)]
    let origin = 0
    let early = ''
    const pending = jobs.map(
      (job) =>
        new Promise<JobResult>((resolve, reject) => {
          const env = {
            ...ctx.stepEnv({
              ...inputs,
              'job-index': String(job.index),
              'job-total': String(job.total),
            }),
            // With RUNNER_DEBUG each job logs every answer ("POST /api/v0/auth/apikeys/ -> 429 in
            // 3 ms"): its own count of creates refused.
            RUNNER_DEBUG: '1',
          }
          const child = spawn(process.execPath, [ctx.mainJs], {
            env,
            stdio: ['ignore', 'pipe', 'ignore'],
          })
          let stdout = ''
          child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
          child.on('error', reject)
          child.on('close', (code) => {
            if (origin === 0) early ||= `exit ${code}:\n${stdout.slice(-2000)}`
            resolve({
              code,
              refused: (stdout.match(/POST \/api\/v0\/auth\/apikeys\/ -> 429 in /g) ?? []).length,
              endedMs: performance.now() - origin,
            })
          })
        }),
    )
    while (emulator.requestsFor('create').length < jobs.length) {
      if (early) throw new Error(`a job ended before the matrix started: ${early}`)
      await delay(20)
    }
    origin = performance.now()
    if (startsMs) {
      holds.forEach((hold, k) => setTimeout(() => hold.release(), startsMs[k] ?? 0))
    } else {
      holds[0]?.release()
    }
    const results = await Promise.all(pending)
    const refusedAtVast = emulator.requestsFor('create').filter((r) => r.status === 429).length
    const counted = results.reduce((sum, r) => sum + r.refused, 0)
    if (counted !== refusedAtVast) {
      throw new Error(`jobs logged ${counted} 429s, the emulator sent ${refusedAtVast}`)
    }
    return { results, refusedAtVast }
  } finally {
    await emulator.close()
  }
}

const matrixOf = (n: number) => Array.from({ length: n }, (_, index) => ({ index, total: n }))

/** Every matrix figure of issue 20, each with its target. */
export async function matrixFigures(
  ctx: MatrixContext,
  sizes: number[],
  parts: readonly string[] = ['together', 'spread', 'two', 'restarts'],
): Promise<void> {
  const random = seeded(ctx.seed)
  for (const n of parts.includes('together') ? sizes : []) {
    const interval = intervalFor(n, ctx.intervalMs)
    const bound = n * interval
    const { results, refusedAtVast } = await runMatrix(ctx, matrixOf(n), interval)
    const ok = results.filter((r) => r.code === 0).length
    const last = Math.max(...results.map((r) => r.endedMs))
    const perJob = results.map((r) => r.refused)
    const medianTarget = n >= 200 ? 5 : 3
    ctx.report({
      name: `together N=${n}: jobs that got a key`,
      value: `${ok}/${n}`,
      target: `${n}/${n}`,
      met: ok === n,
    })
    ctx.report({
      name: `together N=${n}: makespan / (N x interval)`,
      value: `${(last / bound).toFixed(2)} (${(last / 1000).toFixed(1)} s at ${interval} ms)`,
      target: '<= 1.3',
      met: last <= 1.3 * bound,
    })
    ctx.report({
      name: `together N=${n}: 429s per job, median`,
      value: `${median(perJob)} (p95 ${percentile(perJob, 95)}, max ${Math.max(...perJob)}; ${refusedAtVast} in all)`,
      target: `<= ${medianTarget}`,
      met: median(perJob) <= medianTarget,
    })
  }
  for (const n of parts.includes('spread') ? sizes : []) {
    const interval = intervalFor(n, ctx.intervalMs)
    const starts = Array.from({ length: n }, () => random() * n * interval)
    const best = singleQueueBest(starts, interval)
    const { results } = await runMatrix(ctx, matrixOf(n), interval, starts)
    const ok = results.filter((r) => r.code === 0).length
    const last = Math.max(...results.map((r) => r.endedMs))
    const perJob = results.map((r) => r.refused)
    ctx.report({
      name: `spread N=${n}: last key / one queue's best`,
      value: `${(last / best).toFixed(2)} (${(last / 1000).toFixed(1)} s vs ${(best / 1000).toFixed(1)} s; ${ok}/${n} keys; 429s median ${median(perJob)}, max ${Math.max(...perJob)})`,
      target: '<= 1.3',
      met: ok === n && last <= 1.3 * best,
    })
  }
  if (parts.includes('restarts')) {
    const n = 50
    const interval = intervalFor(n, ctx.intervalMs)
    const { results, refusedAtVast } = await runMatrix(
      ctx,
      matrixOf(n),
      interval,
      undefined,
      'restarts',
    )
    const ok = results.filter((r) => r.code === 0).length
    const last = Math.max(...results.map((r) => r.endedMs))
    const perJob = results.map((r) => r.refused)
    ctx.report({
      name: `refused calls restart Vast's clock, N=${n} together: keys`,
      value: `${ok}/${n} (${(last / (n * interval)).toFixed(2)} x N x interval; 429s median ${median(perJob)}, ${refusedAtVast} in all)`,
      target: `${n}/${n}`,
      met: ok === n,
    })
  }
  if (parts.includes('two')) {
    const interval = intervalFor(10, ctx.intervalMs)
    const jobs = [...matrixOf(10), ...matrixOf(10)]
    const { results } = await runMatrix(ctx, jobs, interval)
    const bound = 20 * interval
    const lastOf = (from: number) =>
      Math.max(...results.slice(from, from + 10).map((r) => r.endedMs))
    const [first, second] = [lastOf(0), lastOf(10)]
    const ok = results.filter((r) => r.code === 0).length
    ctx.report({
      name: 'two matrices of 10 on one key: last key / (20 x interval)',
      value: `${(first / bound).toFixed(2)} and ${(second / bound).toFixed(2)} (${ok}/20 keys, ${interval} ms)`,
      target: '<= 1.5 each',
      met: ok === 20 && Math.max(first, second) <= 1.5 * bound,
    })
  }
}
