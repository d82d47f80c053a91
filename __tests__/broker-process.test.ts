import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { OidcEmulator } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { AUDIENCE, callBroker, jobClaims, TEST_POLICY } from './support/broker.ts'

// `npm run broker` as a process: flags and environment, the parent key from a file, JSON log lines
// on stdout, a key minted and deleted, and a clean stop on SIGTERM (what Cloud Run sends).

const main = fileURLToPath(new URL('../broker/main.ts', import.meta.url))
let vast: VastEmulator
let oidc: OidcEmulator

beforeAll(async () => {
  vast = await VastEmulator.start()
  oidc = await OidcEmulator.start()
})
afterAll(async () => {
  await oidc.close()
  await vast.close()
})

describe('npm run broker', () => {
  it('starts from flags and environment, serves, logs JSON lines, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-process-'))
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY)
    writeFileSync(join(dir, 'parent-key'), `${vast.parentKey}\n`)
    const child = spawn(
      process.execPath,
      [main, '--policy', join(dir, 'policy.yaml'), '--host', '127.0.0.1', '--port', '0'],
      {
        env: {
          PATH: process.env.PATH,
          BROKER_AUDIENCE: AUDIENCE,
          BROKER_ISSUER: oidc.issuer,
          VAST_API_URL: vast.url,
          VAST_ADMIN_API_KEY_FILE: join(dir, 'parent-key'),
        },
      },
    )
    let stdout = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    const started = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
        if (url) resolve(url)
      })
      child.on('exit', () => reject(new Error(`the broker exited: ${stdout}`)))
    })
    const url = await started
    expect((await callBroker(url, 'GET', '/healthz', undefined)).status).toBe(200)
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const minted = await callBroker(url, 'POST', '/v1/keys', token, { ttl: '5m' })
    expect(minted.status).toBe(201)
    const gone = await callBroker(url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, token)
    expect(gone.body.result).toBe('deleted')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string })
    expect(lines.map((line) => line.event)).toEqual([
      'start',
      'POST /v1/keys',
      'DELETE /v1/keys/{id}',
      'stop',
    ])
    expect(stdout).not.toContain(vast.parentKey)
    expect(stdout).not.toContain(minted.body.key)
    expect(stdout).not.toContain(token)
  })

  it('refuses to start with a bad policy, naming the rule and field, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-process-'))
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY.replace('max-ttl: 2h', 'max-ttl: forever'))
    const child = spawn(process.execPath, [main, '--policy', join(dir, 'policy.yaml')], {
      env: {
        PATH: process.env.PATH,
        BROKER_AUDIENCE: AUDIENCE,
        VAST_ADMIN_API_KEY: vast.parentKey,
      },
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(stdout).toMatch(/rules\[0\] \\"trainer-main\\", field \\"max-ttl\\"/)
    expect(stdout).not.toContain(vast.parentKey)
  })
})
