/**
 * How requests leave the process. Without a proxy: Node's own http/https modules, the cheapest
 * way to send one request (Node's built-in fetch loads undici's wasm parser and web streams
 * first: about 11 ms more per step, see `npm run bench`). With HTTPS_PROXY / HTTP_PROXY set: the
 * undici package, loaded on demand for its EnvHttpProxyAgent, which also honours NO_PROXY; both
 * spellings of each variable count. Neither follows redirects.
 *
 * A loopback target (127.0.0.0/8, [::1], `localhost`: {@link isLoopbackHost}) always goes direct,
 * whatever the proxy variables say, as @actions/http-client does for GitHub: a proxy is another
 * machine, and plain http to this one (allowed only there) would hand it the key in cleartext.
 */

import { isLoopbackHost } from '../api-url.ts'
import { USER_AGENT } from '../version.ts'

export interface HttpResponse {
  status: number
  headers: { get(name: string): string | null }
  text(): Promise<string>
}

export interface HttpRequest {
  method: string
  headers: Record<string, string>
  body?: string | undefined
  signal: AbortSignal
}

export type FetchLike = (url: string, init: HttpRequest) => Promise<HttpResponse>

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']
/** An answer larger than this is not a Vast API answer; stop reading rather than fill memory. */
const MAX_BODY_BYTES = 32 * 1024 * 1024

export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]))
}

/**
 * Credentials written into a proxy URL (`http://user:secret@proxy:3128`), to be masked before
 * anything could print them.
 */
export function proxySecrets(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>()
  for (const name of PROXY_VARIABLES) {
    const value = env[name]
    if (!value) continue
    try {
      const { password } = new URL(value)
      if (password) {
        secrets.add(password)
        secrets.add(decodeURIComponent(password))
      }
    } catch {
      // not a URL: undici reports it when it is used
    }
  }
  return [...secrets]
}

const proxied = new WeakMap<NodeJS.ProcessEnv, Promise<FetchLike>>()

/** The transport for this environment; one proxy agent per environment, made on first use. */
export function createFetch(env: NodeJS.ProcessEnv = process.env): Promise<FetchLike> {
  if (!proxyConfigured(env)) return Promise.resolve(nodeFetch)
  let fetch = proxied.get(env)
  if (!fetch) {
    fetch = proxyFetch(env)
    proxied.set(env, fetch)
  }
  return fetch
}

async function proxyFetch(env: NodeJS.ProcessEnv): Promise<FetchLike> {
  for (const name of PROXY_VARIABLES) {
    const value = env[name]
    if (value && !/^https?:$/.test(safeProtocol(value))) {
      // The value is not quoted: a proxy URL may hold credentials.
      throw new Error(
        `${name} is not a proxy URL: write it with its scheme, like http://proxy.example.com:3128`,
      )
    }
  }
  const undici = await import('undici')
  const dispatcher = new undici.EnvHttpProxyAgent({
    // Sent to the proxy itself too (CONNECT), as some corporate proxies want one.
    headers: { 'user-agent': USER_AGENT },
    httpProxy: env.http_proxy || env.HTTP_PROXY,
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY,
    noProxy: env.no_proxy ?? env.NO_PROXY,
  })
  return (url, init) =>
    isLoopbackHost(new URL(url).hostname)
      ? nodeFetch(url, init)
      : undici.fetch(url, { ...init, redirect: 'manual', dispatcher })
}

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol
  } catch {
    return ''
  }
}

/** One request with node:http or node:https; the whole body is read before it resolves. */
async function nodeFetch(url: string, init: HttpRequest): Promise<HttpResponse> {
  const target = new URL(url)
  const { request } =
    target.protocol === 'https:' ? await import('node:https') : await import('node:http')
  // Node sends DELETE without chunked framing: a body needs its length said.
  const headers =
    init.body === undefined
      ? init.headers
      : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) }
  return new Promise((resolve, reject) => {
    const req = request(target, { method: init.method, headers, signal: init.signal }, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > MAX_BODY_BYTES) {
          req.destroy(Object.assign(new Error('answer too large'), { code: 'ETOOLARGE' }))
          return
        }
        chunks.push(chunk)
      })
      res.on('error', reject)
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8')
        resolve({
          status: res.statusCode ?? 0,
          headers: {
            get: (name) => {
              const value = res.headers[name.toLowerCase()]
              return Array.isArray(value) ? value.join(', ') : (value ?? null)
            },
          },
          text: () => Promise.resolve(body),
        })
      })
    })
    req.on('error', reject)
    req.end(init.body)
  })
}
