import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { Secret } from '../src/core/secret.ts'
import { VastClient, type CallOptions } from '../src/core/vast/client.ts'
import { VastApiError } from '../src/core/vast/errors.ts'
import {
  backoffDelay,
  parseRetryAfter,
  parseThreshold,
  rateLimitDelay,
  rateLimitIntervals,
} from '../src/core/vast/retry.ts'
import type { FetchLike } from '../src/core/vast/transport.ts'
import { USER_AGENT, VERSION } from '../src/core/version.ts'
import { TOO_MANY_FORMS, tooManyRequests } from '../emulator/vast-http.ts'

// These tests drive the retry loop with scripted answers and a fake clock: no real waiting. The
// same client is exercised over real HTTP against the emulator in the end-to-end tests.

type Answer = Response | Error
const KEY = 'k'.repeat(64)

function harness(answers: Answer[], options: { maxAttempts?: number; deadline?: number } = {}) {
  let clock = 1_000_000
  const sleeps: number[] = []
  const requests: { url: string; init: RequestInit }[] = []
  const fetch: FetchLike = (url, init) => {
    requests.push({ url, init })
    const answer = answers.shift()
    if (!answer) throw new Error('no more scripted answers')
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer)
  }
  const client = new VastClient({
    baseUrl: 'https://vast.test/prefix',
    apiKey: new Secret(KEY),
    requestTimeoutMs: 5000,
    retry: { maxAttempts: options.maxAttempts ?? 5, baseDelayMs: 1000, maxDelayMs: 30_000 },
    fetch,
    ...(options.deadline ? { deadline: options.deadline } : {}),
    now: () => clock,
    random: () => 0.5,
    sleep: (ms) => {
      sleeps.push(ms)
      clock += ms
      return Promise.resolve()
    },
  })
  return { client, sleeps, requests }
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers })
const networkError = (code: string) =>
  Object.assign(new TypeError('fetch failed'), { cause: { code } })

const get: CallOptions = {
  operation: 'List API keys',
  method: 'GET',
  path: '/auth/apikeys/',
  idempotent: true,
}
const create: CallOptions = {
  operation: 'Create API key',
  method: 'POST',
  path: '/auth/apikeys/',
  body: { name: 'n' },
  idempotent: false,
}

async function failure(promise: Promise<unknown>): Promise<VastApiError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof VastApiError) return error
    throw error
  }
  throw new Error('expected a VastApiError')
}

