import { createServer, type Server } from 'node:net'
import { afterEach, describe, expect, it } from '@jest/globals'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { TlsFront } from '../emulator/tls.ts'
import { RunnerJob } from '../harness/runner.ts'
import { ACTION_YML, scenario, shown } from './support/action.ts'
import { AUDIENCE, jobClaims, startWorld } from './support/broker.ts'
import { writeEnv } from './support/network.ts'

// NODE_DEBUG, which any step can append to $GITHUB_ENV, makes Node print a request's headers
// (Proxy-Authorization in base64) and a proxy's raw answer to CONNECT, line by line, to stderr,
// where the runner reads workflow commands (src/core/node-debug.ts). Through dist/.

const closing: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const item of closing.splice(0).reverse()) await item.close()
})

const REFUSED =
  /NODE_DEBUG turns on Node's debug output for https: Node would print this step's requests/

/** A "proxy" that answers whatever connects with `answer`, and counts the connections. */
async function hostileProxy(answer: string) {
  let connections = 0
  const server: Server = createServer((socket) => {
    connections++
    socket.on('error', () => {})
    socket.once('data', () => socket.end(answer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const proxy = {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
  closing.push(proxy)
  return proxy
}

describe('NODE_DEBUG in the job environment', () => {
  it('main: a proxy answer cannot become a workflow command; nothing is sent', async () => {
    const s = await scenario()
    closing.push(s)
    const proxy = await hostileProxy(
      'HTTP/1.1 502 Bad Gateway\r\n::stop-commands::f0rged\r\nX-A: ##[set-output name=api-key]x\r\n\r\n',
    )
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: { HTTPS_PROXY: proxy.url, NODE_DEBUG: 'HTTPS' },
    })
    closing.push({ close: () => job.cleanup() })
    const main = await job.runMain({
      inputs: s.inputs({ 'api-url': `https://${PROXIED_HOST}:1`, 'max-attempts': '1' }),
    })
    expect(main.rawStdout + main.rawStderr).not.toContain('f0rged')
    expect(main.deprecatedCommands).toEqual([])
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(REFUSED)
    expect(proxy.connections()).toBe(0)
    expect(s.emulator.requests).toEqual([])
  })

  it('main: proxy credentials are not printed, in base64 or any form', async () => {
    const s = await scenario()
    const front = await TlsFront.start(s.emulator.url)
    const proxy = await LoopbackProxy.start({ credentials: 'proxyuser:Pr0xyPassw0rd' })
    closing.push(s, front, proxy)
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: {
        HTTPS_PROXY: `http://proxyuser:Pr0xyPassw0rd@127.0.0.1:${new URL(proxy.url).port}`,
        NODE_EXTRA_CA_CERTS: front.caFile,
        NODE_DEBUG: 'fs,h*',
      },
    })
    closing.push({ close: () => job.cleanup() })
    const main = await job.runMain({
      inputs: s.inputs({ 'api-url': `https://${PROXIED_HOST}:${new URL(front.url).port}` }),
    })
    const raw = main.rawStdout + main.rawStderr
    expect(raw).not.toContain(
      Buffer.from('proxyuser:Pr0xyPassw0rd').toString('base64').slice(0, 12),
    )
    expect(raw).not.toContain('Proxy-Authorization'.toLowerCase())
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/NODE_DEBUG turns on Node's debug output for http, https, http2/)
    expect(proxy.requests).toEqual([])
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
  })

  it('post: a later step writes NODE_DEBUG; post sends nothing and names the key left', async () => {
    const s = await scenario()
    closing.push(s)
    const main = await s.job.runMain({ inputs: s.inputs() })
    expect(main.conclusion).toBe('success')
    const keyId = main.outputs['key-id']
    await writeEnv(s.job, { NODE_DEBUG: 'net,tls,http' })
    const before = s.emulator.requests.length
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.rawStderr).not.toMatch(/^HTTP \d+:/m)
    expect(s.emulator.requests.length).toBe(before)
    expect(shown(post)).toMatch(/NODE_DEBUG turns on Node's debug output for http, net, tls/)
    expect(shown(post)).toContain(`key ${keyId}`)
    expect(s.emulator.liveKeys().map((k) => String(k.id))).toContain(keyId)
    expect(s.leaks()).toEqual([])
  })

  it.each([
    [{ NODE_DEBUG: 'tls' }, /NODE_DEBUG turns on Node's debug output for tls/],
    [
      { HTTPS_PROXY: 'proxy.example:3128' },
      /network settings changed after the main step \(HTTPS_PROXY\)/,
    ],
  ] as [Record<string, string>, RegExp][])(
    'broker post: a later step writes %j; no OIDC token is asked for, the key left is named',
    async (lines, said) => {
      const w = await startWorld()
      closing.push(w)
      const job = new RunnerJob({ actionYml: ACTION_YML, env: w.oidc.registerJob(jobClaims()) })
      closing.push({ close: () => job.cleanup() })
      const inputs = {
        'broker-url': w.url,
        'broker-audience': AUDIENCE,
        permissions: 'instance-manager',
        ttl: '1h',
      }
      const main = await job.runMain({ inputs })
      expect(main.conclusion).toBe('success')
      const keyId = main.outputs['key-id'] ?? ''
      const issued = w.oidc.issued.length
      await writeEnv(job, lines)
      const post = await job.runPost({ inputs })
      expect(w.oidc.issued.length).toBe(issued)
      expect(post.rawStderr).not.toMatch(/^(?:HTTPS?|NET|TLS) \d+:/m)
      const warned = post.annotations
        .filter((a) => a.level !== 'notice')
        .map((a) => a.message)
        .join('\n')
      expect(warned).toMatch(said)
      expect(warned).toMatch(new RegExp(`\\b${keyId}\\b`))
      expect(w.vast.liveKeys().map((k) => String(k.id))).toContain(keyId)
    },
  )
})
