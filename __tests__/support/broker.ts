// Starts the key broker for tests: a Vast emulator, an OIDC issuer emulator, and one or more
// broker replicas (optionally behind a loopback round-robin proxy, as behind a load balancer),
// each replica's JSON log lines captured.
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parsePolicy } from '../../src/broker/policy.ts'
import type { BrokerConfig } from '../../src/broker/config.ts'
import type { LogLine } from '../../src/broker/log.ts'
import { jsonLogger } from '../../src/broker/log.ts'
import type { RunningBroker } from '../../src/broker/server.ts'
import { DEFAULT_LIMITS } from '../../src/broker/limits.ts'
import { buildBroker } from '../../src/broker/wiring.ts'
import { Secret } from '../../src/core/secret.ts'
import { createFetch } from '../../src/core/vast/transport.ts'
import { OidcEmulator, type JobClaims } from '../../emulator/oidc.ts'
import { VastEmulator, type EmulatorOptions } from '../../emulator/vast.ts'

export const AUDIENCE = 'https://vast-broker.example'

export const TEST_POLICY = `
version: 1
rules:
  - name: trainer-main
    match:
      repository: octo-org/gpu-trainer
      ref: refs/heads/main
    permissions: instance-manager
    max-ttl: 2h
  - name: octo-readers
    match:
      repository: octo-org/*
      event_name: [push, pull_request]
    permissions: read-only
    max-ttl: 30m
  - name: secret-project
    match:
      repository: hidden-org/secret-project
    permissions: [misc, instance_read, instance_write, billing_read]
    max-ttl: 1h
`

export function jobClaims(overrides: Partial<JobClaims> = {}): JobClaims {
  return {
    repository: 'octo-org/gpu-trainer',
    repository_owner: 'octo-org',
    run_id: '1234567890',
    run_attempt: '1',
    ref: 'refs/heads/main',
    event_name: 'push',
    job_workflow_ref: 'octo-org/gpu-trainer/.github/workflows/train.yml@refs/heads/main',
    ...overrides,
  }
}

export interface BrokerWorld {
  vast: VastEmulator
  oidc: OidcEmulator
  replicas: RunningBroker[]
  /** The URL jobs use: the proxy when there are several replicas. */
  url: string
  logs: LogLine[]
  /** Requests the balancer sent to each replica (empty with one replica). */
  served: number[]
  /** Moves the brokers' clock (token checks and deadlines). */
  advance(ms: number): void
  close(): Promise<void>
}

export async function startWorld(
  options: {
    replicas?: number
    policy?: string
    /** 'default': the broker's own defaults (DEFAULT_LIMITS); else generous test limits. */
    limits?: BrokerConfig['limits'] | 'default'
    vast?: EmulatorOptions
    /** Sees every log line as it is written (before the answer of its request is sent). */
    onLog?: (line: LogLine) => void
  } = {},
): Promise<BrokerWorld> {
  const vast = await VastEmulator.start(options.vast)
  const oidc = await OidcEmulator.start()
  const logs: LogLine[] = []
  let offsetMs = 0
  const now = () => new Date(Date.now() + offsetMs)
  const config: BrokerConfig = {
    policy: parsePolicy(options.policy ?? TEST_POLICY),
    audience: AUDIENCE,
    adminKey: new Secret(vast.parentKey),
    issuer: oidc.issuer,
    apiUrl: vast.url,
    host: '127.0.0.1',
    port: 0,
    sweepIntervalMs: 0,
    sweepGraceMs: 0,
    limits:
      options.limits === 'default'
        ? DEFAULT_LIMITS
        : (options.limits ?? { perMinute: 600, burst: 100 }),
  }
  const fetch = await createFetch({})
  const replicas: RunningBroker[] = []
  for (let i = 0; i < (options.replicas ?? 1); i++) {
    const log = jsonLogger((text) => {
      const line = JSON.parse(text) as LogLine
      logs.push(line)
      options.onLog?.(line)
    })
    replicas.push(await buildBroker(config, { log, fetch, now }))
  }
  const proxy = replicas.length > 1 ? await roundRobin(replicas.map((r) => r.url)) : undefined
  return {
    vast,
    oidc,
    replicas,
    url: proxy ? proxy.url : (replicas[0]?.url ?? ''),
    logs,
    served: proxy?.served ?? [],
    advance: (ms) => {
      offsetMs += ms
    },
    close: async () => {
      if (proxy) await proxy.close()
      for (const replica of replicas) await replica.close()
      await oidc.close()
      await vast.close()
    },
  }
}

/** A loopback load balancer: each request goes to the next target in turn. */
export async function roundRobin(
  targets: string[],
): Promise<{ url: string; served: number[]; close(): Promise<void> }> {
  let next = 0
  const served = targets.map(() => 0)
  const server: Server = createServer((req, res) => {
    const index = next++ % targets.length
    served[index] = (served[index] ?? 0) + 1
    const target = new URL(req.url ?? '/', targets[index])
    const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => {
      res.writeHead(502)
      res.end()
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

export interface BrokerAnswer {
  status: number
  body: Record<string, unknown>
  headers: Headers
}

/** One call to the broker with a bearer token. */
export async function callBroker(
  url: string,
  method: 'POST' | 'DELETE' | 'GET',
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<BrokerAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
    headers: response.headers,
  }
}
