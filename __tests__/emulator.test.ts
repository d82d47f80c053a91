import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
  jest,
} from '@jest/globals'
import { spawn } from 'node:child_process'
import { createVerifier } from '../broker/token.ts'
import { Agent, request } from 'node:http'
import { VastEmulator } from '../emulator/vast.ts'
import type { EmulatorOptions, Permissions } from '../emulator/vast.ts'

const started: VastEmulator[] = []

async function start(options?: EmulatorOptions): Promise<VastEmulator> {
  const emulator = await VastEmulator.start(options)
  started.push(emulator)
  return emulator
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()))
})

// The emulator must never print anything (it handles secrets).
const consoleSpies: jest.Spied<typeof console.log>[] = []
beforeAll(() => {
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    consoleSpies.push(jest.spyOn(console, method))
  }
})
afterAll(() => {
  for (const spy of consoleSpies) {
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
  }
})

interface Answer {
  status: number
  headers: Headers
  text: string
  body: unknown
}

interface CallOptions {
  /** Bearer key; default the parent key, null for none. */
  key?: string | null
  body?: unknown
  raw?: string
  signal?: AbortSignal
}

/** One real HTTP call; `path` is under /api/v0/ unless it starts with '/'. */
async function api(
  emulator: VastEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const key = options.key === undefined ? emulator.parentKey : options.key
  const headers: Record<string, string> = {}
  if (key !== null) headers['authorization'] = `Bearer ${key}`
  let payload: string | undefined = options.raw
  if (options.body !== undefined) payload = JSON.stringify(options.body)
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const url = path.startsWith('/') ? emulator.url + path : `${emulator.url}/api/v0/${path}`
  const response = await fetch(url, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text) as unknown
  } catch {
    body = undefined
  }
  return { status: response.status, headers: response.headers, text, body }
}

const perms = (api: Permissions['api']): Permissions => ({ api })
const USER_RW = { user_read: {}, user_write: {} }

async function createKey(
  emulator: VastEmulator,
  name: string,
  permissions: Permissions,
  key?: string,
): Promise<{ id: number; key: string }> {
  const answer = await api(emulator, 'POST', 'auth/apikeys/', {
    key,
    body: { name, permissions },
  })
  expect(answer.status).toBe(200)
  return answer.body as { id: number; key: string }
}

