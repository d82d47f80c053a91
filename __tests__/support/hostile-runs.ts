import fc from 'fast-check'
import { GitHubEmulator } from '../../emulator/github.ts'
import type { Fault, RouteName } from '../../emulator/vast.ts'
import type { StepResult } from '../../harness/runner.ts'
import { formatKeyName, rotationTargetId } from '../../src/core/key-name.ts'
import { scenario } from './action.ts'
import { hostileText } from './hostile.ts'
import { createRunner, type Runner } from '../../src/action/runner.ts'
import { runnerLines, stepProblems, streamProblems } from './stream.ts'

/**
 * Hostile text through every path that prints, run from dist/ as the runner runs it (issue 11):
 * Vast error bodies on every route the action calls and every kind of status, key names read from
 * the account (sweep) and from a rotation's listing, and GitHub error bodies. The invariant is
 * checked on each step's raw streams (support/stream.ts), debug on and off. Shared by `npm test`
 * (__tests__/hostile.test.ts, a fixed seed) and `npm run test:faults` (more cases, counted).
 */

export const PARENT = 'e1c3b5d7f9a2c4e6b8d0f1a3f9a0c5be17d4a2f8c6e0b9d1a7f3e5c2b8d4f6a0'
export const CHILD = '7d4a2f8c6e0b9d1a7f3e5c2b8d4f6a0e1c3b5d7f9a2c4e6b8d0f1a3f9a0c5be1'
export const TOKEN = 'ghs_Hq3ZtW8mK2xR7pL9vN4bC6dF1gJ5sY0aE3uI'
const SECRETS = [PARENT, CHILD, TOKEN]
const REPO = 'octo-org/gpu-trainer'

export const HOSTILE_PATHS = [
  'vast error',
  'sweep key name',
  'rotate key name',
  'github error',
  'input echoed',
] as const
/** Inputs whose value a message may quote (`permissions` also as YAML behind a directive). */
const ECHOED = ['ttl', 'permissions', 'yaml directive', 'mode', 'api-url', 'max-attempts'] as const
const ROUTES = ['create', 'list', 'delete', 'current'] as const
const STATUSES = [400, 401, 403, 404, 409, 422, 429, 500, 502, 503] as const
const FORMS = ['msg', 'error', 'detail', 'message', 'text'] as const

export interface HostileCase {
  path: (typeof HOSTILE_PATHS)[number]
  route: (typeof ROUTES)[number]
  status: (typeof STATUSES)[number]
  form: (typeof FORMS)[number]
  text: string
  /** For the rotation's name, an input: no pieces of secrets (state keeps it as it is). */
  label: string
  input: (typeof ECHOED)[number]
  debug: boolean
}

export const hostileCase: fc.Arbitrary<HostileCase> = fc.record({
  path: fc.constantFrom(...HOSTILE_PATHS),
  route: fc.constantFrom(...ROUTES),
  status: fc.constantFrom(...STATUSES),
  form: fc.constantFrom(...FORMS),
  text: hostileText(SECRETS),
  label: hostileText([], 6),
  input: fc.constantFrom(...ECHOED),
  debug: fc.boolean(),
})

function body(form: HostileCase['form'], text: string): string | object {
  return form === 'text' ? text : { [form]: text, success: false }
}

function vastFault(c: HostileCase): Fault {
  // A 429 asks for no wait, so the case stays quick; the body is what matters.
  const headers: Record<string, string> = c.status === 429 ? { 'Retry-After': '0' } : {}
  return { type: 'status', status: c.status, body: body(c.form, c.text), headers }
}

/** A managed name; rotation keys of the rotation the cases run (so that it retires and names them). */
function managedName(label: string, offsetMs: number, kind: 'job' | 'rot' = 'job'): string {
  return formatKeyName({
    label,
    kind,
    ...(kind === 'rot' ? { target: rotationTargetId(['repository', REPO, 'VAST_KEY']) } : {}),
    expiresAt: new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000),
    repository: REPO,
    runId: '7',
    runAttempt: '1',
    job: 'old',
    nonce: 'abcdef12',
  })
}