describe('VastClient', () => {
  it('sends the key as a Bearer header only, to the prefixed URL', async () => {
    const { client, requests } = harness([json(200, { apikeys: [] })])
    await client.call(get)
    const [request] = requests
    expect(request?.url).toBe('https://vast.test/prefix/api/v0/auth/apikeys/')
    expect(request?.url).not.toContain('api_key')
    expect((request?.init.headers as Record<string, string>).Authorization).toBe(`Bearer ${KEY}`)
  })

  it('sends its User-Agent, with the version package.json says', async () => {
    const { client, requests } = harness([json(200, { apikeys: [] })])
    await client.call(get)
    const headers = requests[0]?.init.headers as Record<string, string>
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }
    expect(VERSION).toBe(version) // npm run build rewrites src/core/version.ts
    expect(headers['User-Agent']).toBe(`vast-scoped-key/${version}`)
    expect(USER_AGENT).toBe(`vast-scoped-key/${version}`)
  })

  it.each([
    ['an HTML', '<html><body><h1>403 Forbidden</h1></body></html>'],
    ['an empty', ''],
  ])('says a 403 with %s body came from an edge, not from Vast', async (_, body) => {
    const { client, requests } = harness([new Response(body, { status: 403 })])
    const error = await failure(client.call(create))
    expect(requests).toHaveLength(1)
    expect(error).toMatchObject({ status: 403, edge: true, retryable: false })
    expect(error.message).toMatch(/edge or proxy in front of .*API/)
    expect(error.message).toMatch(/says nothing about the key/)
  })

  it("takes Vast's JSON 403 as Vast's answer", async () => {
    const { client } = harness([json(403, { msg: 'Insufficient permissions' })])
    const error = await failure(client.call(get))
    expect(error.edge).toBe(false)
    expect(error.message).toBe('List API keys failed: HTTP 403: Insufficient permissions')
  })

  it('sends {} with DELETE, as the official CLI does', async () => {
    const { client, requests } = harness([json(200, 'Successfully Deleted API Key')])
    await client.call({
      operation: 'Delete',
      method: 'DELETE',
      path: '/auth/apikeys/1/',
      idempotent: true,
    })
    expect(requests[0]?.init.body).toBe('{}')
  })

  it('retries 5xx and network errors with growing, jittered waits', async () => {
    const { client, sleeps } = harness([
      json(502, { msg: 'bad gateway' }),
      networkError('ECONNRESET'),
      json(503, {}),
      json(200, { ok: 1 }),
    ])
    await expect(client.call(get)).resolves.toEqual({ status: 200, data: { ok: 1 } })
    expect(sleeps).toEqual([500, 1000, 2000])
  })

  it('honours Retry-After and the threshold a plain-text 429 names', async () => {
    const { client, sleeps } = harness([
      new Response('slow down', { status: 429, headers: { 'Retry-After': '3' } }),
      new Response('API requests too frequent endpoint threshold=2.0', { status: 429 }),
      json(200, {}),
    ])
    await client.call(get)
    // Retry-After is a floor (plus a quarter of list's documented 1 s interval at random() = 0.5);
    // then 2 intervals of the 2 s the threshold names (jitter x1 at random() = 0.5)
    expect(sleeps).toEqual([3000 + 0.25 * 1000, 2 * 2000])
  })

  it('keeps waiting out 429s past max-attempts, until the deadline', async () => {
    const refusals = () =>
      Array.from(
        { length: 8 },
        () => new Response('API requests too frequent endpoint threshold=2.0', { status: 429 }),
      )
    const { client, requests } = harness([...refusals(), json(200, {})], { maxAttempts: 2 })
    await expect(client.call(get)).resolves.toMatchObject({ status: 200 })
    expect(requests).toHaveLength(9)

    const bounded = harness(refusals(), { deadline: 1_000_000 + 10_000 })
    const error = await failure(bounded.client.call(get))
    expect(error.message).toMatch(/HTTP 429|rate limit/)
    expect(bounded.requests.length).toBeLessThan(5)
  })

  it('backs off after 429s by doubling, with a last try an interval before the deadline', async () => {
    const refusals = Array.from(
      { length: 7 },
      () => new Response('API requests too frequent endpoint threshold=2.0', { status: 429 }),
    )
    const { client, sleeps, requests } = harness(refusals, { deadline: 1_000_000 + 60_000 })
    const error = await failure(client.call(get))
    // 2, 4, 8, 16 s (jitter x1 at random() = 0.5); 32 s would pass the deadline: 28 s instead
    expect(sleeps).toEqual([2000, 4000, 8000, 16000, 28000])
    expect(requests).toHaveLength(6)
    expect(error.message).toMatch(/HTTP 429.*no time left/)
  })

  it('says a long rate-limit wait in the step log, and only a long one', async () => {
    const said: string[] = []
    let clock = 0
    const answers = [
      ...Array.from(
        { length: 4 },
        () => new Response('API requests too frequent endpoint threshold=2.0', { status: 429 }),
      ),
      json(200, {}),
    ]
    const client = new VastClient({
      baseUrl: 'https://vast.test',
      apiKey: new Secret(KEY),
      requestTimeoutMs: 5000,
      retry: { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 30_000 },
      fetch: () => Promise.resolve(answers.shift() ?? json(500, {})),
      now: () => clock,
      random: () => 0.5,
      sleep: (ms) => {
        clock += ms
        return Promise.resolve()
      },
      info: (message) => said.push(message),
    })
    await client.call(get)
    // waits of 2, 4, 8 and 16 s: only the 16 s one is said
    expect(said).toEqual([
      'List API keys: rate limited by Vast (4 429s in a row; jobs sharing a parent key share its rate); trying again in 16 s.',
    ])
  })

  it('spaces later calls on a route that answered 429, and only that route', async () => {
    const del = (id: number): CallOptions => ({
      operation: `Delete ${id}`,
      method: 'DELETE',
      path: `/auth/apikeys/${id}/`,
      idempotent: true,
    })
    const { client, sleeps } = harness([
      new Response('API requests too frequent endpoint threshold=2.0', { status: 429 }),
      json(200, 'ok'),
      json(200, 'ok'),
      json(200, { apikeys: [] }),
    ])
    await client.call(del(1))
    const afterFirst = sleeps.length
    await client.call(del(2))
    expect(sleeps.slice(afterFirst)).toEqual([2100]) // a full learned interval (2 s + 5%)
    await client.call(get)
    expect(sleeps.length).toBe(afterFirst + 1) // the list route was never refused: no wait
  })

  it('never retries another 4xx, and reports the API message', async () => {
    const { client, requests } = harness([
      json(400, { success: false, msg: 'Invalid permission format' }),
    ])
    const error = await failure(client.call(get))
    expect(requests).toHaveLength(1)
    expect(error.message).toBe('List API keys failed: HTTP 400: Invalid permission format')
  })

  it('gives up after max-attempts, counting the first', async () => {
    const { client, requests } = harness([json(500, {}), json(500, {}), json(500, {})], {
      maxAttempts: 3,
    })
    const error = await failure(client.call(get))
    expect(requests).toHaveLength(3)
    expect(error.status).toBe(500)
  })

  it('stops before a wait that would pass the deadline', async () => {
    const { client, requests } = harness([json(500, {}), json(500, {}), json(200, {})], {
      deadline: 1_000_000 + 1200,
    })
    await failure(client.call(get))
    // first wait 500 ms fits, the second (1000 ms) would end past the deadline
    expect(requests).toHaveLength(2)
  })

  it('asks before sending a non-idempotent request again after an ambiguous failure', async () => {
    const seen: string[] = []
    const { client, requests } = harness([networkError('ECONNRESET'), json(200, { id: 1 })])
    await client.call({
      ...create,
      onAmbiguous: (error) => {
        seen.push(error.kind)
        return Promise.resolve('retry')
      },
    })
    expect(seen).toEqual(['network'])
    expect(requests).toHaveLength(2)

    const stopped = harness([json(504, {})])
    const error = await failure(
      stopped.client.call({ ...create, onAmbiguous: () => Promise.resolve('stop') }),
    )
    expect(error.ambiguous).toBe(true)
    expect(stopped.requests).toHaveLength(1)
  })

  it('retries a refused connection without asking: nothing was sent', async () => {
    let asked = 0
    const { client } = harness([networkError('ECONNREFUSED'), json(200, {})])
    await client.call({
      ...create,
      onAmbiguous: () => {
        asked++
        return Promise.resolve('stop')
      },
    })
    expect(asked).toBe(0)
  })

  it('treats a 200 that is not JSON as ambiguous', async () => {
    const { client } = harness([new Response('<html>gateway</html>', { status: 200 })], {
      maxAttempts: 1,
    })
    const error = await failure(client.call(create))
    expect(error).toMatchObject({ kind: 'invalid-response', ambiguous: true })
  })

  it('does not follow a redirect', async () => {
    const { client, requests } = harness([
      new Response(null, { status: 302, headers: { Location: 'https://evil.test/' } }),
    ])
    const error = await failure(client.call(get))
    expect(requests).toHaveLength(1)
    expect(error.message).toMatch(/HTTP 302.*redirect.*api-url/)
  })

  it('keeps an API message on one line, so it cannot smuggle a workflow command', async () => {
    const { client } = harness([json(500, { msg: 'oops\n::add-mask::x\r\n::stop-commands::t' })], {
      maxAttempts: 1,
    })
    const error = await failure(client.call(get))
    expect(error.message).toBe(
      'List API keys failed: HTTP 500: oops ::add-mask::x ::stop-commands::t',
    )
  })

  it('scrubs the key before cutting a long API message, so no part of it is left', async () => {
    const { client } = harness([json(400, { msg: `${'x'.repeat(290)}${KEY}` })])
    const error = await failure(client.call(get))
    expect(error.message).not.toContain('kkkkk')
    expect(error.message).toContain('x***')
  })

  it('scrubs anything shaped like a Vast key, hex or vast-, from API messages', async () => {
    const other = `vast-${'Ab3'.repeat(14)}`
    const hex = 'a1'.repeat(32)
    const { client } = harness([json(400, { msg: `keys ${other} and ${hex} refused` })])
    const error = await failure(client.call(get))
    expect(error.message).toBe('List API keys failed: HTTP 400: keys *** and *** refused')
  })

  it('scrubs the key from an API message that echoes it', async () => {
    const { client } = harness([json(401, { msg: `bad key ${KEY}` })])
    const error = await failure(client.call(get))
    expect(error.message).not.toContain(KEY)
    expect(error.message).toContain('bad key ***')
  })
})