describe('happy paths', () => {
  it('creates, lists, shows and deletes a key', async () => {
    const emu = await start()
    const created = await api(emu, 'POST', 'auth/apikeys/', {
      body: { name: 'child', permissions: perms({ user_read: {} }), key_params: 'x=1' },
    })
    expect(created.status).toBe(200)
    const child = created.body as {
      success: boolean
      id: number
      key: string
      permissions: unknown
    }
    expect(child.success).toBe(true)
    expect(child.key).toMatch(/^[0-9a-f]{64}$/)
    expect(child.permissions).toEqual(perms({ user_read: {} }))
    expect(child.id).toBeGreaterThan(emu.parentKeyId)
    expect(emu.findByValue(child.key)).toMatchObject({ name: 'child', keyParams: 'x=1' })

    const list = await api(emu, 'GET', 'auth/apikeys/')
    expect(list.status).toBe(200)
    const items = (list.body as { apikeys: Record<string, unknown>[] }).apikeys
    expect(items.map((i) => i['id'])).toEqual([emu.parentKeyId, child.id])
    expect(items[1]).toEqual({
      id: child.id,
      user_id: 1001,
      key: null,
      key_type: 'api',
      name: 'child',
      rights: perms({ user_read: {} }),
      team_id: null,
      team_name: null,
      team_owner: null,
    })
    expect(list.text).not.toContain(child.key)
    expect(list.text).not.toContain(emu.parentKey)

    const shown = await api(emu, 'GET', `auth/apikeys/${child.id}/`)
    expect(shown.status).toBe(200)
    expect(shown.body).toEqual(items[1])

    const deleted = await api(emu, 'DELETE', `auth/apikeys/${child.id}/`, { body: {} })
    expect(deleted.status).toBe(200)
    expect(deleted.body).toBe('Successfully Deleted API Key')
    expect(emu.isLive(child.key)).toBe(false)
    expect(emu.findByValue(child.key)?.deletedAt).toEqual(expect.any(Number))
    expect(emu.liveKeys().map((k) => k.id)).toEqual([emu.parentKeyId])
    expect(emu.keys()).toHaveLength(2)
    const after = await api(emu, 'GET', 'auth/apikeys/')
    expect((after.body as { apikeys: unknown[] }).apikeys).toHaveLength(1)
    expect((await api(emu, 'GET', `auth/apikeys/${child.id}/`)).status).toBe(404)
  })

  it('answers users/current with and without the trailing slash, and behind a prefix', async () => {
    const emu = await start()
    for (const path of [
      '/api/v0/users/current',
      '/api/v0/users/current/',
      '/some/prefix/api/v0/users/current',
    ]) {
      const answer = await api(emu, 'GET', path)
      expect(answer.status).toBe(200)
      expect(answer.body).toMatchObject({
        id: 1001,
        key_id: emu.parentKeyId,
        api_key: emu.parentKey,
      })
      expect(answer.body).toEqual(
        expect.objectContaining({ email: expect.any(String), username: expect.any(String) }),
      )
    }
    const prefixed = await api(emu, 'GET', '/p/q/api/v0/auth/apikeys/')
    expect(prefixed.status).toBe(200)
  })

  it('serves gpu names without auth', async () => {
    const emu = await start()
    const answer = await api(emu, 'GET', 'gpu_names/unique/', { key: null })
    expect(answer.status).toBe(200)
    expect(answer.body).toEqual({ gpu_names: ['RTX 4090', 'H100 SXM'] })
  })

  it('resets the calling key: the old value stops working at once', async () => {
    const emu = await start()
    const child = await createKey(emu, 'c', perms(USER_RW))
    const reset = await api(emu, 'PUT', 'commands/reset_apikey/', {
      key: child.key,
      body: { client_id: 'me' },
    })
    expect(reset.status).toBe(200)
    const fresh = (reset.body as { success: boolean; new_api_key: string }).new_api_key
    expect(fresh).toMatch(/^[0-9a-f]{64}$/)
    expect(fresh).not.toBe(child.key)
    expect((await api(emu, 'GET', 'auth/apikeys/', { key: child.key })).status).toBe(401)
    const current = await api(emu, 'GET', 'users/current', { key: fresh })
    expect(current.body).toMatchObject({ key_id: child.id, api_key: fresh })
    expect(emu.findByValue(fresh)?.id).toBe(child.id)
    expect(emu.findByValue(child.key)).toBeUndefined()

    const bad = await api(emu, 'PUT', 'commands/reset_apikey/', { key: fresh, body: {} })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ success: false })
  })

  it('never reuses ids and honours keyFactory', async () => {
    let n = 0
    const emu = await start({ keyFactory: () => `local-key-${++n}` })
    expect(emu.parentKey).toBe('local-key-1')
    const a = await createKey(emu, 'a', perms({ misc: {} }))
    expect(a.key).toBe('local-key-2')
    await api(emu, 'DELETE', `auth/apikeys/${a.id}/`, { body: {} })
    const b = await createKey(emu, 'b', perms({ misc: {} }))
    expect(b.id).toBeGreaterThan(a.id)
  })

  it('answers unknown routes and methods', async () => {
    const emu = await start()
    const missing = await api(emu, 'GET', 'auth/apikeys')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({ success: false, error: 'not_found', msg: 'Not found' })
    expect((await api(emu, 'GET', '/nowhere')).status).toBe(404)
    const wrong = await api(emu, 'PATCH', 'auth/apikeys/')
    expect(wrong.status).toBe(405)
    expect(wrong.headers.get('allow')).toBe('GET, POST')
  })

  it('keeps keep-alive connections working, and close() does not wait for them', async () => {
    const emu = await start()
    const agent = new Agent({ keepAlive: true })
    const get = () =>
      new Promise<boolean>((resolve, reject) => {
        const req = request(`${emu.url}/api/v0/gpu_names/unique/`, { agent }, (res) => {
          res.resume()
          res.on('end', () => resolve(req.reusedSocket))
        })
        req.on('error', reject)
        req.end()
      })
    expect(await get()).toBe(false)
    expect(await get()).toBe(true)
    await emu.close() // resolves although the request is still held (a hang fails the test)
    agent.destroy()
  })
})

