import { describe, expect, it } from '@jest/globals'
import { Agent, request } from 'node:http'
import { api, createKey, perms, USER_RW, useVastEmulators } from './support/vast-http.ts'

// The Vast emulator's key routes on the happy path, and delete.

const start = useVastEmulators()

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
