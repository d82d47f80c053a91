import { execFile } from 'node:child_process'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { checkNetwork, networkFingerprint } from '../src/core/network-fingerprint.ts'
import { proxyFor } from '../src/core/proxy-env.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { BOMB_BYTES, BombServer, ENCODINGS, type Encoding } from './support/network.ts'

// The network rules in process: which requests a proxy gets (the runner's NO_PROXY rules), the
// fingerprint main saves for post, and the decoded-size cap on both transport paths (security
// review of issue 18, findings 2 to 4).

describe('proxyFor: the runner and @actions/http-client rules', () => {
  const P = 'http://proxy.corp:3128'
  it.each([
    [
      'an empty no_proxy falls back to NO_PROXY',
      { HTTPS_PROXY: P, no_proxy: '', NO_PROXY: 'api.example.com' },
      undefined,
    ],
    [
      'lower-case no_proxy wins when set',
      { HTTPS_PROXY: P, no_proxy: 'other.example', NO_PROXY: 'api.example.com' },
      P,
    ],
    ['a parent domain matches', { HTTPS_PROXY: P, NO_PROXY: 'example.com' }, undefined],
    ['a leading dot matches as a suffix', { HTTPS_PROXY: P, NO_PROXY: '.example.com' }, undefined],
    ['host:port matches', { HTTPS_PROXY: P, NO_PROXY: 'api.example.com:443' }, undefined],
    ['another port does not', { HTTPS_PROXY: P, NO_PROXY: 'api.example.com:8443' }, P],
    ['* matches everything', { HTTPS_PROXY: P, NO_PROXY: ' * ' }, undefined],
    ['case does not matter', { HTTPS_PROXY: P, NO_PROXY: 'API.Example.COM' }, undefined],
    ['an empty https_proxy falls back to HTTPS_PROXY', { https_proxy: '', HTTPS_PROXY: P }, P],
    ['https falls back to HTTP_PROXY', { HTTP_PROXY: P }, P],
    ['ALL_PROXY is not honoured', { ALL_PROXY: P }, undefined],
  ])('%s', (_title, env, expected) => {
    expect(proxyFor('https://api.example.com/x', env)).toBe(expected)
  })

  it('plain http uses only http_proxy / HTTP_PROXY', () => {
    expect(proxyFor('http://api.example.com/x', { HTTPS_PROXY: P })).toBeUndefined()
    expect(proxyFor('http://api.example.com/x', { http_proxy: '', HTTP_PROXY: P })).toBe(P)
  })

  it('never proxies loopback, whatever the variables (generated)', () => {
    const names = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy']
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...names), fc.constantFrom('', P, '*', 'localhost', 'x')),
        fc.constantFrom('127.0.0.1', '127.9.8.7', '[::1]', 'localhost', 'LOCALHOST'),
        fc.constantFrom('http', 'https'),
        (env, host, scheme) => {
          expect(proxyFor(`${scheme}://${host}:8080/api`, env)).toBeUndefined()
        },
      ),
      { numRuns: 200, seed: 18 },
    )
  })
})

describe('the network fingerprint', () => {
  let dir = ''
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vsk-fp-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('holds no value, only names and digests; a proxy password is not in it', () => {
    const env = {
      HTTPS_PROXY: 'http://ci-user:pr0xy-s3cret@proxy.corp:3128',
      NO_PROXY: 'internal.example',
      PATH: '/usr/bin',
    }
    const print = networkFingerprint(env)
    expect(print).toMatch(/^v1 HTTPS_PROXY=[0-9a-f]{24} NO_PROXY=[0-9a-f]{24}$/)
    expect(print).not.toMatch(/pr0xy|ci-user|proxy\.corp|internal/)
  })

  it('changes with every setting that steers a connection, and names it', () => {
    const ca = join(dir, 'ca.pem')
    writeFileSync(ca, 'first')
    const base = { NODE_EXTRA_CA_CERTS: ca, PATH: '/usr/bin' }
    const saved = networkFingerprint(base)
    expect(checkNetwork(saved, base)).toEqual({ ok: true })
    // unrelated variables do not count
    expect(checkNetwork(saved, { ...base, PATH: '/bin', HOME: '/tmp' })).toEqual({ ok: true })
    const changes: [Record<string, string>, string][] = [
      [{ HTTPS_PROXY: 'http://evil:1' }, 'HTTPS_PROXY'],
      [{ no_proxy: '' }, 'no_proxy'],
      [{ NODE_TLS_REJECT_UNAUTHORIZED: '0' }, 'NODE_TLS_REJECT_UNAUTHORIZED'],
      [{ NODE_USE_ENV_PROXY: '1' }, 'NODE_USE_ENV_PROXY'],
      [{ SSL_CERT_FILE: ca }, 'SSL_CERT_FILE'],
      [{ SSL_CERT_DIR: dir }, 'SSL_CERT_DIR'],
      [{ NODE_USE_SYSTEM_CA: '1' }, 'NODE_USE_SYSTEM_CA'],
      [{ GLOBAL_AGENT_HTTP_PROXY: 'http://evil:1' }, 'GLOBAL_AGENT_HTTP_PROXY'],
      [{ HOSTALIASES: '/tmp/aliases' }, 'HOSTALIASES'],
      [{ NODE_EXTRA_CA_CERTS: join(dir, 'other.pem') }, 'NODE_EXTRA_CA_CERTS'],
    ]
    for (const [extra, name] of changes) {
      const result = checkNetwork(saved, { ...base, ...extra })
      expect(result.ok).toBe(false)
      expect(!result.ok && result.reason).toContain(name)
    }
    // the CA file's content, not only its path: read once per environment (a step's process.env),
    // so the check and the connections trust the same bytes (e2e-ca-swap.test.ts)
    writeFileSync(ca, 'second')
    expect(checkNetwork(saved, base)).toEqual({ ok: true })
    const result = checkNetwork(saved, { ...base })
    expect(!result.ok && result.reason).toContain('NODE_EXTRA_CA_CERTS (file content)')
  })

  it('a missing fingerprint is a refusal', () => {
    const result = checkNetwork('', {})
    expect(result.ok).toBe(false)
    expect(!result.ok && result.reason).toMatch(/recorded no network fingerprint/)
  })
})

