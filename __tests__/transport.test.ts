import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { createFetch } from '../src/core/vast/transport.ts'

// The transport's choice between the proxy and a direct connection, in process over real HTTP
// (security review, finding 5: a plain-http loopback api-url went through HTTP_PROXY, handing the
// proxy the bearer key in cleartext).

let server: Server
let proxy: LoopbackProxy
let port = 0
const seen: string[] = []

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '')
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
  proxy = await LoopbackProxy.start()
})
afterAll(async () => {
  await proxy.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy'] as const
/** Spellings of 127.0.0.1 that a URL parser reads as it. */
const LOOPBACK = ['127.0.0.1', '127.1', '0x7f.0.0.1', '2130706433', '127.000.000.001']

const proxyEnv = fc
  .record({
    variables: fc.subarray([...VARIABLES], { minLength: 1 }),
    credentials: fc.boolean(),
    noProxy: fc.constantFrom(undefined, '', 'example.com', '*.corp,other', PROXIED_HOST),
  })
  .map(({ variables, credentials, noProxy }) => {
    const url = credentials ? proxy.url.replace('//', '//u:p@') : proxy.url
    const env: NodeJS.ProcessEnv = Object.fromEntries(variables.map((v) => [v, url]))
    if (noProxy !== undefined) env.NO_PROXY = noProxy
    return env
  })

async function get(env: NodeJS.ProcessEnv, url: string) {
  const fetch = await createFetch(env)
  const response = await fetch(url, {
    method: 'GET',
    headers: { Authorization: 'Bearer the-key' },
    signal: AbortSignal.timeout(10_000),
  })
  return response.status
}

describe('proxy or direct (generated)', () => {
  it('a loopback target goes direct, whatever the proxy variables say', async () => {
    await fc.assert(
      fc.asyncProperty(proxyEnv, fc.constantFrom(...LOOPBACK), async (env, host) => {
        const before = proxy.requests.length
        seen.length = 0
        const url = `http://${host}:${port}/x`
        expect(await get(env, url)).toBe(200)
        expect(proxy.requests.length).toBe(before)
        expect(seen).toEqual(['Bearer the-key'])
      }),
      { numRuns: 40, seed: 5 },
    )
  })

  it('any other host goes through the proxy unless NO_PROXY names it', async () => {
    const env = { HTTP_PROXY: proxy.url }
    const before = proxy.requests.length
    expect(await get(env, `http://${PROXIED_HOST}:${port}/x`)).toBe(200)
    expect(proxy.requests.slice(before).map((r) => r.target)).toEqual([
      `http://${PROXIED_HOST}:${port}/x`,
    ])
  })
})

describe("a proxy's answer to CONNECT (generated)", () => {
  it('reaches an error only as its status number, or "not HTTP"', async () => {
    const { createServer: createNetServer } = await import('node:net')
    let answer = ''
    const hostile = createNetServer((socket) => {
      socket.on('error', () => {})
      socket.once('data', () => socket.end(answer))
    })
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve))
    const url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`
    const outside = fc.string({
      unit: fc.constantFrom(...'HTTP/1. 0123456789:#[]%\r\nabc'.split(''), '::', '##['),
      maxLength: 40,
    })
    const line = fc.oneof(
      fc.tuple(fc.integer({ min: 100, max: 999 }), outside).map(([s, t]) => `HTTP/1.1 ${s} ${t}`),
      outside,
    )
    try {
      await fc.assert(
        fc.asyncProperty(line, outside, async (status, header) => {
          answer = `${status}\r\nX-Outside: ${header}\r\n\r\n`
          const fetch = await createFetch({ HTTPS_PROXY: url })
          const error = await fetch(`https://${PROXIED_HOST}:1/x`, {
            method: 'GET',
            headers: {},
            signal: AbortSignal.timeout(10_000),
          }).then(
            () => undefined,
            (e: unknown) => e as Error,
          )
          if (/^HTTP\/1\.1 200[ \r]/.test(`${status}\r`)) return // a tunnel: TLS then fails
          expect(error?.message).toMatch(
            /^Proxy response \((?:[1-9]\d\d|not HTTP)\) !== 200 when HTTP Tunneling$/,
          )
          expect(error?.message).not.toMatch(/::|##\[|X-Outside/)
        }),
        { numRuns: 60, seed: 11 },
      )
    } finally {
      await new Promise<void>((resolve) => hostile.close(() => resolve()))
    }
  })
})
