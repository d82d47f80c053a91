import { afterEach, describe, expect, it } from '@jest/globals'
import { findLeaks, RunnerJob } from '../harness/runner.ts'
import { parseKeyName } from '../src/core/key-name.ts'
import { ACTION_YML, shown } from './support/action.ts'
import { AUDIENCE, callBroker, jobClaims, startWorld, type BrokerWorld } from './support/broker.ts'

// The action's token client through dist/, against the runner's token service as public reports
// show it (5xx, resets) and a broker whose 429s outlast a token: main and post retry the token
// service, every broker attempt sends a fresh token, and each failure says which it is.

let world: BrokerWorld | undefined
const jobs: RunnerJob[] = []
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup()
  await world?.close()
  world = undefined
})

function newJob(w: BrokerWorld) {
  const job = new RunnerJob({ actionYml: ACTION_YML, env: w.oidc.registerJob(jobClaims()) })
  jobs.push(job)
  return job
}

const inputs = (w: BrokerWorld) => ({
  'broker-url': w.url,
  'broker-audience': AUDIENCE,
  permissions: 'instance-reader',
  ttl: '1h',
})
const managed = (w: BrokerWorld) => w.vast.liveKeys().filter((key) => parseKeyName(key.name))

describe("the runner's token service failing", () => {
  it('a 503 and a reset in main are retried: the job gets its key', async () => {
    world = await startWorld()
    const w = world
    w.oidc.tokenFaults.push(503, 'reset')
    const job = newJob(w)
    const main = await job.runMain({ inputs: inputs(w) })
    expect(main.conclusion).toBe('success')
    expect(shown(main)).toMatch(
      /The runner's OIDC token service failed \(HTTP 503\); trying again in 1 s\./,
    )
    expect(managed(w)).toHaveLength(1)
    expect((await job.runPost()).conclusion).toBe('success')
    expect(managed(w)).toEqual([])
  })

  it('a token service that keeps failing is named as such, not as a missing id-token: write', async () => {
    world = await startWorld()
    const w = world
    w.oidc.tokenFaults.push(503, 503, 503, 503, 503)
    const job = newJob(w)
    const main = await job.runMain({ inputs: inputs(w) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /the runner's OIDC token service is failing \(HTTP 503, 5 attempt\(s\)\); this is on GitHub's side, not a missing id-token: write/,
    )
    expect(shown(main)).not.toMatch(/check that the job has permissions/)
    expect(w.logs).toEqual([])
  })

  it('a 503 in post is retried: the key is deleted, not left to the sweep', async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    expect((await job.runMain({ inputs: inputs(w) })).conclusion).toBe('success')
    w.oidc.tokenFaults.push(503)
    const post = await job.runPost()
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Deleted Vast.ai key \d+ through the key broker/)
    expect(managed(w)).toEqual([])
  })
})

describe('tokens that expire', () => {
  it('a retry that outlives its first token sends a fresh one and gets the key', async () => {
    let advanced = false
    world = await startWorld({
      limits: { perMinute: 60, burst: 1 },
      // When the broker refuses the job's first try (429, Retry-After 1 s), ten minutes pass for
      // the broker and the issuer before the job tries again: its first token has expired.
      onLog: (line) => {
        if (line.status === 429 && !advanced) {
          advanced = true
          world?.advance(10 * 60_000)
          if (world) world.oidc.clockOffsetS += 600
        }
      },
    })
    const w = world
    // Another job of the repository took the one mint of the burst.
    const first = await callBroker(
      w.url,
      'POST',
      '/v1/keys',
      await w.oidc.sign(jobClaims({ run_id: '99' }), { audience: AUDIENCE }),
      { ttl: '5m' },
    )
    expect(first.status).toBe(201)
    const job = newJob(w)
    const main = await job.runMain({ inputs: inputs(w) })
    expect(advanced).toBe(true)
    expect(main.conclusion).toBe('success')
    expect(w.logs.filter((line) => line.status === 401)).toEqual([])
    expect(w.oidc.issued.length).toBeGreaterThanOrEqual(2)
    expect(findLeaks(job.logText(), w.oidc.issued)).toEqual([])
  })

  it('post told "expired" says so, and does not blame broker-audience', async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    expect((await job.runMain({ inputs: inputs(w) })).conclusion).toBe('success')
    // The issuer's clock is ten minutes behind: every token it signs has already expired.
    w.oidc.clockOffsetS = -600
    const post = await job.runPost()
    expect(shown(post)).toMatch(/it said the job's OIDC token had expired, also with a fresh one/)
    expect(shown(post)).not.toMatch(/broker-audience/)
    expect(shown(post)).toMatch(/trying again at once with a fresh one/)
  })
})
