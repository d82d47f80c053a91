import { afterEach, describe, expect, it } from '@jest/globals'
import { request } from 'node:http'
import { VastEmulator } from '../emulator/vast.ts'
import type { EmulatorOptions } from '../emulator/vast.ts'

// The emulator's answer variants (emulator/vast-variants.ts) over real HTTP: each off by default,
// each switchable at start, from code, and over the /__emulator/ control routes.

const started: VastEmulator[] = []
async function start(options?: EmulatorOptions): Promise<VastEmulator> {
  const emulator = await VastEmulator.start(options)
  started.push(emulator)
  return emulator
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()))
})

interface Answer {
  status: number
  text: string
  body: unknown
  headers: Record<string, string | string[] | undefined>
}

/** One request with node:http, which sends no User-Agent unless told to. */
function call(
  emulator: VastEmulator,
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; userAgent?: string } = {},
): Promise<Answer> {
  const key = options.key === undefined ? emulator.parentKey : options.key
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
  const headers: Record<string, string> = {}
  if (key !== null) headers.authorization = `Bearer ${key}`
  if (payload !== undefined) {
    headers['content-type'] = 'application/json'
    headers['content-length'] = String(Buffer.byteLength(payload))
  }
  if (options.userAgent !== undefined) headers['user-agent'] = options.userAgent
  const url = path.startsWith('/') ? emulator.url + path : `${emulator.url}/api/v0/${path}`
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let body: unknown
        try {
          body = JSON.parse(text) as unknown
        } catch {
          body = undefined
        }
        resolve({ status: res.statusCode ?? 0, text, body, headers: res.headers })
      })
    })
    req.on('error', reject)
    req.end(payload)
  })
}

const createBody = { name: 'child', permissions: { api: { misc: {} } } }

