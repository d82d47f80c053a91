import { afterEach, describe, expect, it } from '@jest/globals'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { USER_AGENT } from '../src/core/version.ts'
import { TlsFront } from '../emulator/tls.ts'
import { findLeaks } from '../harness/runner.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// Proxies, redirects and signals, from dist/ against the emulator.

let current: Scenario | undefined
let proxy: LoopbackProxy | undefined
let tls: TlsFront | undefined
afterEach(async () => {
  await current?.close()
  await proxy?.close()
  await tls?.close()
  current = undefined
  proxy = undefined
  tls = undefined
})

const onlyParent = (s: Scenario) =>
  expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])

/**
 * The emulator behind a TLS front, as `https://vast-api.test:<port>`: a name only the test proxy
 * resolves (to loopback), so the action takes it for another machine and uses the proxy; the
 * action never sends a loopback target through a proxy.
 */
async function proxiedScenario(env: Record<string, string>) {
  const s = (current = await scenario())
  tls = await TlsFront.start(s.emulator.url)
  const { RunnerJob } = await import('../harness/runner.ts')
  const { ACTION_YML } = await import('./support/action.ts')
  const job = new RunnerJob({
    actionYml: ACTION_YML,
    env: { NODE_EXTRA_CA_CERTS: tls.caFile, ...env },
  })
  const port = new URL(tls.url).port
  const inputs = (extra: Record<string, string> = {}) =>
    s.inputs({ 'api-url': `https://${PROXIED_HOST}:${port}`, ...extra })
  return { s, job, inputs, port }
}

describe('proxies', () => {
  it.each(['HTTP_PROXY', 'http_proxy'])(
    'sends every request through %s, and masks its credentials',
    async (variable) => {
      proxy = await LoopbackProxy.start({ credentials: 'ci-user:pr0xy-s3cret' })
      const proxyUrl = proxy.url.replace('http://', 'http://ci-user:pr0xy-s3cret@')
      const { s, job, inputs, port } = await proxiedScenario({ [variable]: proxyUrl })
      try {
        const main = await job.runMain({ inputs: inputs(), debug: true })
        const post = await job.runPost({ inputs: inputs(), debug: true })
        expect([main.conclusion, post.conclusion]).toEqual(['success', 'success'])
        expect(proxy.requests.map((r) => `${r.method} ${r.target}`)).toEqual([
          `CONNECT ${PROXIED_HOST}:${port}`,
          `CONNECT ${PROXIED_HOST}:${port}`,
          `CONNECT ${PROXIED_HOST}:${port}`,
          `CONNECT ${PROXIED_HOST}:${port}`,
        ])
        expect(s.emulator.requests.map((r) => r.route)).toEqual([
          'current',
          'create',
          'list',
          'delete',
        ])
        expect(proxy.requests.every((r) => r.authorized)).toBe(true)
        expect(main.masks).toContain('pr0xy-s3cret')
        onlyParent(s)
        expect(findLeaks(job.logText(), s.secrets())).toEqual([])
      } finally {
        await job.cleanup()
      }
    },
  )

  it.each([
    ['http', 'HTTP_PROXY'],
    ['http', 'http_proxy'],
    ['https', 'HTTPS_PROXY'],
    ['https', 'ALL'],
  ])(
    'never sends a loopback %s api-url through %s (the key would reach the proxy)',
    async (scheme, variable) => {
      proxy = await LoopbackProxy.start()
      const all = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy']
      const env = Object.fromEntries(
        (variable === 'ALL' ? all : [variable]).map((name) => [name, proxy?.url ?? '']),
      )
      const s = (current = await scenario())
      tls = scheme === 'https' ? await TlsFront.start(s.emulator.url) : undefined
      const { RunnerJob } = await import('../harness/runner.ts')
      const { ACTION_YML } = await import('./support/action.ts')
      const job = new RunnerJob({
        actionYml: ACTION_YML,
        env: { ...(tls ? { NODE_EXTRA_CA_CERTS: tls.caFile } : {}), ...env },
      })
      try {
        const inputs = s.inputs({ 'api-url': tls ? tls.url : s.emulator.url })
        const main = await job.runMain({ inputs })
        await job.runPost({ inputs })
        expect(main.conclusion).toBe('success')
        expect(proxy.requests).toEqual([])
        expect(s.emulator.requests.map((r) => r.route)).toEqual([
          'current',
          'create',
          'list',
          'delete',
        ])
        onlyParent(s)
      } finally {
        await job.cleanup()
      }
    },
  )

  it.each(['NO_PROXY', 'no_proxy'])('goes direct for hosts in %s', async (variable) => {
    proxy = await LoopbackProxy.start()
    const { s, job, inputs } = await proxiedScenario({
      HTTPS_PROXY: proxy.url,
      [variable]: `other.example,${PROXIED_HOST}`,
    })
    try {
      // Direct, the name resolves nowhere: that it was looked up shows the proxy was skipped.
      const main = await job.runMain({ inputs: inputs({ 'max-attempts': '1' }) })
      expect(main.conclusion).toBe('failure')
      expect(shown(main)).toMatch(/Create API key failed: network error (ENOTFOUND|EAI_AGAIN)/)
      expect(proxy.requests).toEqual([])
      expect(s.emulator.requests).toEqual([])
    } finally {
      await job.cleanup()
    }
  })

  it('names a proxy variable that is not a URL, without quoting it', async () => {
    const s = (current = await scenario({
      job: { env: { HTTPS_PROXY: 'ci-user:s3cret@proxy.corp:3128' } },
    }))
    const main = await s.job.runMain({ inputs: s.inputs() })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/HTTPS_PROXY is not a proxy URL: write it with its scheme/)
    expect(shown(main)).not.toContain('s3cret')
    expect(s.emulator.requests).toEqual([])
  })

  it('fails clearly when the proxy refuses, and leaves nothing', async () => {
    proxy = await LoopbackProxy.start({ credentials: 'a:b' })
    const { s, job, inputs } = await proxiedScenario({ HTTPS_PROXY: proxy.url })
    try {
      const main = await job.runMain({ inputs: inputs() })
      expect(main.conclusion).toBe('failure')
      expect(shown(main)).toMatch(
        /Read the current user failed: the proxy refused the request: Proxy response \(407\) !== 200 when HTTP Tunneling/,
      )
      expect(s.emulator.requests).toEqual([])
    } finally {
      await job.cleanup()
    }
  })
})

