import { afterEach, describe, expect, it } from '@jest/globals'
import { LoopbackProxy } from '../emulator/proxy.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// Proxies, redirects and signals, from dist/ against the emulator.

let current: Scenario | undefined
let proxy: LoopbackProxy | undefined
afterEach(async () => {
  await current?.close()
  await proxy?.close()
  current = undefined
  proxy = undefined
})

const onlyParent = (s: Scenario) =>
  expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])

describe('proxies', () => {
  it.each(['HTTP_PROXY', 'http_proxy'])(
    'sends every request through %s, and masks its credentials',
    async (variable) => {
      proxy = await LoopbackProxy.start({ credentials: 'ci-user:pr0xy-s3cret' })
      const proxyUrl = proxy.url.replace('http://', 'http://ci-user:pr0xy-s3cret@')
      const s = (current = await scenario({ job: { env: { [variable]: proxyUrl } } }))
      const main = await s.job.runMain({ inputs: s.inputs(), debug: true })
      const post = await s.job.runPost({ inputs: s.inputs(), debug: true })
      expect([main.conclusion, post.conclusion]).toEqual(['success', 'success'])
      expect(proxy.requests.map((r) => `${r.method} ${new URL(r.target).pathname}`)).toEqual([
        'POST /api/v0/auth/apikeys/',
        `DELETE /api/v0/auth/apikeys/${main.outputs['key-id']}/`,
      ])
      expect(proxy.requests.every((r) => r.authorized)).toBe(true)
      expect(main.masks).toContain('pr0xy-s3cret')
      onlyParent(s)
      expect(s.leaks()).toEqual([])
    },
  )

  it.each(['NO_PROXY', 'no_proxy'])('goes direct for hosts in %s', async (variable) => {
    proxy = await LoopbackProxy.start()
    const s = (current = await scenario({
      job: { env: { HTTP_PROXY: proxy.url, [variable]: '127.0.0.1' } },
    }))
    const main = await s.job.runMain({ inputs: s.inputs() })
    await s.job.runPost({ inputs: s.inputs() })
    expect(main.conclusion).toBe('success')
    expect(proxy.requests).toEqual([])
    onlyParent(s)
  })

  it('fails clearly when the proxy refuses, and leaves nothing', async () => {
    proxy = await LoopbackProxy.start({ credentials: 'a:b' })
    const s = (current = await scenario({ job: { env: { HTTP_PROXY: proxy.url } } }))
    const main = await s.job.runMain({ inputs: s.inputs() })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /Create API key failed: the proxy refused the request: Proxy Authentication Required \(407\)/,
    )
    expect(s.emulator.requests).toEqual([])
  })
})

describe('transport', () => {
  it('does not follow a redirect with the parent key', async () => {
    const s = (current = await scenario())
    s.emulator.inject('create', {
      type: 'status',
      status: 307,
      headers: { Location: `${s.emulator.url}/elsewhere/api/v0/auth/apikeys/` },
    })
    const main = await s.job.runMain({ inputs: s.inputs() })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/HTTP 307.*redirect, not followed.*check api-url/)
    expect(s.emulator.requests.map((r) => r.path)).toEqual(['/api/v0/auth/apikeys/'])
  })
})

describe('signals', () => {
  it('ends main promptly when cancelled in its retry loop, and nothing is left', async () => {
    const s = (current = await scenario())
    s.emulator.inject('create', { type: 'status', status: 503 }, 50)
    s.emulator.inject('list', { type: 'status', status: 503 }, 50)
    let firstRefusal: () => void = () => {}
    const refused = new Promise<void>((resolve) => (firstRefusal = resolve))
    const main = await s.job.runMain({
      inputs: s.inputs({ 'max-attempts': '50' }),
      cancelAfter: { when: refused },
      onOutput: (line) => {
        if (/may have been applied|Service unavailable|503/.test(line)) firstRefusal()
      },
      debug: true,
    })
    expect(main.conclusion).toBe('cancelled')
    const sigint = main.signalsSent[0]?.atMs ?? 0
    expect(main.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    expect(main.durationMs - sigint).toBeLessThan(6000)
    s.emulator.clearFaults()
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    onlyParent(s)
    expect(s.leaks()).toEqual([])
  })
})
