/**
 * How requests leave the process: the one transport of the action, the broker's client and the
 * GitHub client, on Node's own http/https modules and agents of its own (Node's built-in fetch
 * loads undici's wasm parser and web streams first: about 11 ms more per step, see
 * `npm run bench`). Through a proxy ({@link proxyFor}: HTTPS_PROXY / HTTP_PROXY / NO_PROXY, the
 * runner's rules) with Node's built-in proxy support (Node 24.5+, "Built-in Proxy Support" in
 * Node's http docs): an agent whose `proxyEnv` holds only the proxy {@link proxyFor} chose and no
 * NO_PROXY, so Node's own reading of the variables never decides; CONNECT for an https target,
 * an absolute-form request for plain http, `Proxy-Authorization: Basic` from the URL's userinfo.
 * Neither path follows redirects.
 *
 * Every agent is the transport's own, so nothing the environment says about Node's global agents
 * applies (`NODE_USE_ENV_PROXY`; direct agents say `proxyEnv: null`), and every TLS connection
 * verifies certificates whatever `NODE_TLS_REJECT_UNAUTHORIZED` says (`rejectUnauthorized: true`:
 * the target's, and the proxy's when it is an https proxy). Trust still comes from Node's CA
 * store; with `NODE_EXTRA_CA_CERTS` set, every TLS connection is given the store explicitly
 * ({@link trustedCas}; so also with the system's CAs in use): Node's bundled CAs, the system's
 * when Node uses them, and the extra file's bytes as the network fingerprint read them, once.
 * Node would read that path again on its own, lazily, when TLS is first used; the post step
 * refuses to send a secret when the fingerprint changed since main
 * (src/core/network-fingerprint.ts).
 *
 * Every answer is read through one decoder with one cap ({@link MAX_BODY_BYTES}, counted after
 * decoding): gzip, deflate, br and zstd, so a small compressed answer cannot inflate past the cap.
 */

