import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { formatInstanceLabel } from '../src/core/instance-label.ts'
import { shown, type Scenario } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'

// instances: destroy, from dist/ against the emulator: the job's later step creates instances with
// the label the action exported, and the post step destroys exactly those.

const CREATE_INSTANCES = fileURLToPath(
  new URL('../scripts/demo-instances-step.mjs', import.meta.url),
)
const REPO = 'octo-org/gpu-trainer'
const CONTEXT = {
  GITHUB_REPOSITORY: REPO,
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'train',
}

const { start } = useScenarios({ job: { env: CONTEXT } })

const inputs = (s: Scenario, extra: Record<string, string> = {}) =>
  s.inputs({
    permissions: 'instance_read, instance_write',
    'export-env': 'true',
    instances: 'destroy',
    'instances-grace': '1s',
    ...extra,
  })

const nonce = () => Math.random().toString(16).slice(2, 14).padEnd(12, '0')
const labelFor = (over: Partial<Parameters<typeof formatInstanceLabel>[0]> = {}) =>
  formatInstanceLabel({
    repository: REPO,
    runId: '4242',
    runAttempt: '1',
    job: 'train',
    expiresAt: new Date(Math.ceil(Date.now() / 1000) * 1000 + 3_600_000),
    nonce: nonce(),
    ...over,
  })

/** Runs the step that creates `count` instances with the job's label; cancels it when asked. */
async function createStep(s: Scenario, count: number, options: { cancel?: boolean } = {}) {
  let seen = 0
  let resolve: () => void = () => {}
  const created = new Promise<void>((r) => (resolve = r))
  const step = await s.job.runStep(CREATE_INSTANCES, {
    env: {
      VAST_URL: s.emulator.url,
      COUNT: String(count),
      OFFER_BASE: String(1000 + Math.floor(Math.random() * 1e6)),
      ...(options.cancel ? { HANG: '1' } : {}),
    },
    onOutput: (line) => {
      if (line.startsWith('CREATED ')) seen += 1
      if (seen === count) resolve()
    },
    ...(options.cancel ? { cancelAfter: { when: created } } : {}),
  })
  return step
}

const liveIds = (s: Scenario) => new Set(s.emulator.liveInstances().map((i) => i.id))

