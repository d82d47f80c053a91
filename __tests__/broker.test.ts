import { generateKeyPairSync } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parseKeyName } from '../src/core/key-name.ts'
import { AUDIENCE, callBroker, jobClaims, startWorld, type BrokerWorld } from './support/broker.ts'

// The broker end to end over real HTTP: the OIDC issuer emulator signs the tokens, the broker
// checks them and its policy, and the Vast emulator holds the keys. Every attack of issue 15 is
// refused with a message that says what to fix, and leaves no key behind.

let world: BrokerWorld
const tokensUsed: string[] = []

beforeAll(async () => {
  world = await startWorld()
})
afterAll(async () => {
  await world.close()
})

async function token(
  claims = jobClaims(),
  options: Parameters<BrokerWorld['oidc']['sign']>[1] = {},
) {
  const value = await world.oidc.sign(claims, { audience: AUDIENCE, ...options })
  tokensUsed.push(value)
  return value
}

const liveManaged = () => world.vast.liveKeys().filter((key) => parseKeyName(key.name))

describe('minting and deleting', () => {
  it('mints a key within the rule, named like the action keys, and the same run deletes it', async () => {
    const answer = await callBroker(world.url, 'POST', '/v1/keys', await token(), {
      permissions: 'instance_read, instance_write',
      ttl: '1h',
      'key-name': 'gha-train',
      job: 'train',
    })
    expect(answer.status).toBe(201)
    const { id, key, name, expires_at: expiresAt, permissions } = answer.body
    expect(typeof key).toBe('string')
    const record = world.vast.findByValue(key as string)
    expect(record?.id).toBe(id)
    expect(record?.name).toBe(name)
    expect(record?.permissions).toEqual({ api: { instance_read: {}, instance_write: {} } })
    expect(permissions).toEqual(record?.permissions)
    const fields = parseKeyName(name as string)
    expect(fields).toMatchObject({
      label: 'gha-train',
      kind: 'job',
      repository: 'octo-org/gpu-trainer',
      runId: '1234567890',
      runAttempt: '1',
      job: 'train',
    })
    expect(fields?.expiresAt.toISOString().replace('.000', '')).toBe(expiresAt)
    const lifetime = Date.parse(expiresAt as string) - Date.now()
    expect(lifetime).toBeGreaterThan(50 * 60_000)
    expect(lifetime).toBeLessThanOrEqual(3600_000 + 1000)

    const gone = await callBroker(world.url, 'DELETE', `/v1/keys/${String(id)}`, await token())
    expect(gone).toMatchObject({ status: 200, body: { id, result: 'deleted' } })
    expect(world.vast.isLive(key as string)).toBe(false)
    expect(liveManaged()).toEqual([])
  })

  it('gives the whole grant and the rule max-ttl when the request leaves them out', async () => {
    const answer = await callBroker(world.url, 'POST', '/v1/keys', await token(), {})
    expect(answer.status).toBe(201)
    expect(answer.body.permissions).toEqual({
      api: { instance_read: {}, instance_write: {}, misc: {} },
    })
    const deadline = Date.parse(answer.body.expires_at as string)
    expect(deadline - Date.now()).toBeGreaterThan(110 * 60_000)
    await callBroker(world.url, 'DELETE', `/v1/keys/${String(answer.body.id)}`, await token())
    expect(liveManaged()).toEqual([])
  })

  it.each(['/healthz', '/health'])('answers GET %s without a token', async (path) => {
    expect(await callBroker(world.url, 'GET', path, undefined)).toMatchObject({
      status: 200,
      body: { ok: true },
    })
  })
})

