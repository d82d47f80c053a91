import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { lstatSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { OidcEmulator } from '../../emulator/oidc.ts'
import { VastEmulator } from '../../emulator/vast.ts'
import { RunnerJob, type StepResult } from '../../harness/runner.ts'
import { formatKeyName } from '../../src/core/key-name.ts'
import { STATE } from '../../src/action/modes/state.ts'
import { ACTION_YML } from './action.ts'

/**
 * Another step of the job writes `STATE_*` lines (and anything else) to `$GITHUB_ENV` between the
 * action's main and post steps; the harness then starts post from the env context and applies
 * main's saved state last, as the runner does (docs/runner-protocol.md). Shared by
 * __tests__/e2e-forged-state.test.ts (examples and the generated property) and
 * `npm run test:faults`.
 */

export const WRITE_ENV = fileURLToPath(new URL('../fixtures/write-env.mjs', import.meta.url))

/** A host of the attacker's choosing: records every request (and its Authorization header). */
export class Capture {
  readonly requests: Array<{ method: string; url: string; authorization: string }> = []
  readonly #server: Server
  url = ''

  private constructor() {
    this.#server = createServer((req, res) => {
      this.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization ?? '',
      })
      req.resume()
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end('{"result":"deleted","value":"x","apikeys":[]}')
    })
  }

  static async start(): Promise<Capture> {
    const capture = new Capture()
    await new Promise<void>((resolve) => capture.#server.listen(0, '127.0.0.1', resolve))
    capture.url = `http://127.0.0.1:${(capture.#server.address() as AddressInfo).port}`
    return capture
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}

/** The harness job's run: the names another step's key could carry to look like this step's. */
export const RUN = { repository: 'octo-org/gpu-trainer', runId: '1234567890', runAttempt: '1' }

/** A key of the same job, made by another step of it (same run, job and kind; another nonce). */
export function sameJobName(label: string, nonce: string): string {
  return formatKeyName({
    label,
    kind: 'job',
    expiresAt: new Date(Date.now() + 3_600_000),
    ...RUN,
    job: 'train',
    nonce,
  })
}

/** Every world a case runs in: the Vast emulator, the OIDC issuer, the attacker's host. */
export interface World {
  vast: VastEmulator
  oidc: OidcEmulator
  capture: Capture
  /** Another key of the account that nothing in the job may delete. */
  victimId: number
  victimName: string
  close(): Promise<void>
}

export async function startWorld(): Promise<World> {
  const vast = await VastEmulator.start()
  const oidc = await OidcEmulator.start()
  const capture = await Capture.start()
  const victimName = sameJobName('victim', 'abad1dea')
  const victim = vast.addKey({ name: victimName, permissions: { api: { misc: {} } } })
  return {
    vast,
    oidc,
    capture,
    victimId: victim.id,
    victimName,
    close: async () => {
      await capture.close()
      await oidc.close()
      await vast.close()
    },
  }
}

/** The modes and paths of main, each leaving post a different state (or none). */
export const PATHS = [
  'delete',
  'sweep',
  'create dry-run',
  'create input error',
  'rotate input error',
  'create refused by Vast',
  'create',
  'create answer names the parent',
  'create answer names another key',
] as const
export type MainPath = (typeof PATHS)[number]

/** A symbolic value for one state name; resolved against the world when the case runs. */
export type Forged = Partial<Record<(typeof STATE)[keyof typeof STATE], string>>

const url = fc.constantFrom('capture', 'vast')
const keyIdValue = fc.constantFrom('parent', 'victim', '0', '-3', 'abc', '1e3', '')
const createValue = fc.record({
  apiUrl: url,
  name: fc.constantFrom('parent', 'victim', 'managed'),
  revoke: fc.constantFrom('post', 'never'),
  cleanupFailure: fc.constantFrom('warn', 'fail'),
})

/** Any set of forged values over every state name post reads. */
export const forgedCase = fc.record(
  {
    [STATE.mode]: fc.constantFrom('create', 'rotated', 'broker', 'none', ''),
    [STATE.create]: createValue.map((c) => JSON.stringify(c)),
    [STATE.keyId]: keyIdValue,
    [STATE.pending]: fc.constantFrom('true', 'false'),
    [STATE.sentAt]: fc.constantFrom('now', '0'),
    [STATE.uncertainAt]: fc.constantFrom('now', '0'),
    [STATE.configFile]: fc.constantFrom('victim-file'),
    [STATE.broker]: fc.constantFrom('capture', 'vast'),
  },
  { requiredKeys: [] },
) as fc.Arbitrary<Forged>

/** The `$GITHUB_ENV` lines for a symbolic case, against a world and a job. */
export function resolveForged(
  forged: Forged,
  world: World,
  job: RunnerJob,
): Record<string, string> {
  const urlOf = (which: string) => (which === 'capture' ? world.capture.url : world.vast.url)
  const idOf = (which: string) =>
    which === 'parent'
      ? String(world.vast.parentKeyId)
      : which === 'victim'
        ? String(world.victimId)
        : which
  const lines: Record<string, string> = {}
  for (const [name, value] of Object.entries(forged)) {
    let text = value ?? ''
    if (name === STATE.keyId) text = idOf(text)
    if (name === STATE.sentAt || name === STATE.uncertainAt) {
      text = text === 'now' ? String(Date.now()) : text
    }
    if (name === STATE.create) {
      const c = JSON.parse(text) as Record<string, string>
      text = JSON.stringify({
        apiUrl: urlOf(c.apiUrl ?? ''),
        name:
          c.name === 'parent'
            ? 'ci-parent'
            : c.name === 'victim'
              ? world.victimName
              : sameJobName('x', 'feed'),
        revoke: c.revoke,
        cleanupFailure: c.cleanupFailure,
        requestTimeoutMs: 500,
        maxAttempts: 1,
      })
    }
    if (name === STATE.configFile) text = victimFile(job).state
    if (name === STATE.broker) {
      text = JSON.stringify({
        url: urlOf(text),
        audience: 'https://vast-broker.example',
        cleanupFailure: 'warn',
        requestTimeoutMs: 500,
      })
    }
    lines[`STATE_${name}`] = text
  }
  return lines
}

/** A file of the workspace that no step of this action may remove, and its identity as state. */
export function victimFile(job: RunnerJob): { path: string; state: string } {
  const path = join(job.workspace, 'victim.txt')
  if (!existsSync(path)) writeFileSync(path, 'keep me')
  const stat = lstatSync(path, { bigint: true })
  return {
    path,
    state: JSON.stringify({
      path,
      dev: String(stat.dev),
      ino: String(stat.ino),
      born: String(stat.birthtimeNs || stat.ctimeNs),
    }),
  }
}

/** A job of the harness with the OIDC request variables of `permissions: id-token: write`. */
export function newJob(world: World): RunnerJob {
  return new RunnerJob({
    actionYml: ACTION_YML,
    env: {
      ...world.oidc.registerJob({
        repository: RUN.repository,
        run_id: RUN.runId,
        run_attempt: RUN.runAttempt,
      }),
    },
  })
}

/** Runs main on `path`; returns its result. */
export async function runMainOn(path: MainPath, world: World, job: RunnerJob): Promise<StepResult> {
  const { vast } = world
  const base = {
    'admin-api-key': vast.parentKey,
    'api-url': vast.url,
    permissions: 'instance_read',
  }
  const inputs: Record<MainPath, Record<string, string>> = {
    delete: { ...base, mode: 'delete', 'key-id': '999999', permissions: '' },
    sweep: { ...base, mode: 'sweep', permissions: '' },
    'create dry-run': { ...base, 'dry-run': 'true' },
    'create input error': { ...base, ttl: 'banana' },
    'rotate input error': { ...base, mode: 'rotate' },
    'create refused by Vast': base,
    create: base,
    'create answer names the parent': base,
    'create answer names another key': base,
  }
  if (path === 'create refused by Vast') {
    vast.inject('create', { type: 'status', status: 403, body: { msg: 'no' } })
  }
  if (path === 'create answer names the parent' || path === 'create answer names another key') {
    const id = path === 'create answer names the parent' ? vast.parentKeyId : world.victimId
    vast.inject('create', { type: 'status', status: 200, body: { id, key: 'f'.repeat(64) } })
  }
  return job.runMain({ inputs: inputs[path] })
}

/** The inputs post runs with: main's, evaluated again (nothing another step can change). */
export function postInputs(path: MainPath, world: World): Record<string, string> {
  const { vast } = world
  const base = { 'admin-api-key': vast.parentKey, 'api-url': vast.url }
  if (path === 'delete') return { ...base, mode: 'delete', 'key-id': '999999' }
  if (path === 'sweep') return { ...base, mode: 'sweep' }
  if (path === 'create dry-run') return { ...base, permissions: 'instance_read', 'dry-run': 'true' }
  if (path === 'create input error') return { ...base, permissions: 'instance_read', ttl: 'banana' }
  if (path === 'rotate input error') return { ...base, mode: 'rotate' }
  return { ...base, permissions: 'instance_read' }
}

/** What one case did that it must not have, in a world of its own: [] when post kept every promise. */
export async function forgedStateProblems(path: MainPath, forged: Forged): Promise<string[]> {
  const world = await startWorld()
  const { vast, oidc, capture } = world
  const job = newJob(world)
  const problems: string[] = []
  try {
    const before = new Set(vast.keys().map((k) => k.id))
    const main = await runMainOn(path, world, job)
    vast.clearFaults()
    const lines = resolveForged(forged, world, job)
    const file = victimFile(job)
    await job.runStep(WRITE_ENV, { env: { WRITE_ENV: JSON.stringify(lines) } })
    const post = await job.runPost({ inputs: postInputs(path, world) })
    if (capture.requests.length > 0) {
      problems.push(
        `post sent ${capture.requests.length} request(s) to a host only state named` +
          (capture.requests.some((r) => r.authorization.includes(vast.parentKey))
            ? ' (with the parent key)'
            : ''),
      )
    }
    if (oidc.issued.length > 0) problems.push('an OIDC token was asked for')
    if (!vast.isLive(vast.parentKey)) problems.push('the parent key was deleted')
    if (!vast.liveKeys().some((k) => k.id === world.victimId)) {
      problems.push('another key was deleted')
    }
    if (!existsSync(file.path)) problems.push('a file that main did not write was removed')
    const left = vast.keys().filter((k) => !before.has(k.id) && k.deletedAt === null)
    if (left.length > 0) problems.push(`${left.length} key(s) main made outlived post`)
    if (main.conclusion === 'cancelled' || post.conclusion === 'cancelled') {
      problems.push('a step was cancelled')
    }
  } finally {
    await job.cleanup()
    await world.close()
  }
  return problems
}