import type { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { Readable } from 'node:stream'
import { extraCaBytes, systemCas } from '../network-fingerprint.ts'
import { checkNodeDebug } from '../node-debug.ts'
import { checkProxyVariables, PROXY_VARIABLES, proxyConfigured, proxyFor } from '../proxy-env.ts'

export { proxyConfigured, proxySecrets } from '../proxy-env.ts'

export interface HttpResponse {
  status: number
  headers: {
    get(name: string): string | null
    /** Every header, names in lower case (repeated ones joined with ", "); absent on stubs. */
    entries?(): Iterable<[string, string]>
  }
  text(): Promise<string>
}

export interface HttpRequest {
  method: string
  headers: Record<string, string>
  body?: string | undefined
  signal: AbortSignal
}

export type FetchLike = (url: string, init: HttpRequest) => Promise<HttpResponse>

/**
 * An answer larger than this once decoded (bytes) is not an answer of any API the action calls;
 * reading stops there, with an `ETOOLARGE` error, rather than fill memory.
 */
export const MAX_BODY_BYTES = 32 * 1024 * 1024

/**
 * The transport for this environment. Throws when a proxy variable is set and is not an http(s)
 * URL, or when NODE_DEBUG would make Node print the requests ({@link checkNodeDebug}). The proxy is chosen per request from `env` ({@link proxyFor}); one agent per proxy URL
 * (and scheme of the target: an http and an https agent).
 */
export function createFetch(env: NodeJS.ProcessEnv = process.env): Promise<FetchLike> {
  checkNodeDebug(env)
  if (proxyConfigured(env)) checkProxyVariables(env)
  const agents = new Map<string, Promise<HttpAgent>>()
  let verify: Promise<Verify> | undefined
  const tlsOptions = () =>
    (verify ??= trustedCas(env).then((ca) => (ca ? { ...VERIFY, ca } : VERIFY)))
  return Promise.resolve(async (url, init) => {
    const target = new URL(url)
    const secure = target.protocol === 'https:'
    const proxy = proxyFor(target, env)
    const tls = secure || (proxy && isHttps(proxy)) ? await tlsOptions() : VERIFY
    let agent: Promise<HttpAgent>
    if (!proxy) {
      agent = Promise.resolve(directAgent(secure, tls))
    } else {
      const key = `${target.protocol} ${proxy}`
      agent = agents.get(key) ?? proxyAgent(secure, proxy, tls).catch(refuseProxy(env, proxy))
      agents.set(key, agent)
    }
    return nodeFetch(target, init, await agent, secure ? tls : undefined)
  })
}

/**
 * An error of the transport's own, made before anything is sent (code `ESETUP`): no retry can
 * mend it, and its message is the action's own text (no outside text, no proxy credentials).
 */
export function setupError(message: string): Error {
  return Object.assign(new Error(message), { code: 'ESETUP' })
}

/**
 * The CAs every TLS connection trusts when `NODE_EXTRA_CA_CERTS` is set or Node uses the system's
 * CAs (undefined otherwise, or under `--use-openssl-ca`, where OpenSSL's store applies): Node's
 * bundled CAs, the system's as the fingerprint read them ({@link systemCas}), and the extra file's bytes exactly as the network
 * fingerprint read them ({@link extraCaBytes}; none when unreadable then, as Node would ignore it).
 * Source: Node's tls docs (`getCACertificates`, the `ca` option replaces the default store).
 */
export async function trustedCas(env: NodeJS.ProcessEnv): Promise<(string | Buffer)[] | undefined> {
  const options = env['NODE_OPTIONS'] ?? ''
  const system = systemCas(env)
  if ((!env['NODE_EXTRA_CA_CERTS'] && !system) || options.includes('--use-openssl-ca')) {
    return undefined
  }
  const tls = await import('node:tls')
  if (typeof tls.getCACertificates !== 'function') return undefined
  const extra = extraCaBytes(env)
  return [
    ...tls.getCACertificates('bundled'),
    ...(system ?? []),
    ...(extra?.includes('-----BEGIN CERTIFICATE-----') ? [extra] : []),
  ]
}

/**
 * An agent for `proxy` that could not be made, as a {@link setupError} naming the variable that
 * holds it: Node's own message may quote the proxy URL, credentials included.
 */
function refuseProxy(env: NodeJS.ProcessEnv, proxy: string) {
  return (error: unknown): never => {
    if ((error as { code?: unknown }).code === 'ESETUP') throw error
    const name = PROXY_VARIABLES.find((n) => env[n]?.trim() === proxy) ?? 'the proxy variable'
    const { code, name: kind } = error as { code?: unknown; name?: unknown }
    throw setupError(
      `Node cannot use the proxy in ${name} (${typeof code === 'string' ? code : String(kind)}); nothing was sent`,
    )
  }
}

/** Whether a proxy URL (checked by checkProxyVariables) is an https proxy, in any case. */
const isHttps = (proxy: string) => new URL(proxy).protocol === 'https:'

/** Verify every certificate, whatever NODE_TLS_REJECT_UNAUTHORIZED says. */
const VERIFY = { rejectUnauthorized: true } as const
type Verify = { rejectUnauthorized: true; ca?: (string | Buffer)[] }

/**
 * Never Node's environment proxy: an agent built without `proxyEnv` may fall back to
 * `process.env` under `NODE_USE_ENV_PROXY=1` in later Node releases (nodejs/node#64528); null
 * opts out.
 */
const NO_ENV_PROXY = { proxyEnv: null } as unknown as { proxyEnv: undefined }

/**
 * A direct agent keeps a connection open for the next request, for at most 1 s after its last
 * answer (the agent's `timeout` closes an idle free socket; it never ends a request in flight).
 * A sweep sends thousands of requests: a connection each kept its peak memory far above what
 * one reused connection needs (`npm run bench`, "sweep: peak RSS"). Servers keep idle connections
 * open for seconds (Node's default is 5 s), so a connection reused within 1 s is not one the
 * server is closing; idle sockets are unreferenced and never keep the step's process alive.
 */
const REUSE = { keepAlive: true, timeout: 1000 } as const

let httpAgent: HttpAgent | undefined
let httpsAgent: HttpAgent | undefined
const caAgents = new WeakMap<Verify, HttpAgent>()

/** The shared agent of a direct request (one of its own for explicit CAs). */
function directAgent(secure: boolean, tls: Verify): HttpAgent {
  // Only the module the scheme needs is loaded (https loads tls).
  // process.getBuiltinModule: no ES namespace object built on every request.
  if (!secure) {
    const http = process.getBuiltinModule('node:http')
    return (httpAgent ??= new http.Agent({ ...REUSE, ...NO_ENV_PROXY }))
  }
  const https = process.getBuiltinModule('node:https')
  if (!tls.ca) return (httpsAgent ??= new https.Agent({ ...REUSE, ...VERIFY, ...NO_ENV_PROXY }))
  let own = caAgents.get(tls)
  if (!own) caAgents.set(tls, (own = new https.Agent({ ...REUSE, ...tls, ...NO_ENV_PROXY })))
  return own
}

/**
 * An agent that sends every request through `proxy` (Node's built-in proxy support). Its
 * `proxyEnv` names the proxy for the target's scheme only, and no NO_PROXY: {@link proxyFor}
 * already decided. The https agent carries `tls` (the target's certificate, verified in the
 * tunnel); with an https proxy, the connection to the proxy gets `tls` too ({@link verifyProxy}).
 */
async function proxyAgent(secure: boolean, proxy: string, tls: Verify): Promise<HttpAgent> {
  // Normalised (Node refuses a proxy URL holding CR or LF; the URL parser drops them).
  const href = new URL(proxy).href
  const agent = secure
    ? new (await import('node:https')).Agent({ ...tls, proxyEnv: { HTTPS_PROXY: href } })
    : new (await import('node:http')).Agent({ proxyEnv: { HTTP_PROXY: href } })
  if (isHttps(href)) verifyProxy(agent, tls)
  return agent
}

/**
 * Node connects to an https proxy with the options it parsed from the proxy URL alone (host and
 * port: Node 24's `ProxyConfig.proxyConnectionOptions`, lib/internal/http.js), so the proxy's
 * certificate would be checked against Node's lazily read store and skipped under
 * `NODE_TLS_REJECT_UNAUTHORIZED=0`. There is no public option for it: the agent's own config is
 * given `tls` here. Throws, before anything is sent, when that config is not where Node 24 keeps
 * it (a Node that changed it): an unverified proxy would see every secret.
 */
function verifyProxy(agent: HttpAgent, tls: Verify): void {
  const key = Object.getOwnPropertySymbols(agent).find((s) => s.description === 'kProxyConfig')
  const config = key && (agent as unknown as Record<symbol, unknown>)[key]
  const options = (config as { proxyConnectionOptions?: unknown } | undefined)
    ?.proxyConnectionOptions
  if (!config || typeof options !== 'object' || options === null) {
    throw setupError(
      `this Node (${process.version}) cannot be told to verify an https proxy's certificate: write the proxy URL with http://, or use Node 24`,
    )
  }
  ;(config as { proxyConnectionOptions: object }).proxyConnectionOptions = { ...options, ...tls }
}

/** One request with node:http or node:https and `agent`; `tls` for an https target. */
async function nodeFetch(
  target: URL,
  init: HttpRequest,
  agent: HttpAgent,
  tls: Verify | undefined,
): Promise<HttpResponse> {
  // process.getBuiltinModule: the module itself, loaded on first use (node:https loads TLS), with
  // no ES namespace object built for every request.
  const { request } = process.getBuiltinModule(tls ? 'node:https' : 'node:http') as {
    request: typeof httpRequest
  }
  // Node sends DELETE without chunked framing: a body needs its length said.
  const headers =
    init.body === undefined
      ? init.headers
      : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) }
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      { method: init.method, headers, signal: init.signal, agent, ...tls },
      (res) => {
        readBody(res, res.headers['content-encoding']).then(
          (body) => resolve(response(res.statusCode ?? 0, res.headers, body)),
          (error: Error) => {
            req.destroy()
            reject(error)
          },
        )
      },
    )
    req.on('error', (error) => reject(proxyRefusal(error) ?? error))
    req.end(init.body)
  })
}