describe('retry helpers', () => {
  it('parses Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000)
    expect(parseRetryAfter('0.5', 0)).toBe(500)
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000)
    expect(parseRetryAfter('soon', 0)).toBeUndefined()
    expect(parseRetryAfter(null, 0)).toBeUndefined()
  })

  it('reads the threshold of a 429 in every form Vast uses', () => {
    expect(parseThreshold('API requests too frequent endpoint threshold=2.0')).toBe(2000)
    expect(parseThreshold('API requests too frequent: endpoint threshold=0.25')).toBe(250)
    expect(parseThreshold('{"msg":"API requests too frequent endpoint threshold=3"}')).toBe(3000)
    expect(parseThreshold('API requests too frequent')).toBeUndefined()
    expect(parseThreshold('{"detail":"slow"}')).toBeUndefined()
  })

  it('reads the interval from every 429 form the emulator can send', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TOO_MANY_FORMS),
        fc.integer({ min: 1, max: 600_000 }),
        (form, intervalMs) => {
          const { body } = tooManyRequests(form, intervalMs, 1)
          const read = parseThreshold(body)
          if (form === 'plain') expect(read).toBeUndefined()
          else expect(Math.abs((read ?? 0) - intervalMs)).toBeLessThanOrEqual(1)
        },
      ),
    )
  })

  it('backs off after 429s by doubling to 32 intervals, then 20% less each time, down to 2', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(rateLimitIntervals)).toEqual([
      1,
      2,
      4,
      8,
      16,
      32,
      32 * 0.8,
      32 * 0.8 ** 2,
    ])
    expect(rateLimitIntervals(40)).toBe(2)
    expect(rateLimitDelay(3, 1000, undefined, () => 0)).toBe(2000)
    expect(rateLimitDelay(3, 1000, undefined, () => 0.999)).toBeCloseTo(5996)
  })

  it('never comes back before Retry-After, whatever the jitter', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 600_000 }), { nil: undefined }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (refusals, intervalMs, retryAfterMs, r) => {
          const wait = rateLimitDelay(refusals, intervalMs, retryAfterMs, () => r)
          expect(wait).toBeGreaterThanOrEqual(retryAfterMs ?? intervalMs * 0.5)
          expect(wait).toBeLessThanOrEqual(
            Math.max(intervalMs * 32 * 1.5, (retryAfterMs ?? 0) + intervalMs * 0.5),
          )
        },
      ),
    )
  })

  it('caps exponential waits and spreads them over [0, ceiling)', () => {
    const policy = { baseDelayMs: 1000, maxDelayMs: 8000 }
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999))).toEqual([
      999, 1998, 3996, 7992, 7992,
    ])
    expect(backoffDelay(3, policy, () => 0)).toBe(0)
  })
})
