import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { OidcEmulator } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { parseKeyName } from '../src/core/key-name.ts'
import fc from 'fast-check'
import { AUDIENCE, callBroker, jobClaims, startWorld, TEST_POLICY } from './support/broker.ts'

// SIGTERM (what Cloud Run and Kubernetes send on every scale-in and deploy) while a mint or a
// delete is at Vast: the broker takes nothing new, lets what is in flight finish within its grace,
// cuts what cannot (deleting any key a cut mint made), and exits on its own, with no key left that
// no client holds.

const main = fileURLToPath(new URL('../src/broker/main.ts', import.meta.url))
let vast: VastEmulator
let oidc: OidcEmulator
let child: ChildProcess | undefined

beforeEach(async () => {
  vast = await VastEmulator.start()
  oidc = await OidcEmulator.start()
})
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  child = undefined
  await oidc.close()
  await vast.close()
})

interface Started {
  url: string
  exited: Promise<number | null>
  lines: () => Record<string, unknown>[]
}

async function startBroker(grace = '4s'): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'broker-shutdown-'))
  writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY)
  const proc = spawn(
    process.execPath,
    [main, '--policy', join(dir, 'policy.yaml'), '--host', '127.0.0.1', '--port', '0'],
    {
      env: {
        PATH: process.env.PATH,
        BROKER_AUDIENCE: AUDIENCE,
        BROKER_ISSUER: oidc.issuer,
        BROKER_SHUTDOWN_GRACE: grace,
        VAST_API_URL: vast.url,
        VAST_ADMIN_API_KEY: vast.parentKey,
      },
    },
  )
  child = proc
  let stdout = ''
  const exited = new Promise<number | null>((resolve) => proc.on('exit', resolve))
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
      if (found) resolve(found)
    })
    proc.on('exit', () => reject(new Error(`the broker exited: ${stdout}`)))
  })
  return {
    url,
    exited,
    lines: () =>
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  }
}

const managed = () => vast.liveKeys().filter((key) => parseKeyName(key.name))

describe('SIGTERM', () => {
  it('mid-mint, Vast holding the create forever: the mint is cut at the end of the grace, its key deleted, the client told 503, and the broker exits', async () => {
    const broker = await startBroker('4s')
    const held = vast.inject('create', { type: 'hold' })
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const answer = callBroker(broker.url, 'POST', '/v1/keys', token, { ttl: '5m' })
    await held.arrived
    // Vast applied the create on arrival: the key exists, its answer never comes.
    expect(managed()).toHaveLength(1)
    child?.kill('SIGTERM')
    const refused = await answer
    expect(refused.status).toBe(503)
    expect(refused.headers.get('retry-after')).toBe('1')
    expect(refused.body.error).toMatch(/the broker is shutting down; try again/)
    expect(await broker.exited).toBe(0)
    expect(managed()).toEqual([])
    const stopped = broker.lines().find((line) => line.event === 'stopped')
    expect(stopped).toMatchObject({ count: 1 })
    const cut = broker.lines().find((line) => /shutdown: cut mid-mint/.test(String(line.reason)))
    expect(cut).toMatchObject({ severity: 'ERROR', request_id: refused.body.request_id })
  })

  it('mid-mint, Vast slow: the mint finishes within the grace and the client gets its key', async () => {
    const broker = await startBroker('8s')
    const slow = vast.inject('create', { type: 'delay', ms: 1000 })
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const answer = callBroker(broker.url, 'POST', '/v1/keys', token, { ttl: '5m' })
    await slow.arrived
    child?.kill('SIGTERM')
    const minted = await answer
    expect(minted.status).toBe(201)
    expect(minted.headers.get('connection')).toBe('close')
    expect(await broker.exited).toBe(0)
    // The one live key is the one the client holds.
    expect(managed().map((key) => key.id)).toEqual([minted.body.id])
    expect(broker.lines().find((line) => line.event === 'stopped')).toMatchObject({ count: 0 })
  })

  it('a second SIGTERM (or SIGINT) during the drain does not kill the broker mid-mint', async () => {
    const broker = await startBroker('8s')
    const slow = vast.inject('create', { type: 'delay', ms: 1500 })
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const answer = callBroker(broker.url, 'POST', '/v1/keys', token, { ttl: '5m' })
    await slow.arrived
    const stopping = new Promise<void>((resolve) => {
      const check = () => {
        if (broker.lines().some((line) => line.event === 'stop')) resolve()
      }
      child?.stdout?.on('data', check)
      check()
    })
    child?.kill('SIGTERM')
    await stopping
    child?.kill('SIGTERM')
    child?.kill('SIGINT')
    const minted = await answer
    expect(minted.status).toBe(201)
    expect(await broker.exited).toBe(0)
    expect(managed().map((key) => key.id)).toEqual([minted.body.id])
  })

  it('mid-delete, Vast slow: the delete finishes and the client hears it', async () => {
    const broker = await startBroker('8s')
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const minted = await callBroker(broker.url, 'POST', '/v1/keys', token, { ttl: '5m' })
    expect(minted.status).toBe(201)
    const slow = vast.inject('delete', { type: 'delay', ms: 1000 })
    const answer = callBroker(broker.url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, token)
    await slow.arrived
    child?.kill('SIGTERM')
    const deleted = await answer
    expect(deleted.status).toBe(200)
    expect(deleted.body.result).toBe('deleted')
    expect(await broker.exited).toBe(0)
    expect(managed()).toEqual([])
  })

  it('mid-delete, Vast holding the delete forever: the broker still exits, and the client is told 503 to try again', async () => {
    const broker = await startBroker('2s')
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const minted = await callBroker(broker.url, 'POST', '/v1/keys', token, { ttl: '5m' })
    const held = vast.inject('delete', { type: 'hold', apply: false })
    const answer = callBroker(broker.url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, token)
    await held.arrived
    child?.kill('SIGTERM')
    const refused = await answer
    expect(refused.status).toBe(503)
    expect(await broker.exited).toBe(0)
    held.release()
  })
})

describe('a shutdown at any moment of a mint (generated)', () => {
  it('leaves no key that no client holds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ type: fc.constant('hold' as const), apply: fc.boolean() }),
          fc.record({ type: fc.constant('delay' as const), ms: fc.integer({ min: 0, max: 2500 }) }),
          fc.constant({ type: 'lost' as const }),
          fc.constant({ type: 'reset' as const }),
        ),
        fc.integer({ min: 1500, max: 3000 }),
        async (fault, graceMs) => {
          const world = await startWorld()
          try {
            const created = world.vast.inject('create', fault)
            const token = await world.oidc.sign(jobClaims(), { audience: AUDIENCE })
            const answer = callBroker(world.url, 'POST', '/v1/keys', token, { ttl: '5m' }).catch(
              () => undefined,
            )
            await created.arrived
            await world.replicas[0]?.close(graceMs)
            const got = await answer
            const held = got?.status === 201 ? [got.body.id] : []
            const live = world.vast
              .liveKeys()
              .filter((key) => parseKeyName(key.name))
              .map((key) => key.id)
            expect(live).toEqual(held)
            created.release()
          } finally {
            await world.close()
          }
        },
      ),
      { numRuns: 8 },
    )
  }, 120_000)
})