/**
 * A proxy that answered CONNECT with anything but 200, in the words the action has always used
 * (`Proxy response (407) !== 200 when HTTP Tunneling`, as undici said it): Node's own message
 * quotes the proxy's status line, text from outside. Other errors: undefined.
 */
function proxyRefusal(error: Error): Error | undefined {
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown }
  if (code !== 'ERR_PROXY_TUNNEL' || typeof statusCode !== 'number') return undefined
  // A status line that is not `HTTP/1.x NNN` gives NaN, or whatever number Node found in it.
  const said =
    Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 999
      ? String(statusCode)
      : 'not HTTP'
  return Object.assign(new Error(`Proxy response (${said}) !== 200 when HTTP Tunneling`), {
    code,
    statusCode,
  })
}

function response(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: string,
): HttpResponse {
  const one = (value: string | string[] | undefined) =>
    Array.isArray(value) ? value.join(', ') : value
  return {
    status,
    headers: {
      get: (name) => one(headers[name.toLowerCase()]) ?? null,
      entries: () =>
        Object.entries(headers).flatMap(([name, value]) => {
          const text = one(value)
          return text === undefined ? [] : [[name.toLowerCase(), text] as [string, string]]
        }),
    },
    text: () => Promise.resolve(body),
  }
}

/**
 * The whole body, decoded (Content-Encoding: gzip, x-gzip, deflate, br, zstd, identity, or a
 * list of them, applied in order), cut at {@link MAX_BODY_BYTES} decoded bytes: an `ETOOLARGE`
 * error then, and the stream is destroyed, so at most the cap plus one decoder chunk is held.
 * An encoding it cannot read is an `EENCODING` error.
 */
