import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { formatKeyName, type KeyKind } from '../src/core/key-name.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// The run-aware sweep, from dist/ against both emulators: GitHub says, run attempt by run
// attempt, whether the run that made a key has completed.

const REPO = 'octo-org/gpu-trainer'
const TOKEN = 'ghs_runaware_test_token_0001'
const HOUR = 3_600_000

let current: { s: Scenario; github: GitHubEmulator } | undefined
afterEach(async () => {
  await current?.s.close()
  await current?.github.close()
  current = undefined
})

function name(kind: KeyKind, runId: string, attempt = '1', deadlineMs = 4 * HOUR, repo = REPO) {
  return formatKeyName({
    label: `k${runId}`,
    kind,
    expiresAt: new Date(Math.floor((Date.now() + deadlineMs) / 1000) * 1000),
    repository: repo,
    runId,
    runAttempt: attempt,
    job: 'train',
    ...(kind === 'rot' ? { target: 'abcdefabcdef' } : {}),
    nonce: Math.random().toString(16).slice(2, 10),
  })
}

async function setUp(rights: { actionsRead?: boolean } = {}) {
  const s = await scenario()
  const github = await GitHubEmulator.start()
  current = { s, github }
  github.addRepository(REPO)
  github.addToken(TOKEN, { secretsWrite: false, ...rights })
  const add = (n: string) => s.emulator.addKey({ name: n, permissions: { api: { misc: {} } } }).id
  return { s, github, add }
}

const sweep = (s: Scenario, github: GitHubEmulator, extra: Record<string, string> = {}) =>
  s.job.runMain({
    inputs: {
      'admin-api-key': s.emulator.parentKey,
      'api-url': s.emulator.url,
      mode: 'sweep',
      'github-token': TOKEN,
      'github-api-url': github.url,
      ...extra,
    },
  })

const liveIds = (s: Scenario) => new Set(s.emulator.liveKeys().map((k) => k.id))

describe('run-aware sweep', () => {
  it('deletes job keys of completed runs at once and keeps the rest, saying why', async () => {
    const { s, github, add } = await setUp()
    github.setRun(REPO, 100, [{ status: 'completed', conclusion: 'failure' }])
    github.setRun(REPO, 200, [{ status: 'in_progress' }])
    github.setRun(REPO, 300, [{ status: 'completed' }, { status: 'queued' }])
    const ids = {
      done: add(name('job', '100')),
      done2: add(name('job', '100')),
      running: add(name('job', '200')),
      attempt1: add(name('job', '300', '1')),
      attempt2: add(name('job', '300', '2')),
      unknownRun: add(name('job', '404')),
      keep: add(name('keep', '100')),
      rot: add(name('rot', '100')),
      legacy: add(`old [vsk1 exp=20991231T000000Z repo=${REPO} run=100-1 job=train n=0a0b0c0d]`),
      expired: add(name('keep', '200', '1', -HOUR)),
      otherRepo: add(name('job', '100', '1', 4 * HOUR, 'octo-org/other')),
    }
    const result = await sweep(s, github)
    expect(result.conclusion).toBe('success')
    const gone = [ids.done, ids.done2, ids.attempt1, ids.expired]
    const live = liveIds(s)
    for (const id of gone) expect(live.has(id)).toBe(false)
    for (const id of Object.values(ids).filter((id) => !gone.includes(id))) {
      expect(live.has(id)).toBe(true)
    }
    const deleted = JSON.parse(result.outputs['deleted-keys'] ?? '[]') as {
      id: number
      reason: string
    }[]
    expect(Object.fromEntries(deleted.map((d) => [d.id, d.reason]))).toEqual({
      [ids.done]: 'run-completed',
      [ids.done2]: 'run-completed',
      [ids.attempt1]: 'run-completed',
      [ids.expired]: 'deadline',
    })
    expect(result.outputs['deleted-count']).toBe('4')
    const log = shown(result)
    expect(log).toMatch(/run 100 attempt 1 of octo-org\/gpu-trainer completed \(failure\)/)
    expect(log).toMatch(
      /run 200 attempt 1 of octo-org\/gpu-trainer is in_progress: its 1 key stays/,
    )
    expect(log).toMatch(/run 404 attempt 1 .*404.*stays until its deadline/)
    expect(result.summary).toMatch(/3 of completed runs/)
    // one question per run attempt, not per key
    expect(github.requestsFor('runAttempt')).toHaveLength(5)
    expect(s.leaks()).toEqual([])
  })

  it('leaves every key to its deadline when the token may not read runs (403)', async () => {
    const { s, github, add } = await setUp({ actionsRead: false })
    github.setRun(REPO, 100, [{ status: 'completed' }])
    const id = add(name('job', '100'))
    const result = await sweep(s, github)
    expect(result.conclusion).toBe('success')
    expect(liveIds(s).has(id)).toBe(true)
    expect(shown(result)).toMatch(/GitHub answered 403: github-token may not read .*actions: read/)
    expect(result.outputs['deleted-count']).toBe('0')
  })

  it('leaves keys to their deadline when GitHub fails, and says so', async () => {
    const { s, github, add } = await setUp()
    github.setRun(REPO, 100, [{ status: 'completed' }])
    github.inject('runAttempt', { type: 'status', status: 502 }, 2)
    const id = add(name('job', '100'))
    const result = await sweep(s, github)
    expect(result.conclusion).toBe('success')
    expect(liveIds(s).has(id)).toBe(true)
    expect(shown(result)).toMatch(/GitHub answered 502/)
  })

  it('works as before without github-token', async () => {
    const { s, github, add } = await setUp()
    github.setRun(REPO, 100, [{ status: 'completed' }])
    const id = add(name('job', '100'))
    const result = await s.job.runMain({
      inputs: { 'admin-api-key': s.emulator.parentKey, 'api-url': s.emulator.url, mode: 'sweep' },
    })
    expect(result.conclusion).toBe('success')
    expect(liveIds(s).has(id)).toBe(true)
    expect(github.requests).toHaveLength(0)
  })

  it('lists what it would delete in a dry run, and deletes nothing', async () => {
    const { s, github, add } = await setUp()
    github.setRun(REPO, 100, [{ status: 'completed' }])
    const id = add(name('job', '100'))
    const result = await sweep(s, github, { 'dry-run': 'true' })
    expect(liveIds(s).has(id)).toBe(true)
    expect(shown(result)).toMatch(new RegExp(`Would delete key ${id} .*run 100 attempt 1`))
  })
})