describe('auth and scope', () => {
  it('refuses a missing, unknown or deleted key', async () => {
    const emu = await start()
    const none = await api(emu, 'GET', 'auth/apikeys/', { key: null })
    expect(none.status).toBe(400)
    expect(none.body).toEqual({
      success: false,
      error: 'auth_error',
      msg: 'API Key not provided as bearer token.',
    })
    const unknown = await api(emu, 'GET', 'auth/apikeys/', { key: 'f'.repeat(64) })
    expect(unknown.status).toBe(401)
    expect(unknown.body).toEqual({
      success: false,
      error: 'invalid_user_key',
      msg: 'Invalid user key',
    })
    const child = await createKey(emu, 'c', perms(USER_RW))
    await api(emu, 'DELETE', `auth/apikeys/${child.id}/`, { body: {} })
    const deleted = await api(emu, 'GET', 'users/current', { key: child.key })
    expect(deleted.status).toBe(401)
    expect(deleted.body).toMatchObject({ msg: 'Invalid user key' })
  })

  it('accepts the query form and records how each request authenticated', async () => {
    const emu = await start()
    const viaQuery = await api(emu, 'GET', `/api/v0/auth/apikeys/?api_key=${emu.parentKey}`, {
      key: null,
    })
    expect(viaQuery.status).toBe(200)
    await api(emu, 'GET', 'auth/apikeys/')
    await api(emu, 'GET', 'auth/apikeys/', { key: null })
    expect(emu.requestsFor('list').map((r) => r.authVia)).toEqual(['query', 'header', 'none'])
    const first = emu.requests[0]
    expect(first).toMatchObject({
      method: 'GET',
      path: '/api/v0/auth/apikeys/',
      route: 'list',
      status: 200,
      callerKeyId: emu.parentKeyId,
      fault: null,
    })
    expect(JSON.stringify(emu.requests)).not.toContain(emu.parentKey)
  })

  it.each([403, 401] as const)('refuses a key without the route scope with %i', async (status) => {
    const emu = await start({ missingScopeStatus: status })
    const writer = await createKey(emu, 'w', perms({ user_write: {} }))
    const reader = await createKey(emu, 'r', perms({ user_read: {} }))
    for (const path of ['auth/apikeys/', 'users/current', `auth/apikeys/${reader.id}/`]) {
      const answer = await api(emu, 'GET', path, { key: writer.key })
      expect(answer.status).toBe(status)
      const msg = (answer.body as { msg: string }).msg
      if (status === 403) expect(msg).toBe('Insufficient permissions')
      else expect(msg).not.toBe('Invalid user key')
    }
    const create = await api(emu, 'POST', 'auth/apikeys/', {
      key: reader.key,
      body: { name: 'x', permissions: perms({ user_read: {} }) },
    })
    expect(create.status).toBe(status)
    const reset = await api(emu, 'PUT', 'commands/reset_apikey/', {
      key: reader.key,
      body: { client_id: 'me' },
    })
    expect(reset.status).toBe(status)
    expect(emu.liveKeys()).toHaveLength(3)
  })

  it.each([403, 401] as const)('refuses delete without user_write with %i', async (status) => {
    const emu = await start({ deleteDeniedStatus: status })
    const reader = await createKey(emu, 'r', perms({ user_read: {} }))
    const answer = await api(emu, 'DELETE', `auth/apikeys/${reader.id}/`, {
      key: reader.key,
      body: {},
    })
    expect(answer.status).toBe(status)
    expect(answer.body).toMatchObject({
      msg: 'You do not have permission to delete this API Key.',
    })
    expect(emu.isLive(reader.key)).toBe(true)
  })
})