export async function readBody(
  source: Readable,
  contentEncoding: string | string[] | undefined,
): Promise<string> {
  const codings = (
    Array.isArray(contentEncoding) ? contentEncoding.join(',') : (contentEncoding ?? '')
  )
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding && coding !== 'identity')
  // No encoding: read as it comes, with no stream pipeline. A sweep reads thousands of small
  // answers, and a pipeline costs each one an abort controller and an exception (Node's
  // `pipeline` aborts its own when done).
  if (codings.length === 0) {
    try {
      return await collect(source, '')
    } catch (error) {
      source.destroy()
      throw error
    }
  }
  const { pipeline } = await import('node:stream/promises')
  const said = codings.join(', ')
  const decoders = await decodersFor([...codings].reverse())
  let text = ''
  let raw = 0
  try {
    await (pipeline as unknown as (streams: unknown[]) => Promise<void>)([
      source,
      async function* (input: AsyncIterable<Buffer>) {
        for await (const chunk of input) {
          raw += chunk.length
          yield chunk
        }
      },
      ...decoders,
      async (input: AsyncIterable<Buffer>) => {
        text = await collect(input, ` once decoded (Content-Encoding: ${said})`)
      },
    ])
  } catch (error) {
    source.destroy()
    const code = (error as { code?: unknown }).code
    if (code === 'ETOOLARGE' || code === 'EENCODING') throw error
    if (typeof code === 'string' && code.startsWith('Z_')) {
      // An empty body (a 204, a HEAD) says an encoding but holds nothing to decode.
      if (raw === 0) return ''
      throw Object.assign(new Error(`the answer's ${said} encoding is broken`), {
        code: 'EENCODING',
        cause: error,
      })
    }
    throw error
  }
  return text
}

/**
 * Every chunk of `input` as UTF-8 text; an `ETOOLARGE` error once more than
 * {@link MAX_BODY_BYTES} have come (`how` says of what, in its message), before that chunk is kept.
 */
async function collect(input: AsyncIterable<Buffer>, how: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of input) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) {
      throw Object.assign(
        new Error(
          `the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB${how}; stopped reading it`,
        ),
        { code: 'ETOOLARGE' },
      )
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function decodersFor(codings: string[]): Promise<NodeJS.ReadWriteStream[]> {
  const zlib = await import('node:zlib')
  return codings.map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.createGunzip()
      case 'deflate':
        // RFC 9110's deflate is zlib-wrapped; createUnzip also reads a gzip header.
        return zlib.createUnzip()
      case 'br':
        return zlib.createBrotliDecompress()
      case 'zstd':
        return zlib.createZstdDecompress()
      default:
        throw Object.assign(
          new Error(
            `the answer is in an encoding the action does not read (${coding.slice(0, 20)})`,
          ),
          { code: 'EENCODING' },
        )
    }
  })
}
