// A forward HTTP proxy on loopback, for tests of HTTPS_PROXY / HTTP_PROXY / NO_PROXY: absolute-form
// requests (plain http) are forwarded, CONNECT opens a tunnel (https). It counts what went through
// it, and can require Basic credentials like a corporate proxy. With `divert`, it is a
// man in the middle: every tunnel and request goes to that address instead of the one asked for
// (a TLS front with a certificate of its own, in the tests), as a hostile proxy a later step of
// the job points HTTPS_PROXY at would do.

import { createServer, request } from 'node:http'
import type { IncomingMessage, Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'

export interface ProxiedRequest {
  method: string
  target: string
  authorized: boolean
  /** The User-Agent the proxy itself was sent (on CONNECT: the tunnel's, not the request's). */
  userAgent: string | null
}

/**
 * A name that resolves nowhere (RFC 2606 reserves `.test`) and that this proxy sends to
 * 127.0.0.1. The action sends loopback targets direct, never through a proxy; a test that wants
 * the proxy path gives it `https://vast-api.test:<port>` instead, and only the proxy, not the
 * action, ever looks the name up. Without the proxy the name fails (ENOTFOUND), which shows that
 * a request went direct.
 */
export const PROXIED_HOST = 'vast-api.test'

/** Where the proxy connects for `host`: PROXIED_HOST is this machine. */
function resolve(host: string): string {
  return host.toLowerCase() === PROXIED_HOST ? '127.0.0.1' : host
}

export class LoopbackProxy {
  readonly requests: ProxiedRequest[] = []
  readonly #server: Server
  readonly #credentials: string | undefined
  readonly #divert: URL | undefined
  readonly #sockets = new Set<Socket>()

  private constructor(server: Server, credentials?: string, divert?: string) {
    this.#server = server
    this.#credentials = credentials
    this.#divert = divert === undefined ? undefined : new URL(divert)
  }

  /**
   * `credentials` as `user:password`: then requests without them get 407. `divert` (a URL such
   * as `https://127.0.0.1:4321`): every tunnel and forwarded request goes to its host and port.
   * `port`: listen there (a test's attacker taking over the port of a proxy it stopped).
   */
  static async start(
    options: { credentials?: string; divert?: string; port?: number } = {},
  ): Promise<LoopbackProxy> {
    const server = createServer()
    const proxy = new LoopbackProxy(server, options.credentials, options.divert)
    server.on('request', (req, res) => {
      if (!proxy.#allow(req, 'http')) {
        res.writeHead(407, { 'Proxy-Authenticate': 'Basic realm="test"' }).end()
        return
      }
      const target = new URL(req.url ?? '/')
      target.hostname = resolve(target.hostname)
      if (proxy.#divert) {
        target.hostname = proxy.#divert.hostname
        target.port = proxy.#divert.port
      }
      const headers = { ...req.headers }
      delete headers['proxy-authorization']
      const upstream = request(target, { method: req.method ?? 'GET', headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      })
      upstream.on('error', () => res.writeHead(502).end())
      req.pipe(upstream)
    })
    server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (!proxy.#allow(req, 'connect')) {
        socket.end('HTTP/1.1 407 Proxy Authentication Required\r\n\r\n')
        return
      }
      const [host, port] = proxy.#divert
        ? [proxy.#divert.hostname, proxy.#divert.port]
        : (req.url ?? '').split(':')
      const upstream = connect(Number(port), resolve(host ?? '127.0.0.1'), () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    server.on('connection', (socket: Socket) => {
      proxy.#sockets.add(socket)
      socket.on('close', () => proxy.#sockets.delete(socket))
    })
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve))
    return proxy
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo
    return `http://127.0.0.1:${port}`
  }

  #allow(req: IncomingMessage, kind: 'http' | 'connect'): boolean {
    const given = req.headers['proxy-authorization']
    const authorized =
      this.#credentials === undefined ||
      given === `Basic ${Buffer.from(this.#credentials).toString('base64')}`
    this.requests.push({
      method: kind === 'connect' ? 'CONNECT' : (req.method ?? ''),
      target: req.url ?? '',
      authorized,
      userAgent: req.headers['user-agent'] ?? null,
    })
    return authorized
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