describe('create: permissions', () => {
  const restricted = perms({
    ...USER_RW,
    team_read: { 'api.team.members': {}, 'api.team.roles': {} },
    instance_read: { 'api.instance.show': { constraints: { id: { eq: 7 } } } },
  })

  it.each([
    ['a whole category the parent only holds in part', { team_read: {} }],
    ['a category the parent lacks', { machine_read: {} }],
    ['an action the parent lacks', { team_read: { 'api.team.invite': {} } }],
    ['a constrained action, unconstrained', { instance_read: { 'api.instance.show': {} } }],
    [
      'a constrained action, other constraints',
      { instance_read: { 'api.instance.show': { constraints: { id: { eq: 8 } } } } },
    ],
  ])('a restricted parent refuses %s with 401', async (_what, child) => {
    const emu = await start({ parentPermissions: restricted })
    const answer = await api(emu, 'POST', 'auth/apikeys/', {
      body: { name: 'wide', permissions: perms(child) },
    })
    expect(answer.status).toBe(401)
    expect(answer.body).toMatchObject({ success: false, error: 'insufficient_permissions' })
    expect(emu.liveKeys()).toHaveLength(1)
  })

  it('a restricted parent grants a subset; a full parent grants any form', async () => {
    const emu = await start({ parentPermissions: restricted })
    await createKey(emu, 'ok', perms({ user_read: {}, team_read: { 'api.team.members': {} } }))
    await createKey(
      emu,
      'same-constraint',
      perms({ instance_read: { 'api.instance.show': { constraints: { id: { eq: 7 } } } } }),
    )
    const full = await start()
    await createKey(
      full,
      'any',
      perms({
        team_read: {},
        machine_write: { 'api.machine.x': { constraints: { id: { lte: 3, gte: 'a' } } } },
        agents_read: {},
      }),
    )
  })

  it('a child can only hand down what it holds', async () => {
    const emu = await start()
    const child = await createKey(emu, 'c', perms({ ...USER_RW, misc: {} }))
    await createKey(emu, 'grandchild', perms({ misc: {} }), child.key)
    const wider = await api(emu, 'POST', 'auth/apikeys/', {
      key: child.key,
      body: { name: 'g2', permissions: perms({ instance_read: {} }) },
    })
    expect(wider.status).toBe(401)
  })

  it.each([
    ['not an object', 'all'],
    ['an array', [{}]],
    ['extra top-level field', { api: {}, extra: 1 }],
    ['no api', { user_read: {} }],
    ['unknown category', { api: { user_admin: {} } }],
    ['category as array', { api: { user_read: [] } }],
    ['category as true', { api: { user_read: true } }],
    ['action as string', { api: { team_read: { 'api.team.members': 'yes' } } }],
    ['action with other field', { api: { team_read: { 'api.team.members': { x: 1 } } } }],
    ['operator in', { api: { team_read: { a: { constraints: { id: { in: [1] } } } } } }],
    ['empty operators', { api: { team_read: { a: { constraints: { id: {} } } } } }],
    ['object operand', { api: { team_read: { a: { constraints: { id: { eq: {} } } } } } }],
    ['constraints not an object', { api: { team_read: { a: { constraints: 3 } } } }],
  ])('rejects permissions that are %s', async (_what, permissions) => {
    const emu = await start()
    const answer = await api(emu, 'POST', 'auth/apikeys/', { body: { name: 'x', permissions } })
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual({
      success: false,
      error: 'invalid_permissions',
      msg: 'Invalid permission format',
    })
  })

  it('rejects missing permissions by default, or inherits them when configured', async () => {
    const emu = await start()
    const missing = await api(emu, 'POST', 'auth/apikeys/', { body: { name: 'x' } })
    expect(missing.status).toBe(400)
    expect(missing.body).toMatchObject({ error: 'missing_permissions' })
    const inherit = await start({
      missingPermissions: 'inherit',
      parentPermissions: perms(USER_RW),
    })
    const answer = await api(inherit, 'POST', 'auth/apikeys/', { body: { name: 'x' } })
    expect(answer.status).toBe(200)
    expect((answer.body as { permissions: unknown }).permissions).toEqual(perms(USER_RW))
  })

  it.each([
    ['no name', { permissions: perms({}) }],
    ['an empty name', { name: '', permissions: perms({}) }],
    ['a numeric name', { name: 5, permissions: perms({}) }],
    ['a name over 255', { name: 'n'.repeat(256), permissions: perms({}) }],
    ['an array body', [1]],
  ])('refuses %s', async (_what, body) => {
    const emu = await start()
    const answer = await api(emu, 'POST', 'auth/apikeys/', { body })
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ success: false, msg: 'Failed to create API key.' })
  })

  it('accepts a 255-character name and refuses a malformed JSON body', async () => {
    const emu = await start()
    await createKey(emu, 'n'.repeat(255), perms({}))
    const bad = await api(emu, 'POST', 'auth/apikeys/', { raw: '{"name": "x",' })
    expect(bad.status).toBe(400)
    expect(bad.body).toEqual({ success: false, msg: 'Invalid JSON' })
    const badDelete = await api(emu, 'DELETE', 'auth/apikeys/1/', { raw: '{' })
    expect(badDelete.status).toBe(400)
    expect(emu.isLive(emu.parentKey)).toBe(true)
    expect(emu.requests.at(-1)?.body).toBeNull()
  })
})

