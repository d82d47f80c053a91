import { setTimeout as delay } from 'node:timers/promises'
import fc from 'fast-check'
import { GitHubEmulator } from '../../emulator/github.ts'
import type { Fault, FaultHandle, RouteName } from '../../emulator/vast.ts'
import { parseKeyName } from '../../src/core/key-name.ts'
import { scenario } from './action.ts'

/**
 * The randomised lifecycle: a generated schedule of server delays (requests applied after the
 * action gave up on them), timeouts, lost answers, 5xx and 429 bursts and SIGINT times, run
 * through dist/ main, then post, then a run-aware sweep of the completed run, as the runner and a
 * 15-minute sweep schedule would. The invariant: afterwards no key made by the job is live, and
 * no secret shows anywhere in the job's logs, state or summary. Shared by `npm test`
 * (__tests__/lifecycle.test.ts, a small fixed-seed sample) and `npm run test:faults` (more).
 */

/** The harness's defaults for the job that makes the keys (harness/runner.ts). */
const REPO = 'octo-org/gpu-trainer'
const RUN_ID = '1234567890'
const TOKEN = 'ghs_lifecycle_test_token_01'

export type ScheduledFault =
  | { type: 'late'; ms: number } // answered and applied after `ms`: a timeout when ms > request-timeout
  | { type: 'lost' } // applied, answer lost
  | { type: 'reset' } // connection reset before anything
  | { type: '5xx'; status: 500 | 502 | 503 | 504; times: number }
  | { type: '429'; times: number }

export type Signal = { at: 'none' } | { at: 'ms'; ms: number } | { at: 'first-request' }

export interface Schedule {
  requestTimeoutMs: number
  create: ScheduledFault[]
  list: ScheduledFault[]
  delete: ScheduledFault[]
  mainSigint: Signal
  postSigint: Signal
}

const fault = (maxLateMs: number): fc.Arbitrary<ScheduledFault> =>
  fc.oneof(
    fc.record({ type: fc.constant('late' as const), ms: fc.integer({ min: 0, max: maxLateMs }) }),
    fc.constant({ type: 'lost' as const }),
    fc.constant({ type: 'reset' as const }),
    fc.record({
      type: fc.constant('5xx' as const),
      status: fc.constantFrom(500 as const, 502 as const, 503 as const, 504 as const),
      times: fc.integer({ min: 1, max: 3 }),
    }),
    fc.record({ type: fc.constant('429' as const), times: fc.integer({ min: 1, max: 3 }) }),
  )

const signal: fc.Arbitrary<Signal> = fc.oneof(
  fc.constant({ at: 'none' as const }),
  fc.record({ at: fc.constant('ms' as const), ms: fc.integer({ min: 0, max: 2500 }) }),
  fc.constant({ at: 'first-request' as const }),
)

export const scheduleArb: fc.Arbitrary<Schedule> = fc.record({
  requestTimeoutMs: fc.integer({ min: 300, max: 1500 }),
  create: fc.array(fault(3000), { maxLength: 3 }),
  list: fc.array(fault(1500), { maxLength: 2 }),
  delete: fc.array(fault(1500), { maxLength: 3 }),
  mainSigint: signal,
  postSigint: signal,
})

function toFaults(scheduled: ScheduledFault): [Fault, number] {
  switch (scheduled.type) {
    case 'late':
      return [{ type: 'delay', ms: scheduled.ms }, 1]
    case 'lost':
      return [{ type: 'lost' }, 1]
    case 'reset':
      return [{ type: 'reset' }, 1]
    case '5xx':
      return [{ type: 'status', status: scheduled.status }, scheduled.times]
    case '429':
      return [{ type: '429', form: 'retry-after', retryAfterSeconds: 0 }, scheduled.times]
  }
}

