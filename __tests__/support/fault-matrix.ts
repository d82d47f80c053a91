import type { Fault, RouteName } from '../../emulator/vast.ts'
import { formatKeyName } from '../../src/core/key-name.ts'
import { scenario, shown, type Scenario } from './action.ts'

/**
 * The fault matrix: every API operation the action performs × every way the API or the network
 * can misbehave, each cell run through dist/ as the runner runs it, against the emulator. Shared
 * by `npm test` (__tests__/faults.test.ts) and `npm run test:faults` (prints the table).
 */

export const OPERATIONS = ['create', 'list', 'delete', 'users/current'] as const
export type Operation = (typeof OPERATIONS)[number]

const ROUTE: Record<Operation, RouteName> = {
  create: 'create',
  list: 'list',
  delete: 'delete',
  'users/current': 'current',
}

const FAULT_DELAY_MS = 1500

export const FAULTS: Record<string, Fault> = {
  '429 text': { type: '429', form: 'text' },
  '429 json': { type: '429', form: 'json' },
  '429 Retry-After': { type: '429', form: 'retry-after', retryAfterSeconds: 1 },
  'HTTP 500': { type: 'status', status: 500, body: { msg: 'Internal error' } },
  'HTTP 502': { type: 'status', status: 502, body: '<html>Bad Gateway</html>' },
  'HTTP 503': { type: 'status', status: 503, body: { msg: 'Service unavailable' } },
  'HTTP 504': { type: 'status', status: 504, body: '<html>Gateway Timeout</html>' },
  timeout: { type: 'delay', ms: FAULT_DELAY_MS },
  reset: { type: 'reset' },
  lost: { type: 'lost' },
  'bad JSON': { type: 'malformed-json', apply: true },
  'non-JSON 200': { type: 'non-json', apply: true },
  'HTTP 401': { type: 'status', status: 401, body: { msg: 'Invalid user key' } },
  'HTTP 403': { type: 'status', status: 403, body: { msg: 'Insufficient permissions' } },
  'HTTP 404': { type: 'status', status: 404, body: { msg: 'API Key not found.' } },
}
export type FaultName = keyof typeof FAULTS

/** What a cell must end in. */
export type Expected =
  | 'recovers' // the step succeeds after retrying; everything ends as on the happy path
  | 'fails' // the step fails with a message naming the operation and status; nothing is left
  | 'warns' // post cannot delete: the step passes with a warning naming the key and what to do
  | 'trusts 404' // post is told the key is gone; it says so (the injected 404 is a lie)

export function expected(operation: Operation, fault: FaultName): Expected {
  if (!['HTTP 401', 'HTTP 403', 'HTTP 404'].includes(fault)) return 'recovers'
  if (operation !== 'delete') return 'fails'
  return fault === 'HTTP 404' ? 'trusts 404' : 'warns'
}

export interface CellResult {
  operation: Operation
  fault: FaultName
  expected: Expected
  problems: string[]
  durationMs: number
}

const BUDGET_MS = { main: 30_000, post: 60_000 }

const inputsFor = (s: Scenario, extra: Record<string, string>) =>
  s.inputs({ 'request-timeout': '400ms', 'create-budget': '30s', 'max-attempts': '5', ...extra })

function managedName(label: string, offsetMs: number): string {
  return formatKeyName({
    label,
    kind: 'job',
    expiresAt: new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000),
    repository: 'octo-org/gpu-trainer',
    runId: '7',
    runAttempt: '1',
    job: 'old',
    nonce: Math.random().toString(16).slice(2, 10),
  })
}

