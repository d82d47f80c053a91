import { createServer } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { decide, parsePolicy } from '../src/broker/policy.ts'
import type { LogLine } from '../src/broker/log.ts'
import { jsonLogger, traceOf } from '../src/broker/log.ts'
import { DEFAULT_LIMITS } from '../src/broker/limits.ts'
import { buildBroker } from '../src/broker/wiring.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { Secret } from '../src/core/secret.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { parseKeyName } from '../src/core/key-name.ts'
import {
  AUDIENCE,
  callBroker,
  jobClaims,
  startWorld,
  TEST_POLICY,
  type BrokerWorld,
} from './support/broker.ts'

// The broker as an operator runs it: the issuer rotating its key, refusals that say nothing of
// other owners' rules, limits that never refuse a job's cleanup, JSON bodies only, and log lines
// Cloud Logging and Kubernetes collectors read as they are.

let world: BrokerWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const managed = (w: BrokerWorld) => w.vast.liveKeys().filter((key) => parseKeyName(key.name))

describe("the issuer's keys", () => {
  it('a token signed with a key the issuer just published is accepted at once (no 401 window)', async () => {
    world = await startWorld()
    const w = world
    const before = await callBroker(
      w.url,
      'POST',
      '/v1/keys',
      await w.oidc.sign(jobClaims(), { audience: AUDIENCE }),
      { ttl: '5m' },
    )
    expect(before.status).toBe(201)
    const fetches = w.oidc.jwksFetches
    w.oidc.rotateKey()
    const after = await callBroker(
      w.url,
      'POST',
      '/v1/keys',
      await w.oidc.sign(jobClaims(), { audience: AUDIENCE }),
      { ttl: '5m' },
    )
    expect(after.status).toBe(201)
    expect(w.oidc.jwksFetches).toBe(fetches + 1)
    // Tokens of the old key still verify: it stays published.
    expect(w.logs.filter((line) => line.status === 401)).toEqual([])
  })
})

describe('refusals', () => {
  const policy = parsePolicy(`
version: 1
rules:
  - name: deploy-pinned
    match:
      repository: "*/deploy"
      repository_owner: octo-org
      environment: production
      job_workflow_ref: octo-org/deploy/.github/workflows/release.yml@refs/heads/main
    permissions: read-only
    max-ttl: 30m
  - name: by-id
    match:
      repository: acme/*
      repository_id: "123456"
      ref: refs/heads/main
    permissions: read-only
    max-ttl: 30m
`)

  it("name no rule pinned to another owner or id, even when the caller's repository fits its glob", () => {
    const stranger = decide(policy, {
      repository: 'mallory/deploy',
      repository_owner: 'mallory',
      environment: 'staging',
    })
    expect(stranger.allowed).toBe(false)
    const reason = stranger.allowed ? '' : stranger.reason
    expect(reason).not.toMatch(/deploy-pinned|production|release\.yml|octo-org/)
    const otherId = decide(policy, {
      repository: 'acme/app',
      repository_owner: 'acme',
      repository_id: '999',
      ref: 'refs/heads/dev',
    })
    expect(otherId.allowed ? '' : otherId.reason).not.toMatch(/by-id|123456|refs\/heads\/main/)
    // The rule's own repository still learns what to fix.
    const own = decide(policy, {
      repository: 'acme/app',
      repository_owner: 'acme',
      repository_id: '123456',
      ref: 'refs/heads/dev',
    })
    expect(own.allowed ? '' : own.reason).toMatch(/rule "by-id" wants ref refs\/heads\/main/)
  })

  it('never quote a rule to a caller its owner and ids do not fit (generated)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('mallory', 'eve', 'octo-org-evil', 'acme2'),
        fc.constantFrom('deploy', 'app', 'x'),
        fc.option(fc.constantFrom('1', '999', '123457'), { nil: undefined }),
        (owner, name, id) => {
          const result = decide(policy, {
            repository: `${owner}/${name}`,
            repository_owner: owner,
            ...(id ? { repository_id: id } : {}),
          })
          const reason = result.allowed ? '' : result.reason
          return !/deploy-pinned|by-id/.test(reason)
        },
      ),
    )
  })
})

