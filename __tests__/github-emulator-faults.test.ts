import { describe, expect, it } from '@jest/globals'
import {
  ADMIN,
  READER,
  expectRateLimitHeaders,
  gh,
  putSecret,
  useGitHubEmulators,
} from './support/github-http.ts'

// The GitHub emulator's injected faults, rate limits and request records.

const start = useGitHubEmulators()

describe('faults', () => {
  const base = '/repos/acme/app/actions/secrets'

  it('answers an injected status with its body and headers, without applying', async () => {
    const emu = await start()
    emu.inject('putSecret', {
      type: 'status',
      status: 502,
      body: { message: 'Bad gateway' },
      headers: { 'X-Test': '1' },
    })
    const answer = await putSecret(emu, base, 'A', 'v')
    expect(answer.status).toBe(502)
    expect(answer.body).toEqual({ message: 'Bad gateway' })
    expect(answer.headers.get('x-test')).toBe('1')
    expectRateLimitHeaders(answer)
    expect(emu.secrets()).toEqual([])
    expect((await putSecret(emu, base, 'A', 'v')).status).toBe(201)

    emu.inject('publicKey', { type: 'status', status: 500 }, 2)
    expect((await gh(emu, 'GET', `${base}/public-key`)).body['message']).toBe('Injected status 500')
    expect((await gh(emu, 'GET', `${base}/public-key`)).status).toBe(500)
    expect((await gh(emu, 'GET', `${base}/public-key`)).status).toBe(200)
    emu.inject('repo', { type: 'status', status: 503, body: 'plain text' })
    const plain = await gh(emu, 'GET', '/repos/acme/app')
    expect(plain.status).toBe(503)
    expect(plain.text).toBe('plain text')
  })

  it('injects a primary rate limit with GitHub headers', async () => {
    const emu = await start()
    emu.inject('publicKey', { type: 'rate-limit', kind: 'primary' })
    const before = Date.now() / 1000
    const answer = await gh(emu, 'GET', `${base}/public-key`)
    expect(answer.status).toBe(403)
    expect(answer.body['message']).toMatch(/^API rate limit exceeded for /)
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(answer.headers.get('x-ratelimit-limit')).toBe('5000')
    expect(answer.headers.get('x-ratelimit-resource')).toBe('core')
    const reset = Number(answer.headers.get('x-ratelimit-reset'))
    expect(reset).toBeGreaterThan(before)
    expect(reset).toBeLessThanOrEqual(before + 3)
    expect(answer.headers.get('retry-after')).toBeNull()
    expect((await gh(emu, 'GET', `${base}/public-key`)).status).toBe(200)

    emu.inject('orgPutSecret', {
      type: 'rate-limit',
      kind: 'primary',
      retryAfterSeconds: 30,
      status: 429,
    })
    const org = await putSecret(emu, '/orgs/acme/actions/secrets', 'A', 'v', { visibility: 'all' })
    expect(org.status).toBe(429)
    expect(Number(org.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(before + 30)
    expect(emu.secrets()).toEqual([])
  })

  it('injects a secondary rate limit with retry-after, as 403 or 429', async () => {
    const emu = await start()
    emu.inject('putSecret', { type: 'rate-limit', kind: 'secondary', retryAfterSeconds: 7 })
    emu.inject('putSecret', { type: 'rate-limit', kind: 'secondary', status: 429 })
    const first = await putSecret(emu, base, 'A', 'v')
    expect(first.status).toBe(403)
    expect(first.headers.get('retry-after')).toBe('7')
    expect(first.body['message']).toMatch(/^You have exceeded a secondary rate limit/)
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0)
    expectRateLimitHeaders(first)
    const second = await putSecret(emu, base, 'A', 'v')
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBe('1')
    expect(emu.secrets()).toEqual([])
    expect((await putSecret(emu, base, 'A', 'v')).status).toBe(201)
  })

  it('delays an answer, then applies the request', async () => {
    const emu = await start()
    emu.inject('envPutSecret', { type: 'delay', ms: 150 })
    const t0 = performance.now()
    const env = '/repos/acme/app/environments/production/secrets'
    expect((await putSecret(emu, env, 'A', 'v')).status).toBe(201)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140)

    emu.inject('publicKey', { type: 'delay', ms: 2000 })
    const timedOut = gh(emu, 'GET', `${base}/public-key`, { signal: AbortSignal.timeout(50) })
    await expect(timedOut).rejects.toThrow()
  })

  it('resets the connection without applying, or applies and loses the answer', async () => {
    const emu = await start()
    emu.inject('putSecret', { type: 'reset' })
    await expect(putSecret(emu, base, 'A', 'v')).rejects.toThrow()
    expect(emu.secrets()).toEqual([])
    emu.inject('putSecret', { type: 'lost' })
    await expect(putSecret(emu, base, 'A', 'v')).rejects.toThrow()
    expect(emu.secret({ repository: 'acme/app' }, 'A')).toMatchObject({ value: 'v', writes: 1 })
    expect((await putSecret(emu, base, 'A', 'w')).status).toBe(204)
    const puts = emu.requestsFor('putSecret')
    expect(puts.map((r) => [r.status, r.fault])).toEqual([
      [null, 'reset'],
      [null, 'lost'],
      [204, null],
    ])
  })

  it('takes faults FIFO per route, and clears them', async () => {
    const emu = await start()
    emu.inject('getSecret', { type: 'status', status: 500 })
    emu.inject('getSecret', { type: 'status', status: 502 })
    emu.inject('orgGetSecret', { type: 'status', status: 503 })
    expect((await gh(emu, 'GET', `${base}/A`)).status).toBe(500)
    expect((await gh(emu, 'GET', '/repos/acme/app/environments/production/secrets/A')).status).toBe(
      404,
    )
    expect((await gh(emu, 'GET', `${base}/A`)).status).toBe(502)
    expect((await gh(emu, 'GET', `${base}/A`)).status).toBe(404)
    emu.clearFaults()
    expect((await gh(emu, 'GET', '/orgs/acme/actions/secrets/A')).status).toBe(404)
    expect(() => emu.inject('repo', { type: 'reset' }, 0)).toThrow(RangeError)
  })
})

