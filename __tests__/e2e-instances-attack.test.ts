import { afterEach, describe, expect, it } from '@jest/globals'
import { RunnerJob } from '../harness/runner.ts'
import { formatInstanceLabel } from '../src/core/instance-label.ts'
import { ACTION_YML, shown, type Scenario } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'
import { AUDIENCE, jobClaims, startWorld, TEST_POLICY, type BrokerWorld } from './support/broker.ts'

// Attacks on instances: destroy through dist/: hostile answers from the instance routes (a
// listing whose cursor loops, a message written in Markdown) must neither make post report a
// clean end it did not reach nor write outside text into the job summary as Markdown.

const CONTEXT = {
  GITHUB_REPOSITORY: 'octo-org/gpu-trainer',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_JOB: 'train',
}

const { start } = useScenarios({ job: { env: CONTEXT } })

const inputs = (s: Scenario, extra: Record<string, string> = {}) =>
  s.inputs({
    permissions: 'instance_read, instance_write',
    instances: 'destroy',
    'instances-grace': '0s',
    ...extra,
  })

describe('instances: destroy against a hostile listing', () => {
  it('never says "no instance was found" when the listing cursor looped and pages went unread', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s) })
    expect(main.conclusion).toBe('success')
    const label = main.outputs['instance-label'] ?? ''
    const mine = s.emulator.addInstance({ label }).id
    // every page names the same cursor again: the pages after it are never read
    const loop = { instances: [], next_token: 'again' }
    s.emulator.inject('instanceList', { type: 'status', status: 200, body: loop }, 10)
    const post = await s.job.runPost({ inputs: inputs(s, { 'cleanup-failure': 'fail' }) })
    // the job's instance still runs: post must not end as if it had seen everything
    expect(s.emulator.liveInstances().map((i) => i.id)).toContain(mine)
    expect(shown(post)).not.toContain(`No instance labelled ${label} was found (listed twice).`)
    expect(shown(post)).not.toContain(`No instance labelled ${label} was found.`)
    expect(post.conclusion).toBe('failure')
    expect(shown(post)).toMatch(/listing of the instances labelled .* was cut short/)
  })
})

describe('instances: destroy when the list and show disagree on a label', () => {
  // A list that is stale (the instance was relabelled since: anyone with instance_write can, I4)
  // or lies names another instance with the job's label: post asks Vast for that id (I3) first
  // and destroys only when it still shows exactly the job's label.
  it("spares an instance whose label, shown by id, is not the job's", async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s) })
    expect(main.conclusion).toBe('success')
    const label = main.outputs['instance-label'] ?? ''
    const victim = s.emulator.addInstance({ label: 'another team: keep me' }).id
    const row = { id: victim, label, cur_state: 'running', actual_status: 'running' }
    s.emulator.inject(
      'instanceList',
      { type: 'status', status: 200, body: { instances: [row] } },
      2,
    )
    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(s.emulator.liveInstances().map((i) => i.id)).toContain(victim)
    expect(s.emulator.requestsFor('instanceDestroy')).toHaveLength(0)
    expect(shown(post)).toContain(
      `Left Vast.ai instance ${victim} alone: the list gave it the job's label, but Vast, asked for it by id, shows another label.`,
    )
  })
})

describe('instances: destroy writes outside text into the summary as text', () => {
  it("escapes Vast's message in the summary's failure lines (no image, link, tag or emphasis)", async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: inputs(s) })
    const label = main.outputs['instance-label'] ?? ''
    const id = s.emulator.addInstance({ label }).id
    const msg =
      '![pixel](https://evil.example/p.png) <img src=x> **gone** [go](https://evil.example)'
    const body = { success: false, error: 'auth_error', msg }
    s.emulator.inject('instanceDestroy', { type: 'status', status: 404, body }, 10)
    s.emulator.inject('instanceShow', { type: 'status', status: 404, body }, 10)
    const post = await s.job.runPost({ inputs: inputs(s) })
    expect(shown(post)).toContain(`Could not destroy Vast.ai instance ${id}`)
    expect(post.summary).toContain(`Could not destroy Vast.ai instance ${id}`)
    expect(post.summary).not.toContain('![pixel](')
    expect(post.summary).not.toContain('<img')
    expect(post.summary).not.toContain('**gone**')
    expect(post.summary).not.toContain('[go](')
  })
})