/** Runs one cell and returns what went wrong (nothing, when it passes). */
export async function runCell(operation: Operation, fault: FaultName): Promise<CellResult> {
  const want = expected(operation, fault)
  const problems: string[] = []
  const check = (ok: boolean, text: string) => {
    if (!ok) problems.push(text)
  }
  const started = Date.now()
  const s = await scenario()
  try {
    const inject = () => s.emulator.inject(ROUTE[operation], FAULTS[fault] as Fault)
    const parent = s.emulator.parentKeyId
    const liveOthers = () => s.emulator.liveKeys().filter((k) => k.id !== parent)

    if (operation === 'create' || operation === 'delete') {
      const inputs = inputsFor(s, {})
      if (operation === 'create') inject()
      const main = await s.job.runMain({ inputs })
      check(main.durationMs < BUDGET_MS.main, `main took ${Math.round(main.durationMs)} ms`)
      const key = main.outputs['api-key']
      if (want === 'fails') {
        check(main.conclusion === 'failure', `main ended ${main.conclusion}, expected failure`)
        check(
          new RegExp(`Create API key failed: ${fault}`).test(shown(main)),
          'no message naming the operation and status',
        )
        check(liveOthers().length === 0, 'a key was left behind')
      } else {
        check(main.conclusion === 'success', `main ended ${main.conclusion}: ${shown(main)}`)
        const named = liveOthers().filter((k) => k.name === main.outputs['key-name'])
        check(
          named.length === 1 && named[0]?.key === key,
          `${named.length} live keys at the end of main`,
        )
      }
      if (operation === 'delete') inject()
      // A timed-out create still lands at the server once its delay is over: post itself waits
      // for the window in which that can happen, and runs at once, as right after a short job.
      const post = await s.job.runPost({ inputs })
      check(post.durationMs < BUDGET_MS.post, `post took ${Math.round(post.durationMs)} ms`)
      if (want === 'warns') {
        check(post.conclusion === 'success', `post ended ${post.conclusion}`)
        check(
          post.annotations.some(
            (a) =>
              a.level === 'warning' &&
              /Could not delete the Vast.ai key \d+ .*lacks user_write.*admin-api-key.*key-id: \d+/.test(
                a.message,
              ) &&
              !/sweep/.test(a.message),
          ),
          'no warning naming the key, user_write and the next step',
        )
      } else if (want === 'trusts 404') {
        check(/was already gone/.test(shown(post)), 'post did not report the key as gone')
      } else {
        check(post.conclusion === 'success', `post ended ${post.conclusion}: ${shown(post)}`)
        check(liveOthers().length === 0, `${liveOthers().length} key(s) left after post`)
      }
    } else {
      // list: a sweep of two expired keys; users/current: a delete by id
      const expired = [managedName('a', -3_600_000), managedName('b', -7_200_000)].map(
        (name) => s.emulator.addKey({ name, permissions: { api: { misc: {} } } }).id,
      )
      const mode: Record<string, string> =
        operation === 'list' ? { mode: 'sweep' } : { mode: 'delete', 'key-id': String(expired[0]) }
      inject()
      const main = await s.job.runMain({ inputs: inputsFor(s, mode) })
      check(main.durationMs < BUDGET_MS.main, `main took ${Math.round(main.durationMs)} ms`)
      const remaining = liveOthers().length
      if (want === 'fails') {
        check(main.conclusion === 'failure', `main ended ${main.conclusion}, expected failure`)
        const op = operation === 'list' ? 'List API keys' : 'Read the current user'
        check(
          new RegExp(`${op} failed: ${fault}`).test(shown(main)),
          'no message naming the operation and status',
        )
        if (fault === 'HTTP 401' || fault === 'HTTP 403') {
          check(
            /lacks user_read.*admin-api-key/.test(shown(main)),
            'the refusal does not name user_read and admin-api-key',
          )
        }
        check(remaining === 2, 'keys were deleted although the step failed')
      } else {
        check(main.conclusion === 'success', `main ended ${main.conclusion}: ${shown(main)}`)
        check(remaining === (operation === 'list' ? 0 : 1), `${remaining} key(s) left`)
      }
    }
    const leaks = s.leaks()
    check(leaks.length === 0, `${leaks.length} secret(s) leaked`)
    check(
      s.emulator.requests.every((r) => r.authVia !== 'query'),
      'a key was sent in a URL',
    )
  } catch (error) {
    problems.push(`crashed: ${(error as Error).message}`)
  } finally {
    await s.close()
  }
  return { operation, fault, expected: want, problems, durationMs: Date.now() - started }
}

export function allCells(): { operation: Operation; fault: FaultName }[] {
  return OPERATIONS.flatMap((operation) =>
    Object.keys(FAULTS).map((fault) => ({ operation, fault })),
  )
}

/** Runs every cell, a few at a time. */
export async function runMatrix(
  concurrency = 4,
  onCell?: (result: CellResult) => void,
): Promise<CellResult[]> {
  const queue = allCells()
  const results: CellResult[] = []
  const worker = async () => {
    for (let cell = queue.shift(); cell; cell = queue.shift()) {
      const result = await runCell(cell.operation, cell.fault)
      results.push(result)
      onCell?.(result)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return results
}

/** The matrix as a table: rows operations, columns faults, cells pass or FAIL. */
export function formatMatrix(results: CellResult[]): string {
  const faults = Object.keys(FAULTS)
  const width = Math.max(...faults.map((f) => f.length), 4)
  const cell = (text: string) => text.padEnd(width)
  const lines = [
    `${'operation'.padEnd(14)}| ${faults.map(cell).join(' | ')}`,
    `${'-'.repeat(14)}|${faults.map(() => '-'.repeat(width + 2)).join('|')}`,
  ]
  for (const operation of OPERATIONS) {
    const row = faults.map((fault) => {
      const result = results.find((r) => r.operation === operation && r.fault === fault)
      return cell(!result ? '-' : result.problems.length ? 'FAIL' : 'pass')
    })
    lines.push(`${operation.padEnd(14)}| ${row.join(' | ')}`)
  }
  const failed = results.filter((r) => r.problems.length)
  lines.push('')
  lines.push(
    `${results.length} cells: ${results.length - failed.length} passed, ${failed.length} failed; ` +
      `leaks found: ${results.filter((r) => r.problems.some((p) => p.includes('leaked'))).length}, ` +
      `orphans: ${results.filter((r) => r.problems.some((p) => /left/.test(p))).length}`,
  )
  for (const result of failed) {
    lines.push(`  ${result.operation} × ${result.fault}: ${result.problems.join('; ')}`)
  }
  return lines.join('\n')
}