describe('delete', () => {
  it('answers 404 for missing, deleted and other users’ keys, 400 for the primary key', async () => {
    const emu = await start()
    const notFound = { msg: 'API Key not found.' }
    expect((await api(emu, 'DELETE', 'auth/apikeys/999/', { body: {} })).body).toEqual(notFound)
    expect((await api(emu, 'DELETE', 'auth/apikeys/abc/', { body: {} })).status).toBe(404)
    const child = await createKey(emu, 'c', perms({}))
    await api(emu, 'DELETE', `auth/apikeys/${child.id}/`, { body: {} })
    const again = await api(emu, 'DELETE', `auth/apikeys/${child.id}/`, { body: {} })
    expect(again.status).toBe(404)
    expect(again.body).toEqual(notFound)

    const stranger = emu.addKey({ name: 'other', userId: 2, permissions: perms(USER_RW) })
    const foreign = await api(emu, 'DELETE', `auth/apikeys/${stranger.id}/`, { body: {} })
    expect(foreign.status).toBe(404)
    expect((await api(emu, 'GET', `auth/apikeys/${stranger.id}/`)).status).toBe(404)
    const strangerList = await api(emu, 'GET', 'auth/apikeys/', { key: stranger.key })
    expect((strangerList.body as { apikeys: { id: number }[] }).apikeys).toEqual([
      expect.objectContaining({ id: stranger.id, user_id: 2 }),
    ])

    const primary = emu.addKey({ name: 'primary', primary: true })
    const refused = await api(emu, 'DELETE', `auth/apikeys/${primary.id}/`, { body: {} })
    expect(refused.status).toBe(400)
    expect(refused.body).toMatchObject({ msg: 'You cannot delete your primary key.' })
    expect(emu.isLive(primary.key)).toBe(true)
  })

  it('lets the parent key delete itself (the action must not)', async () => {
    const emu = await start()
    const parent = emu.parentKey
    const answer = await api(emu, 'DELETE', `auth/apikeys/${emu.parentKeyId}/`, { body: {} })
    expect(answer.status).toBe(200)
    expect(emu.isLive(parent)).toBe(false)
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(401)
  })
})