export function describeSchedule(schedule: Schedule): string {
  const faults = (list: ScheduledFault[]) =>
    list
      .map((f) =>
        f.type === 'late'
          ? `late ${f.ms}ms`
          : '5xx' === f.type
            ? `${f.status}×${f.times}`
            : f.type === '429'
              ? `429×${f.times}`
              : f.type,
      )
      .join(',') || '-'
  const sig = (s: Signal) => (s.at === 'none' ? '-' : s.at === 'ms' ? `${s.ms}ms` : 'in flight')
  return `timeout ${schedule.requestTimeoutMs}ms; create [${faults(schedule.create)}] list [${faults(schedule.list)}] delete [${faults(schedule.delete)}]; SIGINT main ${sig(schedule.mainSigint)}, post ${sig(schedule.postSigint)}`
}

export interface LifecycleResult {
  schedule: Schedule
  /** Keys of the job live after post (the run-aware sweep is the second line of defence). */
  orphansAfterPost: number
  /** Keys of the job live after the sweep: must be 0. */
  orphans: number
  leaks: string[]
  problems: string[]
  postMs: number
}

/** Runs one schedule: main, post, wait for every late apply, run-aware sweep; checks the invariant. */
export async function runSchedule(schedule: Schedule): Promise<LifecycleResult> {
  const s = await scenario()
  const github = await GitHubEmulator.start()
  github.addRepository(REPO)
  github.addToken(TOKEN, { secretsWrite: false })
  github.setRun(REPO, RUN_ID, [{ status: 'in_progress' }])
  const problems: string[] = []
  try {
    const inject = (route: RouteName, list: ScheduledFault[]): FaultHandle[] =>
      list.map((f) => s.emulator.inject(route, ...toFaults(f)))
    const latest = Math.max(0, ...schedule.create.map((f) => (f.type === 'late' ? f.ms : 0)))
    const createHandles = inject('create', schedule.create)
    inject('list', schedule.list)
    const inputs = s.inputs({
      'request-timeout': `${schedule.requestTimeoutMs}ms`,
      'create-budget': '30s',
      'max-attempts': '5',
    })
    const cancel = (sig: Signal, first: Promise<unknown> | undefined) =>
      sig.at === 'ms'
        ? { cancelAfter: { ms: sig.ms } }
        : sig.at === 'first-request' && first
          ? { cancelAfter: { when: first } }
          : {}
    await s.job.runMain({
      inputs,
      timeoutMs: 60_000,
      ...cancel(schedule.mainSigint, createHandles[0]?.arrived),
    })
    // The job's own steps would run here; the delete faults are for post (and the sweep).
    const deleteHandles = inject('delete', schedule.delete)
    const post = await s.job.runPost({
      inputs,
      timeoutMs: 60_000,
      ...cancel(schedule.postSigint, deleteHandles[0]?.arrived),
    })
    const mine = () =>
      s.emulator.liveKeys().filter((key) => {
        const fields = parseKeyName(key.name)
        return fields?.runId === RUN_ID && key.id !== s.emulator.parentKeyId
      })
    const orphansAfterPost = mine().length
    // Every request reached the server before post ended; let the late ones land.
    await delay(latest + 100)
    github.setRun(REPO, RUN_ID, [{ status: 'completed', conclusion: 'cancelled' }])
    const sweep = await s.job.runMain({
      inputs: {
        'admin-api-key': s.emulator.parentKey,
        'api-url': s.emulator.url,
        mode: 'sweep',
        'github-token': TOKEN,
        'github-api-url': github.url,
        'sweep-budget': '60s',
        'request-timeout': '2s',
      },
      timeoutMs: 90_000,
    })
    if (sweep.conclusion !== 'success') problems.push(`the sweep ended ${sweep.conclusion}`)
    const orphans = mine().length
    if (orphans > 0) problems.push(`${orphans} key(s) of the job left live`)
    const leaks = s.leaks()
    if (leaks.length > 0) problems.push(`leaked: ${leaks.length} secret(s)`)
    return { schedule, orphansAfterPost, orphans, leaks, problems, postMs: post.durationMs }
  } finally {
    await s.close()
    await github.close()
  }
}
