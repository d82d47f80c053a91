import { afterEach, describe, expect, it } from '@jest/globals'
import { VastEmulator } from '../emulator/vast.ts'
import { formatKeyName, parseKeyName } from '../src/core/key-name.ts'
import { Secret } from '../src/core/secret.ts'
import { VastClient, type PaceMemory } from '../src/core/vast/client.ts'
import { listKeys } from '../src/core/vast/keys.ts'
import { DEFAULT_RETRY } from '../src/core/vast/retry.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { RunnerJob } from '../harness/runner.ts'
import { ACTION_YML } from './support/action.ts'
import { AUDIENCE, callBroker, jobClaims, startWorld, type BrokerWorld } from './support/broker.ts'

// The broker keeps no state, so replicas behind one URL serve a matrix together; per-repository
// limits and the sweep, each against the Vast emulator.

let world: BrokerWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

describe('two replicas behind one round-robin URL', () => {
  it('serve a 20-job matrix: every job gets its own key, every key is gone afterwards', async () => {
    world = await startWorld({ replicas: 2 })
    const w = world
    const jobs = Array.from({ length: 20 }, (_, leg) => leg)
    const minted = await Promise.all(
      jobs.map(async (leg) => {
        const claims = jobClaims({ run_id: '4242', run_attempt: '1' })
        const answer = await callBroker(
          w.url,
          'POST',
          '/v1/keys',
          await w.oidc.sign(claims, { audience: AUDIENCE }),
          {
            permissions: 'instance-reader',
            ttl: '20m',
            'key-name': `matrix-${leg}`,
            job: 'test',
          },
        )
        expect(answer.status).toBe(201)
        return answer.body
      }),
    )
    const ids = new Set(minted.map((body) => body.id))
    const names = new Set(minted.map((body) => body.name))
    expect(ids.size).toBe(20)
    expect(names.size).toBe(20)
    expect(w.vast.liveKeys().filter((key) => parseKeyName(key.name))).toHaveLength(20)
    // Both replicas served; a delete may land on the replica that did not mint.
    expect(w.served).toHaveLength(2)
    for (const count of w.served) expect(count).toBeGreaterThanOrEqual(10)
    await Promise.all(
      minted.map(async (body) => {
        const token = await w.oidc.sign(jobClaims({ run_id: '4242', run_attempt: '1' }), {
          audience: AUDIENCE,
        })
        const answer = await callBroker(w.url, 'DELETE', `/v1/keys/${String(body.id)}`, token)
        expect(answer.body).toMatchObject({ id: body.id, result: 'deleted' })
      }),
    )
    expect(w.vast.liveKeys().filter((key) => parseKeyName(key.name))).toEqual([])
    expect(w.vast.requestsFor('create')).toHaveLength(20)
    expect(w.served.reduce((a, b) => a + b, 0)).toBe(40)
  })
})

describe('a 20-job matrix through dist/, two replicas, the default limits', () => {
  it('gives every job its key and leaves none after the posts', async () => {
    world = await startWorld({ replicas: 2, limits: 'default' })
    const w = world
    const jobs = Array.from(
      { length: 20 },
      () =>
        new RunnerJob({
          actionYml: ACTION_YML,
          env: w.oidc.registerJob(jobClaims({ run_id: '777', run_attempt: '1' })),
        }),
    )
    try {
      const mains = await Promise.all(
        jobs.map((job, leg) =>
          job.runMain({
            inputs: {
              'broker-url': w.url,
              'broker-audience': AUDIENCE,
              permissions: 'instance-reader',
              ttl: '30m',
              'key-name': `leg-${leg}`,
            },
          }),
        ),
      )
      expect(mains.map((main) => main.conclusion)).toEqual(jobs.map(() => 'success'))
      expect(w.vast.liveKeys().filter((key) => parseKeyName(key.name))).toHaveLength(20)
      const posts = await Promise.all(jobs.map((job) => job.runPost()))
      expect(posts.map((post) => post.conclusion)).toEqual(jobs.map(() => 'success'))
      expect(w.vast.liveKeys().filter((key) => parseKeyName(key.name))).toEqual([])
      expect(
        w.logs.filter((line) => line.status === 429 && line.event.startsWith('DELETE')),
      ).toEqual([])
    } finally {
      for (const job of jobs) await job.cleanup()
    }
    // 40 processes of dist/ on a loaded machine: more time than the default, as a hang bound only.
  }, 180_000)
})

describe('per-repository limits', () => {
  it('refuse a repository over its burst with 429 and Retry-After, and leave other repositories alone', async () => {
    world = await startWorld({ limits: { perMinute: 1, burst: 2 } })
    const w = world
    const ask = async (repository: string) =>
      callBroker(
        w.url,
        'POST',
        '/v1/keys',
        await w.oidc.sign(jobClaims({ repository }), { audience: AUDIENCE }),
        {
          permissions: 'read-only',
          ttl: '5m',
        },
      )
    expect((await ask('octo-org/busy')).status).toBe(201)
    expect((await ask('octo-org/busy')).status).toBe(201)
    const refused = await ask('octo-org/busy')
    expect(refused.status).toBe(429)
    expect(refused.body.error).toMatch(/too many requests for octo-org\/busy/)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(w.vast.requestsFor('create')).toHaveLength(2)
    expect((await ask('octo-org/quiet')).status).toBe(201)
  })
})