describe('emulator variants', () => {
  it('are all off by default', async () => {
    const emu = await start()
    expect(emu.variants).toEqual({})
    expect(emu.parentKey).toMatch(/^[0-9a-f]{64}$/)
    const created = await call(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect(created.body).toMatchObject({ permissions: createBody.permissions })
    const listed = await call(emu, 'GET', 'auth/apikeys/')
    expect((listed.body as { apikeys: unknown[] }).apikeys[1]).toMatchObject({
      rights: createBody.permissions,
    })
  })

  it('keyFormat vast: vast- and 40 letters and digits, parent key included', async () => {
    const emu = await start({ variants: { keyFormat: 'vast' } })
    expect(emu.parentKey).toMatch(/^vast-[A-Za-z0-9]{40}$/)
    const created = await call(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect((created.body as { key: string }).key).toMatch(/^vast-[A-Za-z0-9]{40}$/)
    emu.seedKeys(3, (i) => `seed-${i}`)
    expect(emu.keys().every((k) => /^vast-/.test(k.key))).toBe(true)
  })

  it('createPermissions false: the create answer says "permissions": false', async () => {
    const emu = await start({ variants: { createPermissions: 'false' } })
    const created = await call(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect(created.body).toMatchObject({ success: true, permissions: false })
    expect(emu.liveKeys()[1]?.permissions).toEqual(createBody.permissions)
  })

  it.each([
    ['absent', undefined],
    ['string', JSON.stringify(createBody.permissions)],
  ] as const)('listRights %s', async (listRights, rights) => {
    const emu = await start({ variants: { listRights } })
    await call(emu, 'POST', 'auth/apikeys/', { body: createBody })
    const items = (await call(emu, 'GET', 'auth/apikeys/')).body as {
      apikeys: Record<string, unknown>[]
    }
    expect(items.apikeys[1]?.rights).toEqual(rights)
    expect('rights' in (items.apikeys[1] ?? {})).toBe(rights !== undefined)
  })

  it('unknownKeyOnList 400: only list answers an unknown key with 400', async () => {
    const emu = await start({ variants: { unknownKeyOnList: 400 } })
    expect((await call(emu, 'GET', 'auth/apikeys/', { key: 'nope' })).status).toBe(400)
    expect((await call(emu, 'GET', 'users/current', { key: 'nope' })).status).toBe(401)
  })

  it.each([401, 403] as const)(
    "foreignKeyDelete %s: another user's live key is refused, not 'not found'",
    async (status) => {
      const emu = await start({ variants: { foreignKeyDelete: status } })
      const bob = emu.addKey({ name: 'bob', userId: 2002 })
      const answer = await call(emu, 'DELETE', `auth/apikeys/${bob.id}/`, { body: {} })
      expect(answer.status).toBe(status)
      expect(answer.body).toMatchObject({
        msg: 'You do not have permission to delete this API Key.',
      })
      expect(emu.isLive(bob.key)).toBe(true)
      // a key that does not exist is still 404
      expect((await call(emu, 'DELETE', 'auth/apikeys/999/', { body: {} })).status).toBe(404)
    },
  )

  it('the primary key cannot be deleted', async () => {
    const emu = await start()
    const primary = emu.addKey({ name: 'primary', primary: true })
    const answer = await call(emu, 'DELETE', `auth/apikeys/${primary.id}/`, { body: {} })
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ msg: 'You cannot delete your primary key.' })
  })

  it('tooManyForm overrides the rate limiter form', async () => {
    const emu = await start({
      rateLimits: { intervalsMs: { list: 60_000 }, form: 'json' },
      variants: { tooManyForm: 'plain' },
    })
    expect((await call(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
    const refused = await call(emu, 'GET', 'auth/apikeys/')
    expect([refused.status, refused.text]).toEqual([429, 'API requests too frequent'])
    emu.setVariants({ tooManyForm: 'retry-after' })
    const bucket = await call(emu, 'GET', 'auth/apikeys/')
    expect(Number(bucket.headers['retry-after'])).toBeGreaterThan(50)
    expect(bucket.headers['x-ratelimit-remaining']).toBe('0')
  })

  it.each(['html', 'empty'] as const)(
    'edgeRequiresUserAgent %s: no or a runtime User-Agent gets a 403 that is not JSON',
    async (form) => {
      const emu = await start({ variants: { edgeRequiresUserAgent: form } })
      for (const userAgent of [undefined, '', 'node', 'undici']) {
        const refused = await call(emu, 'GET', 'auth/apikeys/', {
          ...(userAgent === undefined ? {} : { userAgent }),
        })
        expect(refused.status).toBe(403)
        expect(refused.body).toBeUndefined()
        expect(refused.text === '').toBe(form === 'empty')
      }
      const passed = await call(emu, 'GET', 'auth/apikeys/', { userAgent: 'vast-scoped-key/1.2.3' })
      expect(passed.status).toBe(200)
      expect(emu.requests.map((r) => [r.status, r.userAgent])).toEqual([
        [403, null],
        [403, ''],
        [403, 'node'],
        [403, 'undici'],
        [200, 'vast-scoped-key/1.2.3'],
      ])
    },
  )

  it('are read and set over /__emulator/variants, and checked', async () => {
    const emu = await start()
    const set = await call(emu, 'POST', '/__emulator/variants', {
      key: null,
      body: { keyFormat: 'vast', foreignKeyDelete: 403 },
    })
    expect(set.status).toBe(200)
    const read = await call(emu, 'GET', '/__emulator/variants', { key: null })
    expect(read.body).toEqual({ variants: { keyFormat: 'vast', foreignKeyDelete: 403 } })
    const created = await call(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect((created.body as { key: string }).key).toMatch(/^vast-/)
    for (const body of [{ keyFormat: 'base64' }, { nonsense: true }, [1]]) {
      const refused = await call(emu, 'POST', '/__emulator/variants', { key: null, body })
      expect(refused.status).toBe(400)
    }
    expect(emu.variants).toEqual({ keyFormat: 'vast', foreignKeyDelete: 403 })
  })

  it('rate limits are set over /__emulator/rate-limits, and checked', async () => {
    const emu = await start()
    const body = { intervalsMs: { list: 60_000 }, form: 'threshold' }
    expect((await call(emu, 'POST', '/__emulator/rate-limits', { key: null, body })).status).toBe(
      200,
    )
    expect((await call(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
    const refused = await call(emu, 'GET', 'auth/apikeys/')
    expect(refused.text).toBe('API requests too frequent: endpoint threshold=60.0')
    for (const bad of [{ form: 'loud' }, { scale: -1 }, { intervalsMs: { nowhere: 1 } }, 3]) {
      const answer = await call(emu, 'POST', '/__emulator/rate-limits', { key: null, body: bad })
      expect(answer.status).toBe(400)
    }
    await call(emu, 'POST', '/__emulator/rate-limits', { key: null, body: false })
    expect((await call(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
  })
})