describe('rate limits and records', () => {
  it('counts requests per token and refuses with 403 once the allowance is spent', async () => {
    const emu = await start({ rateLimit: 3 })
    const path = '/repos/acme/app'
    const answers = []
    for (let i = 0; i < 4; i++) answers.push(await gh(emu, 'GET', path))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 403])
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0'])
    expect(answers.map((a) => a.headers.get('x-ratelimit-used'))).toEqual(['1', '2', '3', '3'])
    expect(answers[3]?.body['message']).toMatch(/^API rate limit exceeded/)
    expect((await gh(emu, 'GET', path, { token: READER })).status).toBe(200)
  })

  it('records every request with its route, status, token and body', async () => {
    const emu = await start()
    emu.inject('repo', { type: 'status', status: 500 })
    await gh(emu, 'GET', '/repos/acme/app?x=1', { token: READER })
    await putSecret(emu, '/repos/acme/app/actions/secrets', 'A', 'v')
    await gh(emu, 'GET', '/nowhere', { token: null })
    expect(emu.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/repos/acme/app',
        route: 'repo',
        status: 500,
        token: READER,
        body: null,
        fault: 'status',
      }),
      expect.objectContaining({ route: 'publicKey', status: 200, token: ADMIN }),
      expect.objectContaining({
        method: 'PUT',
        path: '/repos/acme/app/actions/secrets/A',
        route: 'putSecret',
        status: 201,
        body: { encrypted_value: expect.any(String), key_id: expect.any(String) },
        fault: null,
      }),
      expect.objectContaining({ route: null, status: 401, token: null }),
    ])
  })
})
