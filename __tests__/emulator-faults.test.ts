import { describe, expect, it } from '@jest/globals'
import { api, createKey, perms, useVastEmulators } from './support/vast-http.ts'

// The Vast emulator's injected faults: status, delay, reset, lost, malformed, hold.

const start = useVastEmulators()

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
