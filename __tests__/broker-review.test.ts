import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parsePolicy } from '../src/broker/policy.ts'
import { jsonLogger } from '../src/broker/log.ts'
import type { LogLine } from '../src/broker/log.ts'
import { DEFAULT_LIMITS } from '../src/broker/limits.ts'
import type { RunningBroker } from '../src/broker/server.ts'
import { buildBroker } from '../src/broker/wiring.ts'
import { OidcEmulator } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { Secret } from '../src/core/secret.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import type { FetchLike } from '../src/core/vast/transport.ts'
import { AUDIENCE, callBroker, jobClaims, startWorld, TEST_POLICY } from './support/broker.ts'

// What a review of the broker in production found (a platform team running it, and an attacker
// with a token of its own): a failing issuer fetched once per request, a replica that never became
// ready after a failed first fetch of the issuer's keys, idle keep-alive connections holding the
// connection cap, and the caller's raw path in the log.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A broker whose issuer's JWKS fails while `issuer.down`; counts the JWKS fetches. */
async function brokerWithIssuer(issuer: { down: boolean; fetches: number }, logs: LogLine[] = []) {
  const vast = await VastEmulator.start()
  const oidc = await OidcEmulator.start()
  const real = await createFetch({})
  const fetch: FetchLike = (url, init) => {
    if (url.includes('/.well-known/jwks')) {
      issuer.fetches += 1
      if (issuer.down) return Promise.reject(new Error('connect ECONNREFUSED'))
    }
    return real(url, init)
  }
  const broker: RunningBroker = await buildBroker(
    {
      policy: parsePolicy(TEST_POLICY),
      audience: AUDIENCE,
      adminKey: new Secret(vast.parentKey),
      issuer: oidc.issuer,
      apiUrl: vast.url,
      host: '127.0.0.1',
      port: 0,
      sweepIntervalMs: 0,
      sweepGraceMs: 0,
      limits: DEFAULT_LIMITS,
    },
    { log: jsonLogger((line) => logs.push(JSON.parse(line) as LogLine)), fetch },
  )
  cleanups.push(async () => {
    await broker.close(0)
    await oidc.close()
    await vast.close()
  })
  return { broker, oidc, vast }
}

describe("a failing issuer's keys", () => {
  it('are fetched at most once per backoff, however many tokens arrive (no flood of the issuer)', async () => {
    const issuer = { down: true, fetches: 0 }
    const { broker, oidc } = await brokerWithIssuer(issuer)
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const before = issuer.fetches
    const started = Date.now()
    for (let i = 0; i < 30; i++) {
      const answer = await callBroker(broker.url, 'POST', '/v1/keys', token, {})
      expect(answer.status).toBe(503)
    }
    const elapsed = Date.now() - started
    // One fetch per 5 s backoff at most (plus the one a backoff boundary may let through).
    expect(issuer.fetches - before).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 5000))
  })

  it('a replica whose first fetch failed becomes ready once the issuer answers (probes try again)', async () => {
    const issuer = { down: true, fetches: 0 }
    const { broker, oidc } = await brokerWithIssuer(issuer)
    const ready = () => callBroker(broker.url, 'GET', '/ready', undefined)
    expect((await ready()).status).toBe(503)
    issuer.down = false
    // Only probes arrive (no token reaches a replica that is not ready): waits for the event.
    while ((await ready()).status !== 200) await new Promise((resolve) => setTimeout(resolve, 250))
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    expect((await callBroker(broker.url, 'POST', '/v1/keys', token, { ttl: '5m' })).status).toBe(
      201,
    )
  })
})

describe('connections', () => {
  it('idle keep-alive connections cannot hold the connection cap against new clients', async () => {
    const issuer = { down: false, fetches: 0 }
    const { broker } = await brokerWithIssuer(issuer)
    const { port, hostname } = new URL(broker.url)
    const held: Socket[] = []
    cleanups.push(() => {
      for (const socket of held) socket.destroy()
      return Promise.resolve()
    })
    // One cheap request each, then idle: a keep-alive connection stays open for minutes.
    for (let i = 0; i < 1000; i++) {
      const socket = connect(Number(port), hostname)
      socket.on('error', () => undefined)
      held.push(socket)
      await new Promise<void>((resolve, reject) => {
        socket.once('data', () => resolve())
        socket.once('close', () => reject(new Error('closed before its answer')))
        socket.write('GET /health HTTP/1.1\r\nHost: broker\r\n\r\n')
      })
    }
    const answer = await callBroker(broker.url, 'GET', '/health', undefined)
    expect(answer.status).toBe(200)
  })
})

describe('the log', () => {
  it("never carries the caller's path for a route the broker does not serve (a token in it stays out)", async () => {
    const logs: LogLine[] = []
    const issuer = { down: false, fetches: 0 }
    const { broker, oidc } = await brokerWithIssuer(issuer, logs)
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    for (const path of [`/v1/keys/${token}`, `/${token}`, `/v1/${'x'.repeat(8000)}`]) {
      const answer = await callBroker(broker.url, 'GET', path, undefined)
      expect(answer.status).toBe(404)
    }
    const text = JSON.stringify(logs)
    expect(text).not.toContain(token.split('.')[1])
    expect(text).not.toContain('x'.repeat(100))
    expect(logs.filter((line) => line.status === 404)).toHaveLength(3)
  })
})

