/**
 * How requests leave the process: the one transport of the action, the broker's client and the
 * GitHub client. Without a proxy: Node's own http/https modules, the cheapest way to send one
 * request (Node's built-in fetch loads undici's wasm parser and web streams first: about 11 ms
 * more per step, see `npm run bench`). Through a proxy ({@link proxyFor}: HTTPS_PROXY /
 * HTTP_PROXY / NO_PROXY, the runner's rules): the undici package, loaded on demand for its
 * ProxyAgent. Neither follows redirects.
 *
 * Both paths pass their own agent or dispatcher, so nothing the environment says about Node's
 * global agents applies (`NODE_USE_ENV_PROXY`, a global undici dispatcher), and both verify
 * certificates whatever `NODE_TLS_REJECT_UNAUTHORIZED` says (`rejectUnauthorized: true` is given
 * to every TLS connection: the target's, and the proxy's when it is an https proxy). Trust still
 * comes from Node's CA store; with `NODE_EXTRA_CA_CERTS` set, every TLS connection is given the
 * store explicitly ({@link trustedCas}; so also with the system's CAs in use): Node's bundled CAs, the system's when Node uses them, and
 * the extra file's bytes as the network fingerprint read them, once. Node would read that path
 * again on its own, lazily, when TLS is first used; the post step refuses to send a secret when
 * the fingerprint changed since main (src/core/network-fingerprint.ts).
 *
 * Every answer is read through one decoder with one cap ({@link MAX_BODY_BYTES}, counted after
 * decoding): gzip, deflate, br and zstd are decoded on both paths, so a small compressed answer
 * cannot inflate past the cap on any of them.
 */

import type { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { Agent as HttpsAgent } from 'node:https'
import type { Dispatcher, request as undiciRequest } from 'undici'
import type { Readable } from 'node:stream'
import { extraCaBytes, systemCas } from '../network-fingerprint.ts'
import { checkProxyVariables, proxyConfigured, proxyFor } from '../proxy-env.ts'
import { USER_AGENT } from '../version.ts'

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
 * URL. The proxy is chosen per request from `env` ({@link proxyFor}); one ProxyAgent per proxy URL.
 */
export function createFetch(env: NodeJS.ProcessEnv = process.env): Promise<FetchLike> {
  if (proxyConfigured(env)) checkProxyVariables(env)
  const agents = new Map<string, Promise<ProxyDispatcher>>()
  let verify: Promise<Verify> | undefined
  const tlsOptions = () =>
    (verify ??= trustedCas(env).then((ca) => (ca ? { ...VERIFY, ca } : VERIFY)))
  return Promise.resolve(async (url, init) => {
    const proxy = proxyFor(url, env)
    if (!proxy)
      return nodeFetch(url, init, new URL(url).protocol === 'https:' ? await tlsOptions() : VERIFY)
    let agent = agents.get(proxy)
    if (!agent) {
      agent = tlsOptions().then((tls) => proxyAgent(proxy, tls))
      agents.set(proxy, agent)
    }
    return proxyFetch(await agent, url, init)
  })
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

type ProxyDispatcher = {
  request: typeof undiciRequest
  dispatcher: Dispatcher
}

/** Verify every certificate, whatever NODE_TLS_REJECT_UNAUTHORIZED says. */
const VERIFY = { rejectUnauthorized: true } as const
type Verify = { rejectUnauthorized: true; ca?: (string | Buffer)[] }

async function proxyAgent(uri: string, tls: Verify): Promise<ProxyDispatcher> {
  const undici = await import('undici')
  const dispatcher = new undici.ProxyAgent({
    uri,
    // Sent to the proxy itself too (CONNECT), as some corporate proxies want one.
    headers: { 'user-agent': USER_AGENT },
    connect: tls,
    requestTls: tls,
    proxyTls: tls,
  })
  return { request: undici.request, dispatcher }
}

async function proxyFetch(
  { request, dispatcher }: ProxyDispatcher,
  url: string,
  init: HttpRequest,
): Promise<HttpResponse> {
  const answer = await request(url, {
    dispatcher,
    method: init.method,
    headers: init.headers,
    body: init.body,
    signal: init.signal,
  })
  const headers = answer.headers as Record<string, string | string[] | undefined>
  const body = await readBody(answer.body, headers['content-encoding'])
  return response(answer.statusCode, headers, body)
}

let httpAgent: HttpAgent | undefined
let httpsAgent: HttpsAgent | undefined
const caAgents = new WeakMap<Verify, HttpsAgent>()

/** One request with node:http or node:https and the action's own agents. */
async function nodeFetch(url: string, init: HttpRequest, tls: Verify): Promise<HttpResponse> {
  const target = new URL(url)
  const secure = target.protocol === 'https:'
  // Own agents: Node's global ones proxy every request, loopback included, under
  // NODE_USE_ENV_PROXY=1. Only the module the scheme needs is loaded (https loads tls).
  let request: typeof httpRequest
  let agent: HttpAgent
  if (secure) {
    const https = await import('node:https')
    // Explicit CAs: an agent of their own (the shared one trusts Node's store).
    let own = tls.ca && caAgents.get(tls)
    if (tls.ca && !own) caAgents.set(tls, (own = new https.Agent(tls)))
    agent = own || (httpsAgent ??= new https.Agent(VERIFY))
    ;({ request } = https)
  } else {
    const http = await import('node:http')
    httpAgent ??= new http.Agent()
    ;({ request } = http)
    agent = httpAgent
  }
  // Node sends DELETE without chunked framing: a body needs its length said.
  const headers =
    init.body === undefined
      ? init.headers
      : { ...init.headers, 'Content-Length': String(Buffer.byteLength(init.body)) }
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: init.method,
        headers,
        signal: init.signal,
        agent,
        ...(secure ? tls : {}),
      },
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
    req.on('error', reject)
    req.end(init.body)
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
  const { pipeline } = await import('node:stream/promises')
  const said = codings.join(', ')
  const decoders = codings.length > 0 ? await decodersFor([...codings].reverse()) : []
  const chunks: Buffer[] = []
  let size = 0
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
        for await (const chunk of input) {
          size += chunk.length
          if (size > MAX_BODY_BYTES) {
            throw Object.assign(
              new Error(
                `the answer is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB${codings.length > 0 ? ` once decoded (Content-Encoding: ${said})` : ''}; stopped reading it`,
              ),
              { code: 'ETOOLARGE' },
            )
          }
          chunks.push(chunk)
        }
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