describe('per-replica admission', () => {
  it('serves repositories in turn: four repositories bursting within their limits do not starve a fifth', async () => {
    world = await startWorld({ limits: { perMinute: 30, burst: 10 } })
    const w = world
    const replica = w.replicas[0]
    // Vast holds every create until the victim waits in the queue: nothing is served meanwhile, so
    // the order below does not depend on how fast this machine is.
    const held = w.vast.inject('create', { type: 'hold' }, 100)
    const mint = async (repository: string) =>
      callBroker(
        w.url,
        'POST',
        '/v1/keys',
        await w.oidc.sign(jobClaims({ repository }), { audience: AUDIENCE }),
        { permissions: 'read-only', ttl: '5m' },
      )
    const attackers = ['a1', 'a2', 'a3', 'a4'].flatMap((name) =>
      Array.from({ length: 10 }, () => mint(`octo-org/${name}`)),
    )
    const early = () => w.logs.filter((line) => line.status === 429).length
    const done = () => w.logs.filter((line) => line.status === 201).length
    // Every attacking request has been admitted, queued or refused.
    while (
      early() + done() + (replica?.admission.queued ?? 0) + (replica?.admission.running ?? 0) <
      40
    )
      await new Promise((resolve) => setTimeout(resolve, 10))
    const queued = replica?.admission.queued ?? 0
    const asked = mint('octo-org/victim')
    while ((replica?.admission.queued ?? 0) <= queued)
      await new Promise((resolve) => setTimeout(resolve, 10))
    const before = done()
    held.release()
    const victim = await asked
    expect(victim.status).toBe(201)
    const served = w.logs.filter((line) => line.status === 201)
    const place = served.findIndex((line) => line.repository === 'octo-org/victim')
    // One round: at most one mint of each attacking repository, and those running, go first.
    expect(place - before).toBeLessThanOrEqual(2 + 4)
    const answers = await Promise.all(attackers)
    const refused = answers.filter((answer) => answer.status === 429)
    expect(refused.length).toBeGreaterThan(0)
    for (const answer of refused) {
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(answer.body.error).toMatch(/try again in \d+ s/)
    }
  })
})

describe('the sweep', () => {
  it('deletes expired job keys only: not live ones, rotation keys, unmanaged keys or the parent', async () => {
    world = await startWorld()
    const w = world
    const past = new Date(Date.now() - 3600_000)
    const future = new Date(Date.now() + 3600_000)
    const name = (kind: 'job' | 'rot', expiresAt: Date) =>
      formatKeyName({
        label: 'x',
        kind,
        expiresAt,
        repository: 'any-org/any',
        runId: '1',
        runAttempt: '1',
        job: 'j',
        nonce: 'ab',
        ...(kind === 'rot' ? { target: '0123456789ab' } : {}),
      })
    const expired = w.vast.addKey({ name: name('job', past) })
    const live = w.vast.addKey({ name: name('job', future) })
    const rotation = w.vast.addKey({ name: name('rot', past) })
    const unmanaged = w.vast.addKey({ name: 'alice laptop' })
    await w.replicas[0]?.sweep()
    expect(w.vast.isLive(expired.key)).toBe(false)
    for (const kept of [live, rotation, unmanaged]) expect(w.vast.isLive(kept.key)).toBe(true)
    expect(w.vast.isLive(w.vast.parentKey)).toBe(true)
    expect(w.logs.find((line) => line.event === 'sweep')).toMatchObject({
      decision: 'allow',
      count: 1,
    })
  })
})

describe('a shared pace (PaceMemory)', () => {
  it("spaces out a second client's calls once the first learned the interval from a 429", async () => {
    const vast = await VastEmulator.start()
    try {
      vast.inject('list', { type: 'status', status: 429, headers: { 'Retry-After': '5' } })
      const pace: PaceMemory = new Map()
      const fetch = await createFetch({})
      const client = (shared: PaceMemory | undefined, waits: number[]) =>
        new VastClient({
          baseUrl: vast.url,
          apiKey: new Secret(vast.parentKey),
          requestTimeoutMs: 5000,
          retry: { ...DEFAULT_RETRY, maxAttempts: 3 },
          fetch,
          ...(shared ? { pace: shared } : {}),
          sleep: (ms) => {
            waits.push(ms)
            return Promise.resolve()
          },
        })
      const first: number[] = []
      await listKeys(client(pace, first))
      expect(first.length).toBeGreaterThan(0) // it waited after the 429
      const second: number[] = []
      await listKeys(client(pace, second))
      expect(second.some((ms) => ms > 1000)).toBe(true) // waited for its slot, asked nothing
      const alone: number[] = []
      await listKeys(client(undefined, alone))
      expect(alone).toEqual([])
      expect(vast.requestsFor('list').filter((r) => r.status === 429)).toHaveLength(1)
    } finally {
      await vast.close()
    }
  })
})