/** Runs one case through dist/; returns what broke the invariant (nothing, we hope). */
export async function hostileProblems(
  c: HostileCase,
  onStep?: (step: StepResult) => void,
): Promise<string[]> {
  const values = [PARENT, CHILD]
  const s = await scenario({
    emulator: { keyFactory: () => values.shift() ?? 'f'.repeat(64) },
    job: { env: { GITHUB_REPOSITORY: REPO } },
  })
  const github = c.path === 'rotate key name' || c.path === 'github error'
  const gh = github ? await GitHubEmulator.start() : undefined
  try {
    if (s.emulator.parentKey !== PARENT) return ['the emulator did not use the fixed parent key']
    const steps: StepResult[] = []
    const base = { 'request-timeout': '2s', 'create-budget': '20s', 'max-attempts': '3' }
    const run = async (inputs: Record<string, string>, post = true) => {
      const all = s.inputs({ ...base, ...inputs })
      steps.push(await s.job.runMain({ inputs: all, debug: c.debug }))
      if (post) steps.push(await s.job.runPost({ inputs: all, debug: c.debug }))
    }
    if (c.path === 'vast error') {
      const route: RouteName = c.route
      if (c.route === 'create') {
        s.emulator.inject(route, vastFault(c))
        await run({})
      } else if (c.route === 'delete') {
        const all = s.inputs(base)
        steps.push(await s.job.runMain({ inputs: all, debug: c.debug }))
        s.emulator.inject(route, vastFault(c))
        steps.push(await s.job.runPost({ inputs: all, debug: c.debug }))
      } else if (c.route === 'list') {
        s.emulator.addKey({ name: managedName('old', -3_600_000) })
        s.emulator.inject(route, vastFault(c))
        await run({ mode: 'sweep' }, false)
      } else {
        const old = s.emulator.addKey({ name: managedName('old', -3_600_000) })
        s.emulator.inject(route, vastFault(c))
        await run({ mode: 'delete', 'key-id': String(old.id) }, false)
      }
    } else if (c.path === 'input echoed') {
      // The yaml parser warns about an unknown directive quoting its line: never on stderr.
      const [input, value] =
        c.input === 'yaml directive'
          ? ['permissions', `%${c.text.replace(/[\r\n]/g, ' ')}\n---\napi:\n  misc: {}`]
          : [c.input, c.text]
      await run({ [input]: value })
    } else if (c.path === 'sweep key name') {
      // A name from the account: anything, as long as a sweep takes it for a managed key.
      s.emulator.addKey({ name: managedName('', -3_600_000).replace(/^/, c.text) })
      await run({ mode: 'sweep', 'dry-run': String(c.debug) }, false)
    } else if (gh) {
      gh.addRepository(REPO)
      gh.addToken(TOKEN, { secretsWrite: true })
      // The rotation's name is echoed from the input; an older key of it is listed and deleted.
      const label = c.path === 'rotate key name' ? c.label.replace(/[\p{Cc}\p{Cf}]/gu, '') : 'ci'
      s.emulator.addKey({ name: managedName(label, 86_400_000, 'rot') })
      if (c.path === 'github error') {
        gh.inject('publicKey', { type: 'status', status: c.status, body: body('message', c.text) })
      }
      await run({
        mode: 'rotate',
        permissions: 'instance_read',
        'key-name': label,
        'secret-name': 'VAST_KEY',
        'github-token': TOKEN,
        'github-api-url': gh.url,
        'max-attempts': '1',
      })
    }
    // The token is a secret only where the action is given it (rotate).
    const known = gh ? SECRETS : [PARENT, CHILD]
    for (const step of steps) onStep?.(step)
    const secrets = [...new Set([...known, ...s.emulator.keys().map((k) => k.key)])]
    return steps.flatMap((step) => stepProblems(step, secrets).map((p) => `${step.phase}: ${p}`))
  } finally {
    await s.close()
    await gh?.close()
  }
}

type Printer = (runner: Runner, text: string) => void
/** Every Runner method that prints, with the text where it goes. */
export const PRINTERS: Record<string, Printer> = {
  info: (r, t) => r.info(t),
  debug: (r, t) => r.debug(t),
  notice: (r, t) => r.notice(t),
  warning: (r, t) => r.warning(t),
  error: (r, t) => r.error(t),
  setFailed: (r, t) => r.setFailed(t),
  'warning with a title': (r, t) => r.warning('x', { title: t }),
}

export const printCase = fc.tuple(fc.constantFrom(...Object.keys(PRINTERS)), hostileText(SECRETS))

/** One hostile string through one method of src/action/runner.ts, in process; what broke. */
export function printProblems(method: string, text: string): string[] {
  const lines: string[] = []
  const runner = createRunner({
    env: {},
    write: (line) => lines.push(line),
    appendFile: () => {},
    setExitCode: () => {},
  })
  for (const secret of SECRETS) runner.setSecret(secret)
  const before = lines.length
  PRINTERS[method]?.(runner, text)
  const problems = streamProblems(lines.join('\n'), SECRETS, { ownProperties: true })
  const written = runnerLines(lines.slice(before).join('\n'))
  if (method === 'info' && written.some((l) => l.startsWith('::'))) {
    problems.push('info wrote a command line')
  }
  if (method !== 'info' && written.length !== 1)
    problems.push(`${method} wrote ${written.length} lines`)
  return problems
}
