import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { findLeaks, RunnerJob } from '../harness/runner.ts'
import { parseKeyName } from '../src/core/key-name.ts'
import { ACTION_YML, keyStatus, shown } from './support/action.ts'
import { AUDIENCE, jobClaims, startWorld, type BrokerWorld } from './support/broker.ts'

// The committed dist/ with broker-url, run as the runner runs it: the job has no Vast secret at
// all, only the runner's OIDC token request variables (from the OIDC issuer emulator). The broker
// holds the parent key of the Vast emulator.

let world: BrokerWorld | undefined
const jobs: RunnerJob[] = []
afterEach(async () => {
  for (const job of jobs.splice(0)) await job.cleanup()
  await world?.close()
  world = undefined
})

function newJob(
  w: BrokerWorld,
  env: Record<string, string | undefined> = {},
  claims = jobClaims(),
) {
  const job = new RunnerJob({
    actionYml: ACTION_YML,
    env: { ...w.oidc.registerJob(claims), ...env },
  })
  jobs.push(job)
  return job
}

const brokerInputs = (w: BrokerWorld, extra: Record<string, string> = {}) => ({
  'broker-url': w.url,
  'broker-audience': AUDIENCE,
  permissions: 'instance-manager',
  ttl: '1h',
  ...extra,
})

const managed = (w: BrokerWorld) => w.vast.liveKeys().filter((key) => parseKeyName(key.name))