describe('every attack is refused and leaves nothing behind', () => {
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
  const attacks: [string, () => Promise<string | undefined>, unknown, number, RegExp][] = [
    ['no token', () => Promise.resolve(undefined), {}, 401, /Authorization: Bearer/],
    ['a token that is not a JWT', () => Promise.resolve('not-a-jwt'), {}, 401, /not a JWT/],
    [
      'wrong audience',
      () => token(jobClaims(), { audience: 'https://elsewhere.example' }),
      {},
      401,
      /audience "https:\/\/vast-broker.example"/,
    ],
    [
      'wrong issuer',
      () => token(jobClaims(), { issuer: 'https://token.example' }),
      {},
      401,
      /not issued by/,
    ],
    [
      'expired beyond the 60 s skew',
      () => token(jobClaims(), { iatOffset: -600, nbfOffset: -600, expOffset: -61 }),
      {},
      401,
      /expired/,
    ],
    [
      'not yet valid beyond the skew',
      () => token(jobClaims(), { nbfOffset: 300 }),
      {},
      401,
      /not valid yet/,
    ],
    [
      'issued in the future',
      () => token(jobClaims(), { iatOffset: 300 }),
      {},
      401,
      /issued in the future/,
    ],
    ['no exp claim', () => token(jobClaims(), { omit: ['exp'] }), {}, 401, /no "exp" claim/],
    ['no nbf claim', () => token(jobClaims(), { omit: ['nbf'] }), {}, 401, /no "nbf" claim/],
    [
      'alg none',
      () => Promise.resolve(world.oidc.unsigned(jobClaims(), AUDIENCE)),
      {},
      401,
      /RS256/,
    ],
    [
      'HS256 signed with the public key',
      () => Promise.resolve(world.oidc.hs256WithPublicKey(jobClaims(), AUDIENCE)),
      {},
      401,
      /RS256/,
    ],
    [
      'unknown kid',
      () => token(jobClaims(), { key: other, kid: 'not-published' }),
      {},
      401,
      /does not publish/,
    ],
    [
      'signed by another key under the issuer kid',
      () => token(jobClaims(), { key: other }),
      {},
      401,
      /signature does not verify/,
    ],
    [
      'claims matching no rule',
      () => token(jobClaims({ repository: 'evil-org/x', repository_owner: 'evil-org' })),
      {},
      403,
      /no rule .* is for evil-org\/x/,
    ],
    [
      'a rule field that does not fit',
      () => token(jobClaims({ ref: 'refs/heads/feature', event_name: 'workflow_dispatch' })),
      {},
      403,
      /rule "trainer-main" wants ref refs\/heads\/main/,
    ],
    [
      'permissions beyond the rule',
      () => token(),
      { permissions: 'instance_read, billing_write' },
      403,
      /does not grant billing_write/,
    ],
    ['ttl beyond the rule', () => token(), { ttl: '3h' }, 403, /max-ttl 2h/],
    [
      'an unknown body field',
      () => token(),
      { permission: 'read-only' },
      400,
      /unknown field "permission"/,
    ],
    [
      'malformed permissions',
      () => token(),
      { permissions: 'instance_raed' },
      400,
      /did you mean instance_read/,
    ],
  ]

  it.each(attacks)('%s', async (_name, makeToken, body, status, message) => {
    const creates = world.vast.requestsFor('create').length
    const answer = await callBroker(world.url, 'POST', '/v1/keys', await makeToken(), body)
    expect(answer.status).toBe(status)
    expect(answer.body.error).toMatch(message)
    expect(world.vast.requestsFor('create').length).toBe(creates)
    expect(liveManaged()).toEqual([])
  })

  it('a refusal names only rules that fit the caller repository', async () => {
    const answer = await callBroker(
      world.url,
      'POST',
      '/v1/keys',
      await token(jobClaims({ ref: 'refs/heads/dev', event_name: 'schedule' })),
      {},
    )
    expect(answer.status).toBe(403)
    expect(answer.body.error).toMatch(/trainer-main/)
    expect(answer.body.error).toMatch(/octo-readers/)
    expect(answer.body.error).not.toMatch(/secret-project|hidden-org/)
  })

  it('a refusal by the deciding rule says permissions and ttl together, and names the near-miss rules', async () => {
    const creates = world.vast.requestsFor('create').length
    const answer = await callBroker(
      world.url,
      'POST',
      '/v1/keys',
      await token(jobClaims({ ref: 'refs/heads/dev', event_name: 'push' })),
      { permissions: 'instance-manager', ttl: '2h' },
    )
    expect(answer.status).toBe(403)
    const error = String(answer.body.error)
    expect(error).toMatch(/permissions: rule "octo-readers" does not grant/)
    expect(error).toMatch(/ttl: 2h is longer than rule "octo-readers" allows \(max-ttl 30m/)
    expect(error).toMatch(
      /Other rules for this repository: rule "trainer-main" wants ref refs\/heads\/main \(this job: refs\/heads\/dev\)/,
    )
    expect(error).not.toMatch(/secret-project|hidden-org/)
    expect(world.vast.requestsFor('create').length).toBe(creates)
  })

  it('a replayed token is refused once it has expired, and mints nothing', async () => {
    const replayed = await token()
    const first = await callBroker(world.url, 'POST', '/v1/keys', replayed, { ttl: '10m' })
    expect(first.status).toBe(201)
    await callBroker(world.url, 'DELETE', `/v1/keys/${String(first.body.id)}`, await token())
    const creates = world.vast.requestsFor('create').length
    world.advance(10 * 60_000)
    try {
      const again = await callBroker(world.url, 'POST', '/v1/keys', replayed, { ttl: '10m' })
      expect(again.status).toBe(401)
      expect(again.body.error).toMatch(/expired/)
    } finally {
      world.advance(-10 * 60_000)
    }
    expect(world.vast.requestsFor('create').length).toBe(creates)
    expect(liveManaged()).toEqual([])
  })

  it('refetches the JWKS for unknown kids at most once per kid, and at most 6 a minute in all', async () => {
    const before = world.oidc.jwksFetches
    for (let i = 0; i < 20; i++) {
      const answer = await callBroker(
        world.url,
        'POST',
        '/v1/keys',
        await token(jobClaims(), { key: other, kid: `unknown-${i}` }),
        {},
      )
      expect(answer.status).toBe(401)
    }
    expect(world.oidc.jwksFetches - before).toBeLessThanOrEqual(6)
    const afterMany = world.oidc.jwksFetches
    for (let i = 0; i < 5; i++) {
      const answer = await callBroker(
        world.url,
        'POST',
        '/v1/keys',
        await token(jobClaims(), { key: other, kid: 'unknown-0' }),
        {},
      )
      expect(answer.status).toBe(401)
    }
    expect(world.oidc.jwksFetches).toBe(afterMany)
  })
})

describe('deleting', () => {
  it("refuses another repository's, another run's, an unmanaged and the parent key; the owner run may", async () => {
    const minted = await callBroker(world.url, 'POST', '/v1/keys', await token(), { ttl: '5m' })
    expect(minted.status).toBe(201)
    const id = String(minted.body.id)
    const tries: [string, string][] = [
      ['another repository', await token(jobClaims({ repository: 'octo-org/other' }))],
      ['another run', await token(jobClaims({ run_id: '999' }))],
    ]
    for (const [, attacker] of tries) {
      const answer = await callBroker(world.url, 'DELETE', `/v1/keys/${id}`, attacker)
      expect(answer.status).toBe(404)
      expect(answer.body.error).toMatch(/only the run that got a key can delete it/)
      expect(world.vast.isLive(minted.body.key as string)).toBe(true)
    }
    const unmanaged = world.vast.addKey({ name: 'alice laptop' })
    for (const target of [unmanaged.id, world.vast.parentKeyId, 987654]) {
      const answer = await callBroker(world.url, 'DELETE', `/v1/keys/${target}`, await token())
      expect(answer.status).toBe(404)
    }
    expect(world.vast.isLive(unmanaged.key)).toBe(true)
    expect(world.vast.isLive(world.vast.parentKey)).toBe(true)
    const expired = await token(jobClaims(), { iatOffset: -600, nbfOffset: -600, expOffset: -120 })
    expect((await callBroker(world.url, 'DELETE', `/v1/keys/${id}`, expired)).status).toBe(401)
    const retry = await token(jobClaims({ run_attempt: '2' }))
    expect(await callBroker(world.url, 'DELETE', `/v1/keys/${id}`, retry)).toMatchObject({
      status: 200,
      body: { result: 'deleted' },
    })
    expect(liveManaged()).toEqual([])
  })
})

describe('deleting needs a rule, as minting does', () => {
  it('refuses a caller no rule fits with 403 before any Vast call: strangers, and a sibling job of the same run', async () => {
    const minted = await callBroker(world.url, 'POST', '/v1/keys', await token(), { ttl: '5m' })
    expect(minted.status).toBe(201)
    const id = String(minted.body.id)
    const before = world.vast.requests.length
    const callers = [
      // A repository with no rule at all: its token's audience is just the broker's URL.
      jobClaims({ repository: 'random-user/anything', repository_owner: 'random-user' }),
      // The same repository and run, a job whose claims fit no rule (a feature branch).
      jobClaims({ ref: 'refs/heads/evil', event_name: 'workflow_dispatch' }),
    ]
    for (const claims of callers) {
      const answer = await callBroker(world.url, 'DELETE', `/v1/keys/${id}`, await token(claims))
      expect(answer.status).toBe(403)
      expect(answer.body.error).toMatch(/no rule of the broker's policy/)
    }
    expect(world.vast.requests.length).toBe(before)
    expect(world.vast.isLive(minted.body.key as string)).toBe(true)
    const own = await callBroker(world.url, 'DELETE', `/v1/keys/${id}`, await token())
    expect(own).toMatchObject({ status: 200, body: { result: 'deleted' } })
  })
})

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe('a client that goes away mid-mint', () => {
  it('gets no key: the key made after it left is deleted, and the log says client-gone, not 201', async () => {
    const creates = world.vast.requestsFor('create').length
    const logged = world.logs.length
    const live = liveManaged().length
    // Vast answers the create late: the job has gone by then.
    world.vast.inject('create', { type: 'delay', ms: 1500 })
    const abort = new AbortController()
    const answer = fetch(`${world.url}/v1/keys`, {
      method: 'POST',
      signal: abort.signal,
      headers: { Authorization: `Bearer ${await token()}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ permissions: 'instance_read', ttl: '2h' }),
    }).catch((error: unknown) => error)
    await until(() => world.vast.requestsFor('create').length > creates)
    abort.abort()
    expect(await answer).toMatchObject({ name: 'AbortError' })
    const gone = () => world.logs.slice(logged).find((l) => l.reason?.startsWith('client-gone'))
    await until(() => gone() !== undefined)
    expect(gone()).toMatchObject({ event: 'POST /v1/keys', decision: 'error' })
    expect(gone()?.reason).toMatch(/deleted/)
    expect(liveManaged()).toHaveLength(live)
    // No log line claims a key was delivered.
    expect(world.logs.slice(logged).some((line) => line.status === 201)).toBe(false)
  })
})

describe("Vast's own error text", () => {
  it('stays in the log; the caller gets a fixed text with a request id that finds the log line', async () => {
    const echo = `echo: PARENT=${world.vast.parentKey} name=<script>`
    world.vast.inject('create', {
      type: 'status',
      status: 400,
      body: { success: false, error: 'bad', msg: echo },
    })
    const answer = await callBroker(world.url, 'POST', '/v1/keys', await token(), { ttl: '5m' })
    expect(answer.status).toBe(502)
    const error = String(answer.body.error)
    expect(error).not.toMatch(/echo|script|HTTP 400|PARENT/)
    const requestId = /request id ([0-9a-f-]{36})/.exec(error)?.[1]
    expect(requestId).toBeDefined()
    const line = world.logs.find((entry) => entry.request_id === requestId)
    expect(line).toMatchObject({ decision: 'error', status: 502 })
    expect(line?.reason).toMatch(/echo: PARENT=\*\*\* name=<script>/)
    expect(world.vast.requestsFor('create').at(-1)?.status).toBe(400)
  })
})

describe('the log', () => {
  it('is JSON lines with repository, run, key id and decision, and never a key or a token', () => {
    expect(world.logs.length).toBeGreaterThan(20)
    const text = world.logs.map((line) => JSON.stringify(line)).join('\n')
    const allow = world.logs.find(
      (line) => line.event === 'POST /v1/keys' && line.decision === 'allow',
    )
    expect(allow).toMatchObject({
      repository: 'octo-org/gpu-trainer',
      run: '1234567890-1',
      rule: 'trainer-main',
    })
    expect(typeof allow?.key_id).toBe('number')
    expect(
      world.logs.some((line) => line.decision === 'deny' && line.reason?.includes('audience')),
    ).toBe(true)
    for (const record of world.vast.keys()) expect(text).not.toContain(record.key)
    expect(tokensUsed.length).toBeGreaterThan(20)
    for (const used of tokensUsed) {
      expect(text).not.toContain(used)
      // Not even the signature part alone.
      expect(text).not.toContain(used.split('.')[2] ?? used)
    }
  })
})