describe('https (the path real users take)', () => {
  /** The emulator behind a TLS front whose throwaway certificate the action's Node trusts. */
  async function httpsScenario(env: Record<string, string> = {}) {
    const s = (current = await scenario())
    tls = await TlsFront.start(s.emulator.url)
    const { RunnerJob } = await import('../harness/runner.ts')
    const { ACTION_YML } = await import('./support/action.ts')
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: { NODE_EXTRA_CA_CERTS: tls.caFile, ...env },
    })
    const inputs = s.inputs({ 'api-url': tls.url })
    return { s, job, inputs }
  }

  it('creates and deletes over https', async () => {
    const { s, job, inputs } = await httpsScenario()
    try {
      const main = await job.runMain({ inputs })
      const post = await job.runPost({ inputs })
      expect([main.conclusion, post.conclusion]).toEqual(['success', 'success'])
      expect(s.emulator.requests.map((r) => r.route)).toEqual([
        'current',
        'create',
        'list',
        'delete',
      ])
      onlyParent(s)
    } finally {
      await job.cleanup()
    }
  })

  it.each(['HTTPS_PROXY', 'https_proxy'])('tunnels through %s with CONNECT', async (variable) => {
    proxy = await LoopbackProxy.start()
    const { s, job, inputs, port } = await proxiedScenario({ [variable]: proxy.url })
    try {
      const main = await job.runMain({ inputs: inputs() })
      await job.runPost({ inputs: inputs() })
      expect(main.conclusion).toBe('success')
      expect(proxy.requests.map((r) => `${r.method} ${r.target}`)).toEqual([
        `CONNECT ${PROXIED_HOST}:${port}`,
        `CONNECT ${PROXIED_HOST}:${port}`,
        `CONNECT ${PROXIED_HOST}:${port}`,
        `CONNECT ${PROXIED_HOST}:${port}`,
      ])
      // Node writes the CONNECT itself, with no User-Agent (docs/security.md); the requests in
      // the tunnel carry the action's.
      expect(proxy.requests.map((r) => r.userAgent)).toEqual([null, null, null, null])
      expect(s.emulator.requests.map((r) => r.userAgent)).toEqual([
        USER_AGENT,
        USER_AGENT,
        USER_AGENT,
        USER_AGENT,
      ])
      onlyParent(s)
    } finally {
      await job.cleanup()
    }
  })

  it('refuses a certificate it cannot verify', async () => {
    const s = (current = await scenario())
    tls = await TlsFront.start(s.emulator.url)
    const main = await s.job.runMain({
      inputs: s.inputs({ 'api-url': tls.url, 'max-attempts': '1' }),
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /Read the current user failed: network error (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED)/,
    )
    expect(s.emulator.requests).toEqual([])
  })
})

describe('masking', () => {
  it('refuses a key that holds a newline: nothing handed out, the key it made deleted', async () => {
    const values = ['p'.repeat(40), 'first-half-of-key\nsecond-half-of-key']
    const s = (current = await scenario({ emulator: { keyFactory: () => values.shift() ?? 'z' } }))
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-env': 'true' }), debug: true })
    const post = await s.job.runPost({ inputs: s.inputs(), debug: true })
    expect([main.conclusion, post.conclusion]).toEqual(['failure', 'success'])
    expect(shown(main)).toMatch(
      /Create API key failed: HTTP 200, the key value has characters no Vast key has .*; the answer was refused and no key was handed out; deleted the key it made \(\d+\)/,
    )
    expect(main.outputs['api-key']).toBeUndefined()
    expect(main.exportedEnv.VAST_API_KEY).toBeUndefined()
    const shownText = [...main.log, ...post.log].join('\n')
    expect(shownText).not.toContain('first-half-of-key')
    expect(shownText).not.toContain('second-half-of-key')
    expect(s.leaks()).toEqual([])
    onlyParent(s)
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
    expect(s.emulator.requests.map((r) => r.path)).toEqual([
      '/api/v0/users/current',
      '/api/v0/auth/apikeys/',
    ])
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
      inputs: s.inputs({ 'max-attempts': '50', 'request-timeout': '2s' }),
      cancelAfter: { when: refused },
      onOutput: (line) => {
        if (/may have been applied|Service unavailable|503/.test(line)) firstRefusal()
      },
      debug: true,
    })
    expect(main.conclusion).toBe('cancelled')
    // within the runner's grace: the harness sends SIGTERM 7.5 s after SIGINT, and it never had to
    expect(main.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    s.emulator.clearFaults()
    const post = await s.job.runPost({ inputs: s.inputs({ 'request-timeout': '2s' }) })
    expect(post.conclusion).toBe('success')
    onlyParent(s)
    expect(s.leaks()).toEqual([])
  })
})