describe('create mode with broker-url, end to end through dist/', () => {
  it('gets a scoped key for a job with no Vast secret, hands it out as create does, and post deletes it', async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    const main = await job.runMain({
      inputs: brokerInputs(w, { 'export-env': 'true' }),
      debug: true,
    })
    expect(shown(main)).not.toMatch(/error/i)
    expect(main.conclusion).toBe('success')
    const key = main.outputs['api-key'] ?? ''
    const record = w.vast.findByValue(key)
    expect(record?.permissions).toEqual({
      api: { instance_read: {}, instance_write: {}, misc: {} },
    })
    expect(main.outputs['key-id']).toBe(String(record?.id))
    expect(main.outputs['key-name']).toBe(record?.name)
    expect(parseKeyName(record?.name ?? '')).toMatchObject({
      kind: 'job',
      label: 'gha-train',
      repository: 'octo-org/gpu-trainer',
      runId: '1234567890',
      job: 'train',
    })
    expect(job.exportedEnv.VAST_API_KEY).toBe(key)
    // Live (403: it holds no user_read), and 401 once deleted.
    expect(await keyStatus(w.vast, key)).toBe(403)
    // The OIDC token and the key are masked; neither is in state.
    const [token] = w.oidc.issued
    expect(main.masks).toEqual(expect.arrayContaining([token, key]))
    expect(main.masks.indexOf(token ?? '')).toBeLessThan(main.masks.indexOf(key))
    const state = Object.values(main.state).join('\n')
    expect(state).not.toContain(key)
    expect(state).not.toContain(token)

    const post = await job.runPost({ debug: true })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Deleted Vast.ai key \d+ through the key broker/)
    expect(await keyStatus(w.vast, key)).toBe(401)
    expect(managed(w)).toEqual([])
    expect(w.oidc.issued).toHaveLength(2)
    expect(
      findLeaks(job.logText(), [...w.oidc.issued, ...w.vast.keys().map((k) => k.key)]),
    ).toEqual([])
  })

  it('a delete whose answer was lost (502), tried again, ends as gone, not as "not a key of this run"', async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    const main = await job.runMain({ inputs: brokerInputs(w) })
    expect(main.conclusion).toBe('success')
    // Vast applies the first delete and its answers are lost until the broker gives up: 502.
    w.vast.inject('delete', { type: 'non-json', apply: true }, 4)
    const post = await job.runPost()
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/is gone: an earlier attempt of this delete got no clear answer/)
    expect(shown(post)).not.toMatch(/warning|error/i)
    expect(managed(w)).toEqual([])
  })

  it('export-config writes the key file in main and post removes it, as in create mode', async () => {
    world = await startWorld()
    const w = world
    const xdg = mkdtempSync(join(tmpdir(), 'broker-xdg-'))
    const job = newJob(w, { XDG_CONFIG_HOME: xdg })
    const file = join(xdg, 'vastai', 'vast_api_key')
    const main = await job.runMain({ inputs: brokerInputs(w, { 'export-config': 'true' }) })
    expect(main.conclusion).toBe('success')
    expect(readFileSync(file, 'utf8')).toBe(main.outputs['api-key'])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const post = await job.runPost()
    expect(post.conclusion).toBe('success')
    expect(existsSync(file)).toBe(false)
    expect(managed(w)).toEqual([])
  })

  it('a job without id-token: write is told so, and nothing is asked of the broker', async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w, {
      ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
    })
    const main = await job.runMain({ inputs: brokerInputs(w) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/permissions: id-token: write/)
    expect(w.logs).toEqual([])
    const post = await job.runPost()
    expect(post.conclusion).toBe('success')
    expect(managed(w)).toEqual([])
  })

  it('a broker-url whose host does not resolve names that host (a typo in the URL)', async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    // .invalid never resolves (RFC 6761).
    const main = await job.runMain({
      inputs: brokerInputs(w, { 'broker-url': 'https://vast-broker.invalid', 'max-attempts': '1' }),
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /could not reach the key broker \((ENOTFOUND|EAI_AGAIN): the host name vast-broker\.invalid did not resolve\)/,
    )
    expect(managed(w)).toEqual([])
  })

  it('broker-url together with admin-api-key is refused, naming both, before any request', async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    // The broker's own start-up look at its parent key (GET /users/current) is all Vast has seen.
    const atStart = w.vast.requests.length
    const main = await job.runMain({
      inputs: brokerInputs(w, { 'admin-api-key': w.vast.parentKey, 'api-url': w.vast.url }),
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/Input 'broker-url': it is set together with 'admin-api-key'/)
    expect(w.oidc.issued).toEqual([])
    expect(w.logs).toEqual([])
    expect(w.vast.requests.length).toBe(atStart)
  })

  it("without ttl, asks for none and gets the rule's max-ttl (shorter than 6h); expires-at is the broker's", async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    const before = Date.now()
    const inputs: Record<string, string> = brokerInputs(w)
    delete inputs.ttl
    const main = await job.runMain({ inputs })
    expect(shown(main)).not.toMatch(/error/i)
    expect(main.conclusion).toBe('success')
    const record = w.vast.findByValue(main.outputs['api-key'] ?? '')
    const deadline = parseKeyName(record?.name ?? '')?.expiresAt
    expect(main.outputs['expires-at']).toBe(deadline?.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    const after = Date.now()
    const expiresAt = Date.parse(main.outputs['expires-at'] ?? '')
    // trainer-main's max-ttl is 2h: the action's own 6h default was not sent. The broker read its
    // clock between `before` (read before main started) and `after` (read after it ended), and
    // rounds the deadline up to a whole second.
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * 3_600_000 - 1000)
    expect(expiresAt).toBeLessThanOrEqual(after + 2 * 3_600_000 + 1000)
    expect((await job.runPost()).conclusion).toBe('success')
    expect(managed(w)).toEqual([])
  })

  it("a request beyond the policy fails with the broker's reason and leaves nothing", async () => {
    world = await startWorld()
    const w = world
    const job = newJob(w)
    const main = await job.runMain({ inputs: brokerInputs(w, { ttl: '5h' }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /HTTP 403: ttl: 5h is longer than rule "trainer-main" allows \(max-ttl 2h;/,
    )
    const post = await job.runPost()
    expect(post.conclusion).toBe('success')
    expect(managed(w)).toEqual([])
    expect(w.vast.requestsFor('create')).toEqual([])
  })

  it('a matrix of 6 jobs through two replicas: distinct keys, all gone after post', async () => {
    world = await startWorld({ replicas: 2 })
    const w = world
    const legs = Array.from({ length: 6 }, () =>
      newJob(w, { GITHUB_JOB: 'test' }, jobClaims({ run_id: '777' })),
    )
    const mains = await Promise.all(
      legs.map((job, leg) =>
        job.runMain({
          inputs: brokerInputs(w, { permissions: 'instance-reader', 'key-name': `leg-${leg}` }),
          env: { GITHUB_RUN_ID: '777', GITHUB_JOB: 'test' },
        }),
      ),
    )
    for (const main of mains) expect(main.conclusion).toBe('success')
    expect(new Set(mains.map((m) => m.outputs['key-id'])).size).toBe(6)
    expect(managed(w)).toHaveLength(6)
    const posts = await Promise.all(
      legs.map((job) => job.runPost({ env: { GITHUB_RUN_ID: '777' } })),
    )
    for (const post of posts) expect(post.conclusion).toBe('success')
    expect(managed(w)).toEqual([])
    for (const count of w.served) expect(count).toBeGreaterThan(0)
  })
})

describe("the action's bundle", () => {
  it('loads nothing of the broker: no jose, no src/broker/ module', () => {
    const dist = new URL('../dist/', import.meta.url)
    const files = readdirSync(dist).filter((file) => file.endsWith('.js'))
    expect(files.length).toBeGreaterThan(2)
    for (const file of files) {
      const text = readFileSync(new URL(file, dist), 'utf8')
      expect(text).not.toMatch(/createRemoteJWKSet|jwtVerify|node_modules\/jose/)
      expect(text).not.toMatch(/broker\/(server|policy|token|keys|wiring)\.ts/)
    }
  })
})