describe('limits', () => {
  it('a refused mint gives its share back, and deletes are never refused by the mint rate', async () => {
    world = await startWorld({ limits: { perMinute: 1, burst: 2 } })
    const w = world
    const token = async () => w.oidc.sign(jobClaims(), { audience: AUDIENCE })
    // Two mints refused before Vast (a body error, a policy refusal) spend nothing.
    expect((await callBroker(w.url, 'POST', '/v1/keys', await token(), { ttl: 'x' })).status).toBe(
      400,
    )
    expect((await callBroker(w.url, 'POST', '/v1/keys', await token(), { ttl: '3h' })).status).toBe(
      403,
    )
    const ids: unknown[] = []
    for (let i = 0; i < 2; i++) {
      const minted = await callBroker(w.url, 'POST', '/v1/keys', await token(), { ttl: '5m' })
      expect(minted.status).toBe(201)
      ids.push(minted.body.id)
    }
    expect((await callBroker(w.url, 'POST', '/v1/keys', await token(), { ttl: '5m' })).status).toBe(
      429,
    )
    // The mint bucket is empty; the posts still delete.
    for (const id of ids) {
      const deleted = await callBroker(w.url, 'DELETE', `/v1/keys/${String(id)}`, await token())
      expect(deleted.status).toBe(200)
    }
    expect(managed(w)).toEqual([])
  })

  it('a body not sent as application/json is refused with 415 and makes no key', async () => {
    world = await startWorld()
    const w = world
    const response = await fetch(`${w.url}/v1/keys`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await w.oidc.sign(jobClaims(), { audience: AUDIENCE })}`,
        'Content-Type': 'text/plain',
      },
      body: JSON.stringify({ ttl: '5m' }),
    })
    expect(response.status).toBe(415)
    const body = (await response.json()) as Record<string, unknown>
    expect(body.error).toBe(
      'send the body as JSON with the header "Content-Type: application/json"',
    )
    expect(managed(w)).toEqual([])
    expect(w.vast.requestsFor('create')).toEqual([])
  })
})

/** The shape every line must have (Cloud Logging's structured-logging fields). */
function checkLine(line: Record<string, unknown>): string[] {
  const problems: string[] = []
  if (!['INFO', 'WARNING', 'ERROR'].includes(line.severity as string)) problems.push('severity')
  if (typeof line.message !== 'string' || !line.message) problems.push('message')
  if (typeof line.time !== 'string' || Number.isNaN(Date.parse(line.time))) problems.push('time')
  if (typeof line.event !== 'string') problems.push('event')
  if ('level' in line) problems.push('level (Cloud Logging reads severity)')
  return problems
}

describe('log lines', () => {
  it('every line has severity, message and time; every line of a request has its request id and trace; answers carry the id', async () => {
    world = await startWorld()
    const w = world
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736'
    const headers = (token: string, extra: Record<string, string> = {}) => ({
      Authorization: `Bearer ${token}`,
      traceparent: `00-${trace}-00f067aa0ba902b7-01`,
      ...extra,
    })
    const token = await w.oidc.sign(jobClaims(), { audience: AUDIENCE })
    const answers: { status: number; id: string | null; body: Record<string, unknown> }[] = []
    const call = async (
      method: string,
      path: string,
      extra: Record<string, string>,
      body?: string,
    ) => {
      const response = await fetch(`${w.url}${path}`, {
        method,
        headers: headers(token, extra),
        ...(body === undefined ? {} : { body }),
      })
      const parsed = (await response.json()) as Record<string, unknown>
      answers.push({
        status: response.status,
        id: response.headers.get('x-request-id'),
        body: parsed,
      })
      return parsed
    }
    const json = { 'Content-Type': 'application/json' }
    const minted = await call('POST', '/v1/keys', json, JSON.stringify({ ttl: '5m' }))
    await call('POST', '/v1/keys', json, JSON.stringify({ ttl: '3h' }))
    await call('POST', '/v1/keys', json, '{not json')
    w.vast.inject('create', { type: 'status', status: 500 }, 10)
    await call('POST', '/v1/keys', json, JSON.stringify({ ttl: '5m' }))
    await call('DELETE', `/v1/keys/${String(minted.id)}`, {})
    await call('GET', '/nowhere', {})
    await call('GET', '/health', {})
    expect(answers.map((a) => a.status)).toEqual([201, 403, 400, 502, 200, 404, 200])
    for (const answer of answers) {
      expect(answer.id).toMatch(/^[0-9a-f-]{36}$/)
      expect(answer.body.request_id).toBe(answer.id)
    }
    const lines = w.logs as unknown as Record<string, unknown>[]
    for (const line of lines) expect(checkLine(line)).toEqual([])
    const requestLines = w.logs.filter((line) => line.event.includes('/v1/keys'))
    expect(requestLines.length).toBeGreaterThanOrEqual(5)
    const ids = new Set(answers.map((a) => a.id))
    for (const line of requestLines) {
      expect(ids.has(line.request_id ?? '')).toBe(true)
      expect(line.trace_id).toBe(trace)
    }
    // The line that ends each request carries Cloud Logging's httpRequest.
    for (const line of requestLines.filter((l) => l.status !== undefined))
      expect(line.httpRequest?.status).toBe(line.status)
    const refusal = w.logs.find((line: LogLine) => line.status === 403)
    expect(refusal?.httpRequest).toMatchObject({
      requestMethod: 'POST',
      requestUrl: '/v1/keys',
      status: 403,
    })
    expect(refusal?.httpRequest?.latency).toMatch(/^\d+\.\d{3}s$/)
    // Never a key or a token.
    const text = JSON.stringify(w.logs)
    expect(text).not.toContain(token)
    expect(text).not.toContain(String(minted.key))
    expect(text).not.toContain(w.vast.parentKey)
  })

  it('reads a trace from traceparent or X-Cloud-Trace-Context, and nothing else of the headers', () => {
    expect(traceOf({ 'x-cloud-trace-context': '105445aa7843bc8bf206b12000100000/1;o=1' })).toEqual({
      trace_id: '105445aa7843bc8bf206b12000100000',
      span_id: '0000000000000001',
    })
    expect(traceOf({ traceparent: 'junk\nwith newline' })).toEqual({})
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const found = traceOf({ traceparent: a, 'x-cloud-trace-context': b })
        return (
          (found.trace_id === undefined || /^[\da-f]{32}$/.test(found.trace_id)) &&
          (found.span_id === undefined || /^[\da-f]{16}$/.test(found.span_id))
        )
      }),
    )
  })
})

describe('metrics and readiness', () => {
  it('GET /metrics: Prometheus text with mints and deletes by outcome and reason, Vast latency and 429s, admission depth and JWKS fetches', async () => {
    world = await startWorld()
    const w = world
    const token = await w.oidc.sign(jobClaims(), { audience: AUDIENCE })
    const minted = await callBroker(w.url, 'POST', '/v1/keys', token, { ttl: '5m' })
    expect(minted.status).toBe(201)
    expect((await callBroker(w.url, 'POST', '/v1/keys', token, { ttl: '3h' })).status).toBe(403)
    w.vast.inject('list', { type: '429', form: 'json', retryAfterSeconds: 0 })
    expect(
      (await callBroker(w.url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, token)).status,
    ).toBe(200)
    const response = await fetch(`${w.url}/metrics`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await response.text()
    expect(text).toMatch(/^broker_mints_total\{outcome="allowed",reason="done"\} 1$/m)
    expect(text).toMatch(/^broker_mints_total\{outcome="denied",reason="policy"\} 1$/m)
    expect(text).toMatch(/^broker_deletes_total\{outcome="allowed",reason="done"\} 1$/m)
    expect(text).toMatch(
      /^broker_vast_request_duration_seconds_count\{method="POST",route="[^"]+",status="200"\} 1$/m,
    )
    expect(text).toMatch(/^broker_vast_rate_limited_total\{route="[^"]+"\} 1$/m)
    expect(text).toMatch(/^broker_admission_queue_depth 0$/m)
    expect(text).toMatch(/^broker_jwks_fetches_total\{outcome="ok",cause="start"\} 1$/m)
    expect(text).not.toContain(token)
    expect(text).not.toContain(String(minted.body.key))
  })

  it('GET /ready says which checks passed; /health is liveness only', async () => {
    world = await startWorld()
    const w = world
    const ready = await callBroker(w.url, 'GET', '/ready', undefined)
    expect(ready.status).toBe(200)
    expect(ready.body).toMatchObject({
      ready: true,
      checks: {
        'policy-loaded': true,
        'issuer-keys-fetched': true,
        'parent-key-checked': true,
        'not-shutting-down': true,
      },
    })
    expect((await callBroker(w.url, 'GET', '/health', undefined)).body).toMatchObject({ ok: true })
  })
})

describe('slow clients', () => {
  it('headers that never finish, and a body that trickles, are cut (after at least 10 s)', async () => {
    world = await startWorld()
    const { port } = new URL(world.url)
    const token = await world.oidc.sign(jobClaims(), { audience: AUDIENCE })
    const cutAfter = (send: (socket: Socket) => void) =>
      new Promise<number>((resolve) => {
        const started = performance.now()
        const socket = connect(Number(port), '127.0.0.1', () => send(socket))
        socket.on('error', () => undefined)
        socket.on('close', () => resolve(performance.now() - started))
        socket.resume()
      })
    const [headers, body] = await Promise.all([
      cutAfter((socket) => socket.write('POST /v1/keys HTTP/1.1\r\nHost: broker\r\n')),
      cutAfter((socket) => {
        socket.write(
          `POST /v1/keys HTTP/1.1\r\nHost: broker\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
        )
        // A byte now and then, never the whole body.
        const timer = setInterval(() => socket.write(' '), 500)
        socket.on('close', () => clearInterval(timer))
      }),
    ])
    // Lower bounds only (a timer never fires early); a broker that never cuts them hangs this test.
    expect(headers).toBeGreaterThanOrEqual(10_000)
    expect(body).toBeGreaterThanOrEqual(10_000)
    expect(managed(world)).toEqual([])
  }, 60_000)
})

describe('readiness before the issuer answers', () => {
  it('is 503 naming the issuer keys while the JWKS cannot be read, and /health stays 200', async () => {
    const vast = await VastEmulator.start()
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((resolve) => closed.close(() => resolve()))
    const broker = await buildBroker(
      {
        policy: parsePolicy(TEST_POLICY),
        audience: AUDIENCE,
        adminKey: new Secret(vast.parentKey),
        issuer: `http://127.0.0.1:${port}`,
        apiUrl: vast.url,
        host: '127.0.0.1',
        port: 0,
        sweepIntervalMs: 0,
        sweepGraceMs: 0,
        limits: DEFAULT_LIMITS,
      },
      { log: jsonLogger(() => undefined), fetch: await createFetch({}) },
    )
    try {
      const ready = await callBroker(broker.url, 'GET', '/ready', undefined)
      expect(ready.status).toBe(503)
      expect(ready.body).toMatchObject({
        ready: false,
        checks: { 'issuer-keys-fetched': false, 'parent-key-checked': true },
      })
      expect((await callBroker(broker.url, 'GET', '/health', undefined)).status).toBe(200)
    } finally {
      await broker.close(0)
      await vast.close()
    }
  })
})
