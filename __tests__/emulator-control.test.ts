import { describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { createVerifier } from '../src/broker/token.ts'
import { api, createKey, perms, useVastEmulators } from './support/vast-http.ts'

// The Vast emulator at scale, its /__emulator/ control routes and scripts/emulator.ts standalone.

const start = useVastEmulators()

describe('scale and control', () => {
  it('seeds 5,000 keys and lists them all', async () => {
    const emu = await start()
    emu.seedKeys(5000, (i) => `seeded-${i}`, perms({ misc: {} })) // its speed: npm run bench
    expect(new Set(emu.keys().map((k) => k.key)).size).toBe(5001)
    const list = await api(emu, 'GET', 'auth/apikeys/')
    const items = (list.body as { apikeys: { id: number; name: string }[] }).apikeys
    expect(items).toHaveLength(5001)
    expect(items[5000]?.name).toBe('seeded-4999')
    expect(items.every((item, i) => i === 0 || item.id > (items[i - 1]?.id ?? 0))).toBe(true)
  })

  it('exposes keys (without secrets) and faults over /__emulator/', async () => {
    const emu = await start()
    const child = await createKey(emu, 'c', perms({ misc: {} }))
    const keys = await api(emu, 'GET', '/__emulator/keys', { key: null })
    expect(keys.status).toBe(200)
    expect(keys.text).not.toContain(child.key)
    expect(keys.text).not.toContain(emu.parentKey)
    expect((keys.body as { keys: object[] }).keys).toEqual([
      expect.objectContaining({ id: emu.parentKeyId, name: 'ci-parent', deletedAt: null }),
      expect.not.objectContaining({ key: expect.anything() }),
    ])

    const injected = await api(emu, 'POST', '/__emulator/faults', {
      key: null,
      body: { route: 'list', fault: { type: 'status', status: 503 }, times: 2 },
    })
    expect(injected.status).toBe(200)
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(503)
    expect((await api(emu, 'DELETE', '/__emulator/faults', { key: null })).status).toBe(200)
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)

    for (const body of [
      { route: 'nope', fault: { type: 'reset' } },
      { route: 'list', fault: { type: 'explode' } },
      { route: 'list', fault: { type: 'status', status: 42 } },
      { route: 'list', fault: { type: 'reset' }, times: 0 },
    ]) {
      expect((await api(emu, 'POST', '/__emulator/faults', { key: null, body })).status).toBe(400)
    }
    expect((await api(emu, 'GET', '/__emulator/nothing', { key: null })).status).toBe(404)
    expect(emu.requests.some((r) => r.path.startsWith('/__emulator/'))).toBe(false)
  })

  it('runs standalone from scripts/emulator.ts and stops on SIGINT', async () => {
    const child = spawn(process.execPath, ['scripts/emulator.ts', '--rate-limit-scale', '0.01'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    let out = ''
    child.stdout.setEncoding('utf8')
    const banner = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: string) => {
        out += chunk
        if (out.includes('Ctrl-C')) resolve(out)
      })
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
    })
    const url = /URL: +(\S+)/.exec(banner)?.[1]
    const key = /parent key: +([0-9a-f]{64})/.exec(banner)?.[1]
    expect(banner).toContain('curl')
    const answer = await fetch(`${url}/api/v0/users/current`, {
      headers: { authorization: `Bearer ${key}` },
    })
    expect(answer.status).toBe(200)
    await answer.arrayBuffer()
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGINT')
    expect(await exited).toBe(0)
  })

  it('--oidc starts the OIDC issuer too: its banner says how to mint a token the broker accepts', async () => {
    const child = spawn(process.execPath, ['scripts/emulator.ts', '--oidc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    })
    let out = ''
    child.stdout.setEncoding('utf8')
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: string) => {
          out += chunk
          if (out.includes('Ctrl-C')) resolve(out)
        })
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)))
      })
      const issuer = /issuer: +(\S+)/.exec(banner)?.[1] ?? ''
      expect(banner).toContain(`--issuer ${issuer}`)
      expect(banner).toContain(`${issuer}/__emulator/token`)
      const answer = await fetch(`${issuer}/__emulator/token`, {
        method: 'POST',
        body: JSON.stringify({ audience: 'http://127.0.0.1:8080', repository: 'octo-org/app' }),
      })
      expect(answer.status).toBe(200)
      const { value } = (await answer.json()) as { value: string }
      const verify = createVerifier({ issuer, audience: 'http://127.0.0.1:8080' })
      expect(await verify(value)).toMatchObject({
        repository: 'octo-org/app',
        ref: 'refs/heads/main',
        runId: '1',
      })
      const bad = await fetch(`${issuer}/__emulator/token`, { method: 'POST', body: '{}' })
      expect(bad.status).toBe(400)
      await bad.arrayBuffer()
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      expect(await exited).toBe(0)
    }
  })
})
