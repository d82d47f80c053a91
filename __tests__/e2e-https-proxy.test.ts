import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { TlsFront } from '../emulator/tls.ts'
import { RunnerJob } from '../harness/runner.ts'
import { ACTION_YML, scenario, shown, type Scenario } from './support/action.ts'

// An https proxy (HTTPS_PROXY=https://…): the proxy's own certificate is checked like the
// target's, with the CAs the fingerprint read and whatever NODE_TLS_REJECT_UNAUTHORIZED says.
// Node's built-in proxy support connects to an https proxy with Node's defaults; the transport
// gives that connection its own TLS options (src/core/vast/transport.ts, verifyProxy).

const closing: { close(): Promise<void> }[] = []
const errors = (result: { annotations: { level: string; message: string }[] }) =>
  result.annotations.filter((a) => a.level === 'error').map((a) => a.message)
const closeAll = async () => {
  for (const c of closing.splice(0).reverse()) await c.close()
}
afterEach(closeAll)

/**
 * The emulator behind a TLS front as `https://vast-api.test:<port>`, and a forward proxy behind a
 * TLS front of its own (a different throwaway certificate): `HTTPS_PROXY=https://127.0.0.1:<port>`.
 * `trustProxy`: the CA file names the proxy's certificate as well as the target's.
 */
async function world(trustProxy: boolean, env: Record<string, string> = {}) {
  const s: Scenario = await scenario()
  const target = await TlsFront.start(s.emulator.url)
  const proxy = await LoopbackProxy.start()
  const proxyTls = await TlsFront.start(proxy.url)
  closing.push(s, target, proxy, proxyTls)
  const dir = mkdtempSync(join(tmpdir(), 'vsk-https-proxy-'))
  closing.push({ close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) })
  const cas = join(dir, 'cas.pem')
  writeFileSync(
    cas,
    readFileSync(target.caFile, 'utf8') + (trustProxy ? readFileSync(proxyTls.caFile, 'utf8') : ''),
  )
  const job = new RunnerJob({
    actionYml: ACTION_YML,
    env: { HTTPS_PROXY: proxyTls.url, NODE_EXTRA_CA_CERTS: cas, ...env },
  })
  closing.push({ close: () => job.cleanup() })
  const port = new URL(target.url).port
  const inputs = s.inputs({ 'api-url': `https://${PROXIED_HOST}:${port}` })
  return { s, job, inputs, proxy, port }
}

describe('an https proxy', () => {
  it('tunnels through it when its certificate is trusted', async () => {
    const { s, job, inputs, proxy, port } = await world(true)
    const main = await job.runMain({ inputs })
    const post = await job.runPost({ inputs })
    expect([main.conclusion, post.conclusion]).toEqual(['success', 'success'])
    expect(proxy.requests.map((r) => `${r.method} ${r.target}`)).toEqual(
      Array(4).fill(`CONNECT ${PROXIED_HOST}:${port}`),
    )
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
  })

  it('is refused when its certificate is not trusted, NODE_TLS_REJECT_UNAUTHORIZED=0 or not', async () => {
    for (const env of [{}, { NODE_TLS_REJECT_UNAUTHORIZED: '0' }] as Record<string, string>[]) {
      const { s, job, inputs, proxy } = await world(false, env)
      const main = await job.runMain({ inputs })
      expect(main.conclusion).toBe('failure')
      expect(shown(main)).toMatch(/TLS certificate is not trusted/)
      // Nothing reached the proxy past its TLS handshake, nor the API.
      expect(proxy.requests).toEqual([])
      expect(s.emulator.requests).toEqual([])
      await closeAll()
    }
  })

  it('fails closed, before anything is sent, on a Node that keeps no kProxyConfig', async () => {
    // A preload (the job's env: NODE_OPTIONS; $GITHUB_ENV cannot set it) that takes Node's
    // internal proxy config off every agent, as a Node that moved it would leave it.
    const dir = mkdtempSync(join(tmpdir(), 'vsk-no-proxy-config-'))
    closing.push({ close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })) })
    const preload = join(dir, 'drop.cjs')
    writeFileSync(
      preload,
      `for (const mod of [require('node:https'), require('node:http')]) {
        const Real = mod.Agent
        mod.Agent = function Agent(options) {
          const agent = new Real(options)
          for (const s of Object.getOwnPropertySymbols(agent))
            if (s.description === 'kProxyConfig') delete agent[s]
          return agent
        }
        mod.Agent.prototype = Real.prototype
      }
      require('node:module').syncBuiltinESMExports()
`,
    )
    const { s, job, inputs, proxy } = await world(true, { NODE_OPTIONS: `--require ${preload}` })
    const main = await job.runMain({ inputs })
    expect(main.conclusion).toBe('failure')
    // Said once, in the action's words, and not retried: nothing was sent.
    expect(errors(main)).toEqual([
      `Read the current user failed: this Node (${process.version}) cannot be told to verify an https proxy's certificate: write the proxy URL with http://, or use Node 24`,
    ])
    expect(proxy.requests).toEqual([])
    expect(s.emulator.requests).toEqual([])
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
  })
})
