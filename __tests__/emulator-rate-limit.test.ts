import { beforeEach, describe, expect, it } from '@jest/globals'
import { api, perms, USER_RW, useVastEmulators } from './support/vast-http.ts'

// The Vast emulator's rate limiter, on a clock the test moves.

const start = useVastEmulators()

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