describe('faults', () => {
  const createBody = { name: 'f', permissions: perms({ misc: {} }) }

  it('status: answers as told without applying', async () => {
    const emu = await start()
    emu.inject('create', { type: 'status', status: 503 })
    emu.inject('create', { type: 'status', status: 502, body: 'bad gateway' })
    emu.inject('create', {
      type: 'status',
      status: 500,
      body: { message: 'boom' },
      headers: { 'X-Extra': 'yes', 'Content-Type': 'application/problem+json' },
    })
    const a = await api(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect(a.status).toBe(503)
    expect(a.body).toMatchObject({ success: false })
    const b = await api(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect([b.status, b.text, b.headers.get('content-type')]).toEqual([
      502,
      'bad gateway',
      'text/plain; charset=utf-8',
    ])
    const c = await api(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect([c.status, c.body, c.headers.get('x-extra')]).toEqual([500, { message: 'boom' }, 'yes'])
    expect(c.headers.get('content-type')).toBe('application/problem+json')
    expect(emu.liveKeys()).toHaveLength(1)
    expect(emu.requestsFor('create').map((r) => [r.status, r.fault])).toEqual([
      [503, 'status'],
      [502, 'status'],
      [500, 'status'],
    ])
    expect((await api(emu, 'POST', 'auth/apikeys/', { body: createBody })).status).toBe(200)
  })

  it('faults are FIFO per route, counted, and can be cleared', async () => {
    const emu = await start()
    const first = emu.inject('list', { type: 'status', status: 502 }, 2)
    emu.inject('list', { type: 'status', status: 504 })
    emu.inject('show', { type: 'status', status: 500 })
    expect(first.times).toBe(2)
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await api(emu, 'GET', 'auth/apikeys/')).status)
    expect(statuses).toEqual([502, 502, 504, 200])
    expect(first.times).toBe(0)
    await expect(first.arrived).resolves.toBeUndefined()
    emu.clearFaults()
    expect((await api(emu, 'GET', 'auth/apikeys/1/')).status).toBe(200)
  })

  const tooFrequent = 'API requests too frequent endpoint threshold=2.0'
  it.each([
    ['plain', 'text/plain; charset=utf-8', null, 'API requests too frequent'],
    ['text', 'text/plain; charset=utf-8', null, tooFrequent],
    [
      'threshold',
      'text/plain; charset=utf-8',
      null,
      'API requests too frequent: endpoint threshold=2.0',
    ],
    [
      'msg',
      'application/json',
      null,
      JSON.stringify({ success: false, error: 'rate_limited', msg: tooFrequent }),
    ],
    ['json', 'application/json', null, JSON.stringify({ detail: tooFrequent })],
    ['retry-after', 'application/json', '0', JSON.stringify({ detail: tooFrequent })],
  ] as const)('429 in %s form', async (form, type, retryAfter, body) => {
    const emu = await start()
    emu.inject('create', { type: '429', form, retryAfterSeconds: 0 })
    const answer = await api(emu, 'POST', 'auth/apikeys/', { body: createBody })
    expect(answer.status).toBe(429)
    expect(answer.headers.get('content-type')).toBe(type)
    expect(answer.headers.get('retry-after')).toBe(retryAfter)
    expect(answer.text).toBe(body)
    if (form === 'retry-after') expect(answer.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(emu.liveKeys()).toHaveLength(1)
  })

  it('delay: answers normally after the delay, or the client times out', async () => {
    const emu = await start()
    emu.inject('list', { type: 'delay', ms: 60 })
    const t0 = performance.now()
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55)
    const slow = emu.inject('create', { type: 'delay', ms: 300 })
    const giveUp = new AbortController()
    const pending = api(emu, 'POST', 'auth/apikeys/', { body: createBody, signal: giveUp.signal })
    await slow.arrived // the request is in the delay: the client gives up now
    giveUp.abort()
    await expect(pending).rejects.toThrow()
    expect(emu.requestsFor('create')[0]?.fault).toBe('delay')
  })

  it('reset: the socket dies before anything is applied', async () => {
    const emu = await start()
    emu.inject('create', { type: 'reset' })
    await expect(api(emu, 'POST', 'auth/apikeys/', { body: createBody })).rejects.toThrow()
    expect(emu.liveKeys()).toHaveLength(1)
    expect(emu.requestsFor('create')[0]).toMatchObject({ status: null, fault: 'reset' })
  })

  it('lost: the key is created but the answer never comes', async () => {
    const emu = await start()
    emu.inject('create', { type: 'lost' })
    const error = await api(emu, 'POST', 'auth/apikeys/', { body: createBody }).catch(
      (e: unknown) => e,
    )
    // fetch's TypeError comes from another realm than jest's: compare by shape.
    expect(error).toMatchObject({ name: 'TypeError', message: 'fetch failed' })
    expect(emu.liveKeys().map((k) => k.name)).toEqual(['ci-parent', 'f'])
    expect(emu.requestsFor('create')[0]).toMatchObject({ status: null, fault: 'lost' })

    const victim = await createKey(emu, 'v', perms({}))
    emu.inject('delete', { type: 'lost' })
    await expect(api(emu, 'DELETE', `auth/apikeys/${victim.id}/`, { body: {} })).rejects.toThrow()
    expect(emu.isLive(victim.key)).toBe(false)
  })

  it('malformed-json and non-json: 200 with a body a client cannot use', async () => {
    const emu = await start()
    emu.inject('create', { type: 'malformed-json' })
    emu.inject('create', { type: 'malformed-json', apply: true })
    emu.inject('create', { type: 'non-json' })
    emu.inject('create', { type: 'non-json', apply: true })
    const answers = []
    for (let i = 0; i < 4; i++) {
      answers.push(
        await api(emu, 'POST', 'auth/apikeys/', { body: { ...createBody, name: `${i}` } }),
      )
    }
    expect(answers.map((a) => [a.status, a.body])).toEqual([
      [200, undefined],
      [200, undefined],
      [200, undefined],
      [200, undefined],
    ])
    expect(answers[0]?.headers.get('content-type')).toBe('application/json')
    expect(answers[1]?.text).toMatch(/^\{"success":true/)
    expect(answers[2]?.text).toBe('<html>gateway</html>')
    expect(answers[2]?.headers.get('content-type')).toBe('text/html')
    expect(emu.liveKeys().map((k) => k.name)).toEqual(['ci-parent', '1', '3'])
  })

  it('hold: applies on arrival and answers on release', async () => {
    const emu = await start()
    const hold = emu.inject('create', { type: 'hold' })
    const pending = api(emu, 'POST', 'auth/apikeys/', { body: createBody })
    await hold.arrived
    expect(emu.liveKeys().map((k) => k.name)).toEqual(['ci-parent', 'f'])
    expect(emu.requestsFor('create')[0]?.status).toBeNull()
    hold.release()
    const answer = await pending
    expect(answer.status).toBe(200)
    expect(emu.findByValue((answer.body as { key: string }).key)?.name).toBe('f')
    expect(emu.requestsFor('create')[0]).toMatchObject({ status: 200, fault: 'hold' })
  })

  it('hold without apply: applies only on release', async () => {
    const emu = await start()
    const hold = emu.inject('delete', { type: 'hold', apply: false })
    const child = await createKey(emu, 'c', perms({}))
    const pending = api(emu, 'DELETE', `auth/apikeys/${child.id}/`, { body: {} })
    await hold.arrived
    expect(emu.isLive(child.key)).toBe(true)
    hold.release()
    expect((await pending).status).toBe(200)
    expect(emu.isLive(child.key)).toBe(false)
  })

  it('close() does not hang on a held request', async () => {
    const emu = await start()
    const hold = emu.inject('list', { type: 'hold' })
    const pending = api(emu, 'GET', 'auth/apikeys/').catch((e: unknown) => e)
    await hold.arrived
    await emu.close() // resolves although the request is still held (a hang fails the test)
    expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' })
    hold.release() // too late: nothing is sent, nothing throws
  })
})

describe('rate limits', () => {
  // The limiter runs on a clock the test moves: a loaded machine cannot turn a 429 into a 200.
  let clock = 0
  const rateClock = () => clock
  beforeEach(() => {
    clock = 0
  })

  it.each(['text', 'json', 'retry-after'] as const)(
    'refuses too-early calls (%s)',
    async (form) => {
      const emu = await start({ rateLimits: { scale: 0.5, form }, rateClock }) // list 500 ms
      expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
      const refused = await api(emu, 'GET', 'auth/apikeys/')
      expect(refused.status).toBe(429)
      if (form === 'text') {
        expect(refused.text).toBe('API requests too frequent endpoint threshold=0.5')
        expect(refused.headers.get('content-type')).toMatch(/^text\/plain/)
      } else {
        expect(refused.body).toEqual({ detail: expect.stringContaining('too frequent') })
      }
      if (form === 'retry-after') {
        expect(refused.headers.get('retry-after')).toBe('1')
        expect(refused.headers.get('x-ratelimit-limit')).toBe('1')
        expect(refused.headers.get('x-ratelimit-reset')).toBe('1')
      } else {
        expect(refused.headers.get('retry-after')).toBeNull()
      }
      // Other routes run on their own clocks; gpu names has none.
      expect((await api(emu, 'GET', 'users/current')).status).toBe(200)
      expect((await api(emu, 'GET', 'gpu_names/unique/')).status).toBe(200)
      expect((await api(emu, 'GET', 'gpu_names/unique/')).status).toBe(200)
      clock += 499
      expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(429)
      clock += 1
      expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
    },
  )

  it('measures from the last accepted call, not from a refused one', async () => {
    const emu = await start({ rateLimits: { intervalsMs: { list: 1000 } }, rateClock })
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
    clock = 100
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(429)
    clock = 1000 // 1000 ms after the accepted call, 900 after the refused one
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
  })

  it('restarts the clock on a refused call too, when asked (Vast does not say which it does)', async () => {
    const emu = await start({
      rateLimits: { intervalsMs: { list: 1000 }, refused: 'restarts' },
      rateClock,
    })
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
    clock = 100
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(429)
    clock = 1000 // 1000 ms after the accepted call, 900 after the refused one
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(429)
    clock = 2000
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
  })

  it('keeps one clock per key, or per user when asked', async () => {
    const byKey = await start({ rateLimits: { scale: 10 }, rateClock })
    const other = byKey.addKey({ name: 'o', permissions: perms(USER_RW) })
    expect((await api(byKey, 'GET', 'auth/apikeys/')).status).toBe(200)
    expect((await api(byKey, 'GET', 'auth/apikeys/', { key: other.key })).status).toBe(200)
    expect((await api(byKey, 'GET', 'auth/apikeys/', { key: other.key })).status).toBe(429)

    const byUser = await start({ rateLimits: { scale: 10, identity: 'user' }, rateClock })
    const sibling = byUser.addKey({ name: 's', permissions: perms(USER_RW) })
    const stranger = byUser.addKey({ name: 'x', userId: 2, permissions: perms(USER_RW) })
    expect((await api(byUser, 'GET', 'auth/apikeys/')).status).toBe(200)
    expect((await api(byUser, 'GET', 'auth/apikeys/', { key: sibling.key })).status).toBe(429)
    expect((await api(byUser, 'GET', 'auth/apikeys/', { key: stranger.key })).status).toBe(200)

    byUser.setRateLimits(false)
    expect((await api(byUser, 'GET', 'auth/apikeys/', { key: sibling.key })).status).toBe(200)
    expect((await api(byUser, 'GET', 'auth/apikeys/', { key: sibling.key })).status).toBe(200)
  })

  it('checks auth before the rate limit and faults before both', async () => {
    const emu = await start({ rateLimits: true, rateClock })
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(200)
    expect((await api(emu, 'GET', 'auth/apikeys/', { key: 'nope' })).status).toBe(401)
    emu.inject('list', { type: 'status', status: 418 })
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(418)
    expect((await api(emu, 'GET', 'auth/apikeys/')).status).toBe(429)
  })
})

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
