import { describe, expect, it } from '@jest/globals'
import { formatInstanceLabel } from '../src/core/instance-label.ts'
import { shown, type Scenario } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'

// mode: sweep with instances: destroy, from dist/ against the emulators: a scheduled sweep destroys
// the instances of expired (or, run-aware, finished) jobs of this repository and nothing else.

const REPO = 'octo-org/gpu-trainer'
const TOKEN = 'ghs_instances_sweep_token_0001'
const HOUR = 3_600_000

const { start, startGitHub } = useScenarios()

function label(deadlineMs: number, over: { repository?: string; runId?: string } = {}) {
  return formatInstanceLabel({
    repository: over.repository ?? REPO,
    runId: over.runId ?? '99',
    runAttempt: '1',
    job: 'train',
    expiresAt: new Date(Math.floor((Date.now() + deadlineMs) / 1000) * 1000),
    nonce: Math.random().toString(16).slice(2, 14).padEnd(12, '0'),
  })
}

async function account() {
  const s = await start({ job: { env: { GITHUB_REPOSITORY: REPO } } })
  const add = (l: string | null) => s.emulator.addInstance({ label: l }).id
  const expiredLabel = label(-2 * HOUR)
  const ids = {
    expired: add(expiredLabel),
    expired2: add(expiredLabel),
    expiredOld: add(label(-48 * HOUR)),
    live: add(label(2 * HOUR)),
    otherRepo: add(label(-5 * HOUR, { repository: 'octo-org/other' })),
    prefix: add(expiredLabel.slice(0, -1)),
    upper: add(expiredLabel.toUpperCase()),
    spaced: add(` ${expiredLabel}`),
    person: add('my notebook'),
    unlabelled: add(null),
  }
  return { s, ids }
}

const sweep = (s: Scenario, extra: Record<string, string> = {}) =>
  s.job.runMain({
    inputs: {
      'admin-api-key': s.emulator.parentKey,
      'api-url': s.emulator.url,
      mode: 'sweep',
      instances: 'destroy',
      ...extra,
    },
  })

const live = (s: Scenario) => new Set(s.emulator.liveInstances().map((i) => i.id))

describe('sweep with instances: destroy', () => {
  it('says the parent key lacks instance_write when Vast refuses a destroy', async () => {
    const s = await start({
      job: { env: { GITHUB_REPOSITORY: REPO } },
      emulator: {
        parentPermissions: { api: { user_read: {}, user_write: {}, misc: {}, instance_read: {} } },
      },
    })
    const id = s.emulator.addInstance({ label: label(-2 * HOUR) }).id
    const result = await sweep(s)
    expect(result.conclusion).toBe('failure')
    expect(live(s)).toEqual(new Set([id]))
    expect(shown(result)).toMatch(
      new RegExp(
        `Could not destroy Vast\\.ai instance ${id} \\(.*\\): Destroy instance ${id} failed: HTTP 403.*\\. Vast refused the destroy: the parent key \\(admin-api-key\\) lacks instance_write`,
      ),
    )
  })

  it("destroys an expired job's instances of this repository and nothing else", async () => {
    const { s, ids } = await account()
    const result = await sweep(s)
    expect(result.conclusion).toBe('success')
    expect(live(s)).toEqual(
      new Set([
        ids.live,
        ids.otherRepo,
        ids.prefix,
        ids.upper,
        ids.spaced,
        ids.person,
        ids.unlabelled,
      ]),
    )
    expect(JSON.parse(result.outputs['destroyed-instances'] ?? '')).toEqual(
      [ids.expired, ids.expired2, ids.expiredOld].map((id) => ({ id, reason: 'deadline' })),
    )
    expect(shown(result)).toContain(`Destroyed Vast.ai instance ${ids.expired} (`)
    expect(result.summary).toMatch(
      /### Vast.ai instance sweep\n\nDestroyed 3 instance\(s\); 0 to destroy remain\./,
    )
    expect(s.emulator.requestsFor('instanceManage')).toHaveLength(0) // never stopped
    expect(s.leaks()).toEqual([])
  })

  it('lists what it would destroy in a dry run, and destroys nothing', async () => {
    const { s, ids } = await account()
    const result = await sweep(s, { 'dry-run': 'true' })
    expect(result.conclusion).toBe('success')
    expect(s.emulator.requestsFor('instanceDestroy')).toHaveLength(0)
    expect(shown(result)).toContain(`Would destroy Vast.ai instance ${ids.expiredOld} (`)
    expect(shown(result)).toContain('Dry run: would destroy 3 instance(s).')
    expect(result.outputs['destroyed-instances']).toBe('[]')
  })

  it('leaves instances alone with the default instances: keep', async () => {
    const { s } = await account()
    const result = await sweep(s, { instances: 'keep' })
    expect(result.conclusion).toBe('success')
    expect(s.emulator.requestsFor('instanceList')).toHaveLength(0)
    expect(s.emulator.liveInstances()).toHaveLength(10)
  })

  it('with sweep-scope: account, destroys expired instances of other repositories too', async () => {
    const { s, ids } = await account()
    await sweep(s, { 'sweep-scope': 'account' })
    expect(live(s).has(ids.otherRepo)).toBe(false)
    expect(live(s).has(ids.upper)).toBe(true)
  })

  it('with github-token, destroys the instances of a completed run before their deadline', async () => {
    const { s, ids } = await account()
    const github = await startGitHub()
    github.addRepository(REPO)
    github.addToken(TOKEN, { secretsWrite: false, actionsRead: true })
    github.setRun(REPO, 500, [{ status: 'completed', conclusion: 'cancelled' }])
    github.setRun(REPO, 600, [{ status: 'in_progress' }])
    const done = s.emulator.addInstance({ label: label(3 * HOUR, { runId: '500' }) }).id
    const running = s.emulator.addInstance({ label: label(3 * HOUR, { runId: '600' }) }).id
    const result = await sweep(s, { 'github-token': TOKEN, 'github-api-url': github.url })
    expect(result.conclusion).toBe('success')
    expect(live(s).has(done)).toBe(false)
    expect(live(s).has(running)).toBe(true)
    expect(live(s).has(ids.live)).toBe(true)
    expect(JSON.parse(result.outputs['destroyed-instances'] ?? '')).toContainEqual({
      id: done,
      reason: 'run-completed',
    })
  })

  it('fails naming the scopes when the parent key cannot list instances', async () => {
    const s = await start({
      emulator: { parentPermissions: { api: { user_read: {}, user_write: {} } } },
    })
    const result = await sweep(s)
    expect(result.conclusion).toBe('failure')
    expect(shown(result)).toMatch(
      /could not list instances: .*HTTP 403.*instance_read and instance_write/,
    )
  })
})