describe('instances: destroy', () => {
  it('a cancelled job that created two labelled instances leaves none of them running', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s) })
    expect(main.conclusion).toBe('success')
    const label = main.outputs['instance-label'] ?? ''
    expect(label).toMatch(
      /^vski1:octo-org\/gpu-trainer:4242\.1:train:\d{8}T\d{6}Z:[0-9a-f]{12}\.[0-9a-f]{12}$/,
    )
    expect(main.exportedEnv['VAST_INSTANCE_LABEL']).toBe(label)
    // what must survive: a person's instance, other jobs, repositories and attempts, look-alikes
    const survivors = [
      s.emulator.addInstance({ label: null }),
      s.emulator.addInstance({ label: 'my notebook' }),
      s.emulator.addInstance({ label: labelFor() }), // another leg of the same job
      s.emulator.addInstance({ label: labelFor({ runAttempt: '2' }) }),
      s.emulator.addInstance({ label: labelFor({ repository: 'octo-org/other' }) }),
      s.emulator.addInstance({ label: label.slice(0, -1) }), // a prefix
      s.emulator.addInstance({ label: `${label}0` }), // an extension
      s.emulator.addInstance({ label: label.toUpperCase() }),
      s.emulator.addInstance({ label: ` ${label}` }),
      s.emulator.addInstance({ label: `${label} ` }),
    ].map((i) => i.id)

    const step = await createStep(s, 2, { cancel: true })
    expect(step.conclusion).toBe('cancelled')
    const mine = s.emulator
      .liveInstances()
      .filter((i) => i.label === label)
      .map((i) => i.id)
    expect(mine).toHaveLength(2)

    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(post.conclusion).toBe('success')
    expect(liveIds(s)).toEqual(new Set(survivors))
    for (const id of mine) {
      expect(shown(post)).toContain(`Destroyed Vast.ai instance ${id}.`)
      expect(post.summary).toContain(`| ${id} | destroyed |`)
    }
    expect(shown(post)).toContain(`Destroyed 2 of 2 instance(s) labelled ${label}.`)
    // the key went first, then the instances; destroyed, never stopped
    expect(s.emulator.requestsFor('instanceManage')).toHaveLength(0)
    const order = s.emulator.requests.map((r) => r.route)
    expect(order.lastIndexOf('delete')).toBeLessThan(order.indexOf('instanceDestroy'))
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
    expect(s.leaks()).toEqual([])
  })

  it("checks every row on its own side when the server's filter is looser than exact", async () => {
    const s = await start({
      emulator: { variants: { labelFilterMatch: 'case-insensitive', labelTrimOnStore: false } },
    })
    const main = await s.job.runMain({ inputs: inputs(s) })
    const label = main.outputs['instance-label'] ?? ''
    const alike = [
      s.emulator.addInstance({ label: label.toUpperCase() }).id,
      s.emulator.addInstance({ label: label.replace('train', 'TRAIN') }).id,
    ]
    await createStep(s, 1)
    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(post.conclusion).toBe('success')
    expect(liveIds(s)).toEqual(new Set(alike))
    // the server's filter did hand them over: the action's own check kept them
    expect(shown(post)).toContain('Destroyed 1 of 1 instance(s)')
  })

  it('destroys a matching instance that Vast lists only after a delay', async () => {
    const s = await start({ emulator: { variants: { instanceListDelayMs: 1500 } } })
    const main = await s.job.runMain({ inputs: inputs(s, { 'instances-grace': '3s' }) })
    const label = main.outputs['instance-label'] ?? ''
    await createStep(s, 1)
    const [late] = s.emulator.liveInstances().filter((i) => i.label === label)
    const post = await s.job.runPost({ inputs: inputs(s, { 'instances-grace': '3s' }) })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.liveInstances()).toEqual([])
    expect(shown(post)).toContain(`Destroyed Vast.ai instance ${late?.id}.`)
    expect(shown(post)).toMatch(/Listing again in \d+ s, for instances Vast lists late/)
    expect(s.emulator.requestsFor('instanceList').length).toBeGreaterThanOrEqual(3) // main + 2
  })

  it('never reports an ambiguous 404 as destroyed, and fails with cleanup-failure: fail', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s, { 'cleanup-failure': 'fail' }) })
    const label = main.outputs['instance-label'] ?? ''
    await createStep(s, 1)
    const [id] = s.emulator
      .liveInstances()
      .filter((i) => i.label === label)
      .map((i) => i.id)
    // a 404 that is a bad key (two public reports), on every destroy and every check
    const auth404 = { success: false, error: 'auth_error', msg: 'Invalid user key' }
    s.emulator.inject('instanceDestroy', { type: 'status', status: 404, body: auth404 }, 10)
    s.emulator.inject('instanceShow', { type: 'status', status: 404, body: auth404 }, 10)
    const post = await s.job.runPost({ inputs: inputs(s, { 'cleanup-failure': 'fail' }) })
    expect(post.conclusion).toBe('failure')
    expect(shown(post)).not.toContain(`Destroyed Vast.ai instance ${id}`)
    expect(shown(post)).not.toMatch(/already gone/)
    expect(post.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(
          new RegExp(`Could not destroy Vast.ai instance ${id}: .*HTTP 404.*Invalid user key`),
        ),
      }),
    )
    expect(post.summary).toContain(`| ${id} | not destroyed:`)
    expect(liveIds(s).has(id ?? 0)).toBe(true)
  })

  it('counts an instance gone only when show says null, after a 404 or success: false', async () => {
    const s = await start({
      emulator: { variants: { destroyedListedMs: 60_000, instanceGoneDelete: 200 } },
    })
    const main = await s.job.runMain({ inputs: inputs(s) })
    const label = main.outputs['instance-label'] ?? ''
    await createStep(s, 1)
    const [id] = s.emulator
      .liveInstances()
      .filter((i) => i.label === label)
      .map((i) => i.id)
    // the job's own step destroyed it already; Vast still lists it as unloaded
    await fetch(`${s.emulator.url}/api/v0/instances/${id}/`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${s.emulator.parentKey}` },
    })
    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toContain(
      `Vast.ai instance ${id} was already gone (Vast shows it no more).`,
    )
    expect(post.summary).toContain(`| ${id} | already gone |`)
  })

  it('refuses before any key is made when the parent key cannot list instances', async () => {
    const s = await start({
      emulator: { parentPermissions: { api: { user_read: {}, user_write: {}, misc: {} } } },
    })
    const main = await s.job.runMain({ inputs: inputs(s, { permissions: 'misc' }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /Input 'instances': destroy needs the parent key \(admin-api-key\) to hold instance_read and instance_write.*No key was created\./,
    )
    expect(s.emulator.requestsFor('create')).toHaveLength(0)
  })

  it('says the parent key lacks instance_write when Vast refuses the destroy (not "a sweep will")', async () => {
    // instance_read without instance_write: main can list, so it passes; the destroy is refused
    const s = await start({
      emulator: {
        parentPermissions: { api: { user_read: {}, user_write: {}, misc: {}, instance_read: {} } },
      },
    })
    const main = await s.job.runMain({ inputs: inputs(s, { permissions: 'instance_read' }) })
    expect(main.conclusion).toBe('success')
    const label = main.outputs['instance-label'] ?? ''
    const id = s.emulator.addInstance({ label }).id // made with another key of the account
    const post = await s.job.runPost({ inputs: inputs(s, { permissions: 'instance_read' }) })
    expect(liveIds(s)).toEqual(new Set([id]))
    expect(shown(post)).toContain(
      `Could not destroy Vast.ai instance ${id}: Destroy instance ${id} failed: HTTP 403`,
    )
    expect(shown(post)).toContain(
      'Vast refused the destroy: the parent key (admin-api-key) lacks instance_write',
    )
    expect(shown(post)).not.toMatch(/A scheduled sweep \(mode: sweep\) destroys it/)
  })

  it('keeps instances with the default instances: keep, and still hands out the label', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s, { instances: 'keep' }) })
    expect(main.outputs['instance-label']).toMatch(/^vski1:/)
    await createStep(s, 1)
    const post = await s.job.runPost({ inputs: inputs(s, { instances: 'keep' }) })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.liveInstances()).toHaveLength(1)
    expect(s.emulator.requestsFor('instanceList')).toHaveLength(0)
  })

  it("a later step's STATE_instance-label never reaches post: main saved the name first", async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s) })
    const label = main.outputs['instance-label'] ?? ''
    await createStep(s, 1)
    // another job's instance, and a later step that tries to point post at it
    const other = labelFor({ runId: '777' })
    const victim = s.emulator.addInstance({ label: other }).id
    await s.job.appendEnv(`STATE_instance-label=${other}\n`)
    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(post.conclusion).toBe('success')
    expect(liveIds(s)).toEqual(new Set([victim]))
    expect(shown(post)).toContain(`Destroyed 1 of 1 instance(s) labelled ${label}.`)
  })
})

describe('instances: destroy when main made no key', () => {
  it('lists nothing in post: no step of the job ever saw the label', async () => {
    const s = await start()
    s.emulator.inject('create', { type: 'status', status: 400, body: { msg: 'no' } })
    const main = await s.job.runMain({ inputs: inputs(s) })
    expect(main.conclusion).toBe('failure')
    expect(main.outputs['instance-label']).toBeUndefined()
    const listed = s.emulator.requestsFor('instanceList').length
    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toContain(
      'instances: destroy, but the main step made no key: nothing to destroy.',
    )
    expect(s.emulator.requestsFor('instanceList')).toHaveLength(listed)
  })
})

describe('instances: destroy under rate limits', () => {
  it("paces its destroys to Vast's documented intervals instead of failing", async () => {
    // destroy every 0.3 s, list every 0.1 s (a tenth of the documented intervals)
    const s = await start({ emulator: { rateLimits: { scale: 0.1 } } })
    const main = await s.job.runMain({ inputs: inputs(s) })
    const label = main.outputs['instance-label'] ?? ''
    const mine = Array.from({ length: 6 }, () => s.emulator.addInstance({ label }).id)
    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.liveInstances()).toEqual([])
    expect(shown(post)).toContain(`Destroyed ${mine.length} of ${mine.length} instance(s)`)
    const refused = s.emulator.requestsFor('instanceDestroy').filter((r) => r.status === 429)
    // after the first refusal the client learns the interval and stops running into it
    expect(refused.length).toBeLessThanOrEqual(2)
  })
})

describe('instances: destroy when post is cancelled', () => {
  it('cuts the grace short at SIGINT, lists again and destroys within the runner’s grace', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s, { 'instances-grace': '30s' }) })
    const label = main.outputs['instance-label'] ?? ''
    let resolve: () => void = () => {}
    const waiting = new Promise<void>((r) => (resolve = r))
    const post = await s.job.runPost({
      inputs: inputs(s, { 'instances-grace': '30s' }),
      onOutput: (line) => {
        if (line.startsWith('Listing again in')) {
          // an instance the first listing could not see, then the cancel
          s.emulator.addInstance({ label })
          resolve()
        }
      },
      cancelAfter: { when: waiting },
    })
    // post ended on its own after SIGINT, well before the runner's SIGTERM
    expect(post.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    expect(s.emulator.liveInstances()).toEqual([])
    expect(shown(post)).toContain('Destroyed 1 of 1 instance(s)')
  })
})