describe('a request target that is not a path', () => {
  it('is refused 400 with a WARNING line, not answered 500 with an ERROR (anyone could page the operators)', async () => {
    const logs: LogLine[] = []
    const { broker } = await brokerWithIssuer({ down: false, fetches: 0 }, logs)
    const { port, hostname } = new URL(broker.url)
    for (const target of ['//', 'http://[/x', 'http://broker:99999/v1/keys']) {
      const socket = connect(Number(port), hostname)
      socket.on('error', () => undefined)
      let answer = ''
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString()))
      socket.write(`GET ${target} HTTP/1.1\r\nHost: broker\r\nConnection: close\r\n\r\n`)
      await new Promise((resolve) => socket.once('close', resolve))
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request')
    }
    expect(logs.filter((line) => line.severity === 'ERROR')).toEqual([])
    expect(logs.filter((line) => line.status === 400)).toHaveLength(3)
  })
})

describe("deletes of keys that are not the caller's", () => {
  it("cannot spend the parent key's list rate so that another repository's cleanup fails", async () => {
    // Vast's documented intervals: one list a second for the parent key, whoever asks.
    const w = await startWorld({ vast: { rateLimits: { scale: 1 } } })
    cleanups.push(() => w.close())
    const victim = await w.oidc.sign(jobClaims(), { audience: AUDIENCE })
    const minted = await callBroker(w.url, 'POST', '/v1/keys', victim, { ttl: '5m' })
    expect(minted.status).toBe(201)
    // A job of another repository a rule fits (octo-readers) asks to delete ids that are not its.
    const attacker = await w.oidc.sign(
      jobClaims({ repository: 'octo-org/other', run_id: '99', ref: 'refs/heads/x' }),
      { audience: AUDIENCE },
    )
    const started = Date.now()
    const flood = Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        callBroker(w.url, 'DELETE', `/v1/keys/${900_000 + i}`, attacker),
      ),
    )
    const cleanup = await callBroker(w.url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, victim)
    const answers = await flood
    const elapsedMs = Date.now() - started
    expect(cleanup.status).toBe(200)
    expect(cleanup.body.result).toBe('deleted')
    expect(w.vast.liveKeys().map((key) => key.id)).not.toContain(minted.body.id)
    // Each refused delete cost a list at Vast: a repository gets only a few of them a minute.
    const looked = answers.filter((answer) => answer.status === 404).length
    expect(looked).toBeLessThanOrEqual(10 + Math.ceil(elapsedMs / 10_000))
    const throttled = answers.find((answer) => answer.status === 429)
    expect(throttled?.body.error).toMatch(/not keys of octo-org\/other run 99/)
    expect(Number(throttled?.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('hostile headers', () => {
  it('a token or key sent in User-Agent never reaches a log line (generated)', async () => {
    const logs: LogLine[] = []
    const { broker, oidc, vast } = await brokerWithIssuer({ down: false, fetches: 0 }, logs)
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const secrets = [token, vast.parentKey, token.split('.')[2] ?? token]
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...secrets),
        fc.string({ maxLength: 20 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
        fc.string({ maxLength: 20 }).map((text) => text.replace(/[^\x20-\x7e]/g, '')),
        fc.constantFrom('/health', '/nope', '/v1/keys'),
        async (secret, before, after, path) => {
          logs.length = 0
          const response = await fetch(`${broker.url}${path}`, {
            method: path === '/v1/keys' ? 'POST' : 'GET',
            headers: { 'User-Agent': `${before}${secret}${after}` },
          })
          await response.text()
          const text = JSON.stringify(logs)
          // Any 24 characters of the secret in a row would already be too many.
          for (let at = 0; at + 24 <= secret.length; at += 24)
            expect(text).not.toContain(secret.slice(at, at + 24))
        },
      ),
      { numRuns: 40 },
    )
  })
})

describe('a policy with several problems in one rule', () => {
  it('is refused naming every one of them at once (--check, start and SIGHUP read the same)', () => {
    const text = `
version: 1
rules:
  - name: everything-wrong
    match:
      repository: octo-org/app
    permissions: nonsense-preset
    max-ttl: forever
    allow-any-owner: maybe
`
    let message = ''
    try {
      parsePolicy(text)
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/field "permissions"/)
    expect(message).toMatch(/field "max-ttl"/)
    expect(message).toMatch(/field "allow-any-owner"/)
  })
})

describe('the mint limit of a repository', () => {
  it("is kept per rule: a pull-request job of the same repository cannot spend the main branch's mints", async () => {
    const w = await startWorld({ limits: 'default' })
    cleanups.push(() => w.close())
    const pr = await w.oidc.sign(
      jobClaims({ ref: 'refs/pull/7/merge', event_name: 'pull_request', run_id: '555' }),
      { audience: AUDIENCE },
    )
    let refused = 0
    for (let i = 0; i < 25; i++) {
      const answer = await callBroker(w.url, 'POST', '/v1/keys', pr, { ttl: '5m' })
      if (answer.status === 429) refused += 1
      else expect(answer.status).toBe(201)
    }
    expect(refused).toBeGreaterThan(0)
    const main = await w.oidc.sign(jobClaims(), { audience: AUDIENCE })
    const answer = await callBroker(w.url, 'POST', '/v1/keys', main, { ttl: '5m' })
    expect(answer.status).toBe(201)
  })
})
