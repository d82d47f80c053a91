import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from '@jest/globals'
import { RunnerJob } from '../harness/runner.ts'
import { formatInstanceLabel } from '../src/core/instance-label.ts'
import { ACTION_YML, shown } from './support/action.ts'
import { AUDIENCE, jobClaims, startWorld, TEST_POLICY, type BrokerWorld } from './support/broker.ts'

// Broker mode with a rule that has destroy-instances: true, from dist/: the key comes with the
// job's instance label, and the DELETE that ends the key destroys the job's instances; the
// broker's sweep destroys expired labelled instances and nothing else.

const STEP = fileURLToPath(new URL('../scripts/demo-instances-step.mjs', import.meta.url))
const POLICY = TEST_POLICY.replace(
  '    permissions: instance-manager\n    max-ttl: 2h\n',
  '    permissions: instance-manager\n    max-ttl: 2h\n    destroy-instances: true\n',
)

let world: BrokerWorld | undefined
const jobs: RunnerJob[] = []
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup()
  await world?.close()
  world = undefined
})

const claims = jobClaims()
const env = {
  GITHUB_REPOSITORY: claims.repository,
  GITHUB_RUN_ID: claims.run_id,
  GITHUB_RUN_ATTEMPT: claims.run_attempt,
  GITHUB_JOB: 'train',
}

describe('broker mode with destroy-instances', () => {
  it("hands out the instance label, and the key's DELETE destroys the job's instances after a cancel", async () => {
    expect(POLICY).toContain('destroy-instances: true')
    world = await startWorld({ policy: POLICY })
    const w = world
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: { ...w.oidc.registerJob(claims), ...env },
    })
    jobs.push(job)
    const inputs = {
      'broker-url': w.url,
      'broker-audience': AUDIENCE,
      permissions: 'instance-manager',
      ttl: '1h',
      'export-env': 'true',
    }
    const main = await job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    const label = main.outputs['instance-label'] ?? ''
    expect(label).toMatch(/^vski1:octo-org\/gpu-trainer:1234567890\.1:train:/)
    expect(main.exportedEnv['VAST_INSTANCE_LABEL']).toBe(label)
    const other = w.vast.addInstance({
      label: label.replace(/\.[0-9a-f]{12}$/, '.000000000000'),
    }).id
    const person = w.vast.addInstance({ label: 'alice notebook' }).id
    let created = 0
    let resolve: () => void = () => {}
    const both = new Promise<void>((r) => (resolve = r))
    const step = await job.runStep(STEP, {
      env: { VAST_URL: w.vast.url, COUNT: '2', OFFER_BASE: '52000', HANG: '1' },
      onOutput: (line) => {
        if (line.startsWith('CREATED ') && ++created === 2) resolve()
      },
      cancelAfter: { when: both },
    })
    expect(step.conclusion).toBe('cancelled')
    const mine = w.vast
      .liveInstances()
      .filter((i) => i.label === label)
      .map((i) => i.id)
    expect(mine).toHaveLength(2)
    const post = await job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    for (const id of mine) {
      expect(shown(post)).toContain(`Destroyed Vast.ai instance ${id} through the key broker.`)
    }
    expect(new Set(w.vast.liveInstances().map((i) => i.id))).toEqual(new Set([other, person]))
  })

  it('gives no label and destroys nothing under a rule without destroy-instances', async () => {
    world = await startWorld()
    const w = world
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: { ...w.oidc.registerJob(claims), ...env },
    })
    jobs.push(job)
    const inputs = {
      'broker-url': w.url,
      'broker-audience': AUDIENCE,
      permissions: 'instance-manager',
      ttl: '1h',
    }
    const main = await job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    expect(main.outputs['instance-label']).toBeUndefined()
    await job.runPost({ inputs })
    expect(w.vast.requestsFor('instanceList')).toHaveLength(0)
  })

  it("the broker's sweep destroys expired labelled instances and nothing else", async () => {
    world = await startWorld({ policy: POLICY })
    const w = world
    const at = (offsetMs: number, repository = 'octo-org/gpu-trainer') =>
      formatInstanceLabel({
        repository,
        runId: '77',
        runAttempt: '1',
        job: 'train',
        expiresAt: new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000),
        nonce: 'abcdefabcdef',
      })
    const expired = [
      w.vast.addInstance({ label: at(-3_600_000) }).id,
      w.vast.addInstance({ label: at(-60_000, 'other/repo') }).id,
    ]
    const kept = [
      w.vast.addInstance({ label: at(3_600_000) }).id,
      w.vast.addInstance({ label: ` ${at(-3_600_000)}` }).id,
      w.vast.addInstance({ label: at(-3_600_000).toUpperCase() }).id,
      w.vast.addInstance({ label: 'nightly' }).id,
      w.vast.addInstance({ label: null }).id,
    ]
    await w.replicas[0]?.sweep()
    const live = new Set(w.vast.liveInstances().map((i) => i.id))
    for (const id of expired) expect(live.has(id)).toBe(false)
    expect(live).toEqual(new Set(kept))
    expect(w.logs.some((l) => /instances destroyed 2, failed 0/.test(String(l.reason)))).toBe(true)
  })
})