/** What a GET of `url` with the transport for `env` failed with; undefined when it did not. */
async function fetchError(
  env: NodeJS.ProcessEnv,
  url: string,
): Promise<{ code?: string; message?: string } | undefined> {
  const fetch = await createFetch(env)
  return fetch(url, { method: 'GET', headers: {}, signal: AbortSignal.timeout(60_000) }).then(
    () => undefined,
    (caught: unknown) => caught as { code?: string; message?: string },
  )
}

describe('the size cap holds after decoding, on both paths', () => {
  let proxy: LoopbackProxy
  const servers = new Map<Encoding, BombServer>()
  beforeAll(async () => {
    proxy = await LoopbackProxy.start()
    for (const encoding of ENCODINGS) servers.set(encoding, await BombServer.start(encoding))
  })
  afterAll(async () => {
    await proxy.close()
    for (const server of servers.values()) await server.close()
  })

  const paths = ENCODINGS.flatMap((encoding) => [
    ['direct', encoding] as const,
    ['proxy', encoding] as const,
  ])
  it.each(paths)('%s, %s: cut at the cap with a clear error', async (path, encoding) => {
    const server = servers.get(encoding) as BombServer
    const port = new URL(server.url).port
    const [env, url] =
      path === 'proxy'
        ? [{ HTTP_PROXY: proxy.url }, `http://${PROXIED_HOST}:${port}/x`]
        : [{}, `${server.url}/x`]
    const before = proxy.requests.length
    const error = await fetchError(env, url)
    expect(error?.code).toBe('ETOOLARGE')
    expect(error?.message).toBe(
      `the answer is larger than 32 MiB once decoded (Content-Encoding: ${encoding}); stopped reading it`,
    )
    expect(proxy.requests.length - before).toBe(path === 'proxy' ? 1 : 0)
  })

  it.each(['direct', 'proxy'] as const)(
    '%s, no Content-Encoding: a plain answer past the cap is cut too, and its connection closed',
    async (path) => {
      // Streams 1 MiB chunks, up to twice the cap, for as long as the client reads.
      let closed!: () => void
      const gone = new Promise<void>((resolve) => (closed = resolve))
      const server: Server = createServer((req, res) => {
        req.resume()
        res.writeHead(200, { 'Content-Type': 'application/json' })
        const chunk = Buffer.alloc(1024 * 1024, 0x20)
        let sent = 0
        const more = (): void => {
          while (sent < 64 && res.write(chunk)) sent++
          if (sent >= 64) res.end()
        }
        res.on('drain', more)
        res.on('close', closed)
        more()
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      try {
        const port = (server.address() as AddressInfo).port
        const [env, url] =
          path === 'proxy'
            ? [{ HTTP_PROXY: proxy.url }, `http://${PROXIED_HOST}:${port}/x`]
            : [{}, `http://127.0.0.1:${port}/x`]
        const error = await fetchError(env, url)
        expect(error?.code).toBe('ETOOLARGE')
        expect(error?.message).toBe('the answer is larger than 32 MiB; stopped reading it')
        // The client hung up before the server had sent it all (through the proxy, the proxy's
        // own connection to the server is the proxy's affair).
        if (path === 'direct') await gone
      } finally {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
      }
    },
  )

  it('memory stays bounded: a process that reads a bomb on each path peaks far below it', async () => {
    // A fresh Node process, so its peak resident size is the reads' alone.
    const script = `
      import { createFetch } from ${JSON.stringify(new URL('../src/core/vast/transport.ts', import.meta.url).pathname)}
      const [proxyUrl, ...urls] = process.argv.slice(1)
      for (const url of urls) {
        const fetch = await createFetch(url.includes(${JSON.stringify(PROXIED_HOST)}) ? { HTTP_PROXY: proxyUrl } : {})
        const error = await fetch(url, { method: 'GET', headers: {}, signal: AbortSignal.timeout(60000) }).catch((e) => e)
        if (error?.code !== 'ETOOLARGE') throw new Error('not cut: ' + String(error))
      }
      process.stdout.write(String(process.resourceUsage().maxRSS * 1024))`
    const urls = ENCODINGS.flatMap((encoding) => {
      const port = new URL((servers.get(encoding) as BombServer).url).port
      return [`http://127.0.0.1:${port}/x`, `http://${PROXIED_HOST}:${port}/x`]
    })
    // Asynchronous: the servers answer from this process.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script, proxy.url, ...urls],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } },
    )
    const peak = Number(stdout)
    // Each bomb inflates to 512 MiB, so a read that is not cut holds at least that; cut at 32 MiB,
    // the eight reads peak at about 190 MiB (Node and its type stripping included, garbage the
    // collector has not yet taken back counted).
    expect(peak).toBeLessThan((BOMB_BYTES * 3) / 4)
  })
})