describe('broker mode: the DELETE that ends the key, against a looping listing', () => {
  const POLICY = TEST_POLICY.replace(
    '    permissions: instance-manager\n    max-ttl: 2h\n',
    '    permissions: instance-manager\n    max-ttl: 2h\n    destroy-instances: true\n',
  )
  let world: BrokerWorld | undefined
  let job: RunnerJob | undefined
  afterEach(async () => {
    await job?.cleanup()
    await world?.close()
    world = undefined
    job = undefined
  })

  async function brokerJob() {
    world = await startWorld({ policy: POLICY })
    const w = world
    const claims = jobClaims()
    job = new RunnerJob({
      actionYml: ACTION_YML,
      env: {
        ...w.oidc.registerJob(claims),
        GITHUB_REPOSITORY: claims.repository,
        GITHUB_RUN_ID: claims.run_id,
        GITHUB_RUN_ATTEMPT: claims.run_attempt,
        GITHUB_JOB: 'train',
      },
    })
    const inputs = {
      'broker-url': w.url,
      'broker-audience': AUDIENCE,
      permissions: 'instance-manager',
      ttl: '1h',
    }
    return { w, job, inputs }
  }

  it("spares an instance the list names with the job's label twice, but Vast shows with another", async () => {
    const { w, job, inputs } = await brokerJob()
    const main = await job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    const label = main.outputs['instance-label'] ?? ''
    const mine = w.vast.addInstance({ label }).id
    const victim = w.vast.addInstance({ label: 'another team: keep me' }).id
    const rows = [mine, mine, victim].map((id) => ({ id, label, cur_state: 'running' }))
    w.vast.inject('instanceList', { type: 'status', status: 200, body: { instances: rows } })
    const post = await job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    expect(w.vast.liveInstances().map((i) => i.id)).toEqual([victim])
    expect(w.vast.requestsFor('instanceDestroy')).toHaveLength(1)
    expect(shown(post)).toContain(`Destroyed Vast.ai instance ${mine} through the key broker.`)
    expect(shown(post)).not.toContain(`instance ${mine} was already gone`)
  })

  it('warns that the instances may still run instead of ending quietly', async () => {
    world = await startWorld({ policy: POLICY })
    const w = world
    const claims = jobClaims()
    job = new RunnerJob({
      actionYml: ACTION_YML,
      env: {
        ...w.oidc.registerJob(claims),
        GITHUB_REPOSITORY: claims.repository,
        GITHUB_RUN_ID: claims.run_id,
        GITHUB_RUN_ATTEMPT: claims.run_attempt,
        GITHUB_JOB: 'train',
      },
    })
    const inputs = {
      'broker-url': w.url,
      'broker-audience': AUDIENCE,
      permissions: 'instance-manager',
      ttl: '1h',
    }
    const main = await job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    const label = main.outputs['instance-label'] ?? ''
    const mine = w.vast.addInstance({ label }).id
    const loop = { instances: [], next_token: 'again' }
    w.vast.inject('instanceList', { type: 'status', status: 200, body: loop }, 10)
    const post = await job.runPost({ inputs })
    expect(w.vast.liveInstances().map((i) => i.id)).toContain(mine)
    expect(post.annotations).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/key broker could not list the job's instances/),
      }),
    )
  })
})

describe('sweep with instances: destroy, against a stale listing', () => {
  it('spares an instance the list shows with an expired label of this repository, but Vast shows with another', async () => {
    const s = await start({ job: { env: { GITHUB_REPOSITORY: CONTEXT.GITHUB_REPOSITORY } } })
    const expired = formatInstanceLabel({
      repository: CONTEXT.GITHUB_REPOSITORY,
      runId: '99',
      runAttempt: '1',
      job: 'train',
      expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 - 7_200_000),
      nonce: '0123456789ab',
    })
    const victim = s.emulator.addInstance({ label: 'another team: keep me' }).id
    const row = { id: victim, label: expired, cur_state: 'running' }
    s.emulator.inject('instanceList', { type: 'status', status: 200, body: { instances: [row] } })
    const result = await s.job.runMain({
      inputs: {
        'admin-api-key': s.emulator.parentKey,
        'api-url': s.emulator.url,
        mode: 'sweep',
        instances: 'destroy',
      },
    })
    expect(s.emulator.liveInstances().map((i) => i.id)).toContain(victim)
    expect(s.emulator.requestsFor('instanceDestroy')).toHaveLength(0)
    expect(shown(result)).toContain(`Left Vast.ai instance ${victim} alone`)
    expect(result.outputs['destroyed-instances']).toBe('[]')
  })
})

describe('sweep with instances: destroy, against a list that names an id twice', () => {
  it('destroys it once and counts it once', async () => {
    const s = await start({ job: { env: { GITHUB_REPOSITORY: CONTEXT.GITHUB_REPOSITORY } } })
    const expired = formatInstanceLabel({
      repository: CONTEXT.GITHUB_REPOSITORY,
      runId: '99',
      runAttempt: '1',
      job: 'train',
      expiresAt: new Date(Math.floor(Date.now() / 1000) * 1000 - 7_200_000),
      nonce: '0123456789ab',
    })
    const id = s.emulator.addInstance({ label: expired }).id
    const row = { id, label: expired, cur_state: 'running' }
    s.emulator.inject('instanceList', {
      type: 'status',
      status: 200,
      body: { instances: [row, row] },
    })
    const result = await s.job.runMain({
      inputs: {
        'admin-api-key': s.emulator.parentKey,
        'api-url': s.emulator.url,
        mode: 'sweep',
        instances: 'destroy',
      },
    })
    expect(result.conclusion).toBe('success')
    expect(s.emulator.liveInstances()).toEqual([])
    expect(s.emulator.requestsFor('instanceDestroy')).toHaveLength(1)
    expect(result.summary).toMatch(/Destroyed 1 instance\(s\); 0 to destroy remain\./)
  })
})
