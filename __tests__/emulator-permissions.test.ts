import { describe, expect, it } from '@jest/globals'
import { api, createKey, perms, USER_RW, useVastEmulators } from './support/vast-http.ts'

// The Vast emulator's auth, route scopes and the permissions a create may grant.

const start = useVastEmulators()

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
