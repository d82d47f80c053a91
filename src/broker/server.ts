import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { sweepExpiredInstances } from './instances.ts'
import { sweepExpired, SWEEP_BUDGET_MS, type ClientFactory } from './keys.ts'
import { Drain } from './drain.ts'
import {
  asRefusal,
  create,
  HttpError,
  remove,
  shutdownError,
  type Answer,
  type RequestContext,
} from './handlers.ts'
import type { FairAdmission, Limiter } from './limits.ts'
import { traceOf, withContext, type Logger } from './log.ts'
import type { BrokerMetrics } from './metrics.ts'
import { decide, type Policy } from './policy.ts'
import type { JobIdentity, TokenVerifier } from './token.ts'

/**
 * The broker's HTTP API (node:http), stateless:
 *
 * - `POST /v1/keys` (`Authorization: Bearer <GitHub OIDC token>`, `Content-Type:
 *   application/json`, body in requests.ts): 201 `{id, key, name, expires_at, permissions}`, plus
 *   `instance_label` when the deciding rule has `destroy-instances: true` (src/broker/instances.ts).
 * - `DELETE /v1/keys/{id}` (a fresh token of the same run): 200 `{id, result}` with result
 *   `deleted` or `already-gone`; 404 when the key is not this run's (or does not exist). With
 *   `destroy-instances`, also `instances: {destroyed, gone, failed}` (ids) or `{error}`.
 * - `GET /health` (liveness; `/healthz` too, but Cloud Run reserves some paths ending in `z`):
 *   200 `{"ok": true}` while the process serves. `GET /ready` (readiness): 200 once the policy is
 *   loaded, the issuer's keys were fetched and the parent key was checked, 503 (with which check
 *   is not done) before, and while shutting down.
 *
 * Every answer carries `X-Request-Id`, and its JSON body `request_id`: the same id is on every log
 * line of the request. Every refusal is `{"error": "<what to fix>", "request_id"}` with 400
 * (malformed), 401 (token), 403 (policy), 404, 405, 413, 415 (not JSON), 429 (per-repository
 * limit, or this replica's mints too many or too slow; with Retry-After), 502 (Vast failed: a
 * fixed text; Vast's own message goes to the log only), 503 (the issuer's keys could not be read,
 * or the replica is shutting down; with Retry-After). Checks run in this order: token, limit,
 * body (POST), policy (POST and DELETE: a DELETE needs a rule that fits its token, as a mint
 * would), deletes refused as not the caller's (DELETE: a few a minute per repository, each cost a
 * Vast list), admission (POST); nothing is sent to Vast before all of them pass. Mints and deletes
 * have separate per-repository limits, so a job's cleanup is never refused for its mints; a
 * request refused before it reached Vast gives its share of the limit back.
 */

export interface BrokerDeps {
  policy: Policy
  verify: TokenVerifier
  /** Mints per repository. */
  limiter: Limiter
  /** Deletes of a job's own key per repository (apart from mints; generous). */
  deleteLimiter: Limiter
  /** Deletes refused as not the caller's, per repository (each cost a Vast list call). */
  deleteMissLimiter?: Limiter
  /** This replica's mints: how many at once, in what order, and when to refuse early. */
  admission: FairAdmission
  makeClient: ClientFactory
  log: Logger
  now?: () => Date
  /** Readiness checks by name (`GET /ready`); all true means ready. */
  readiness?: () => Record<string, boolean>
  /** Prometheus metrics (`GET /metrics`); none when absent. */
  metrics?: BrokerMetrics
}

const MAX_BODY_BYTES = 64 * 1024

/** The time a client has to send its request headers, and its whole request (ms). */
export const HEADERS_TIMEOUT_MS = 10_000
export const REQUEST_TIMEOUT_MS = 10_000
/**
 * How long an idle keep-alive connection stays open (ms): longer than the idle timeouts of the
 * load balancers in front (Google Cloud's: 600 s; AWS ALB's default 60 s), so the balancer, not
 * the broker, closes an idle connection, and no request races a close.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 620_000
/** Connections open at once; more are dropped (Cloud Run's default concurrency is 80 a replica). */
export const MAX_CONNECTIONS = 1000
/**
 * Once this many connections are open, the keep-alive connections that sit idle (they were
 * answered and send nothing) are closed, oldest first, down to {@link IDLE_SHED_TO}: with a
 * keep-alive of minutes, idle connections (one cheap request each) would otherwise hold the cap
 * against every new client.
 */
export const IDLE_SHED_AT = Math.floor(MAX_CONNECTIONS * 0.9)
export const IDLE_SHED_TO = Math.floor(MAX_CONNECTIONS * 0.8)

/** The route of a path as logs and metrics name it: never the caller's own text. */
export function routeOf(path: string): string {
  if (/^\/v1\/keys\/\d{1,15}$/.test(path)) return '/v1/keys/{id}'
  return ['/v1/keys', '/health', '/healthz', '/ready', '/metrics'].includes(path)
    ? path
    : '/{unknown}'
}

/**
 * The caller's User-Agent as a log line may carry it: every run of 20 or more token-like
 * characters (a JWT, a Vast key, any base64 or hex secret pasted there) replaced by `[redacted]`,
 * then at most 200 characters. Product names and versions (`node`, `Mozilla/5.0 (X11; …)`) stay.
 */
export function userAgentOf(header: string): string {
  return header.replace(/[\w+/=.~-]{20,}/g, '[redacted]').slice(0, 200)
}

/**
 * Counts the server's connections and closes idle keep-alive ones (oldest first) once
 * {@link IDLE_SHED_AT} are open; a connection is idle from the end of an answer to its next
 * request (one that has sent nothing yet is not idle: it is a new client).
 */
function shedIdleConnections(server: Server): void {
  let open = 0
  const idle = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    open += 1
    socket.once('close', () => {
      open -= 1
      idle.delete(socket)
    })
    if (open < IDLE_SHED_AT) return
    let excess = open - IDLE_SHED_TO
    for (const old of idle) {
      if (excess-- <= 0) break
      idle.delete(old)
      old.destroy()
    }
  })
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    idle.delete(req.socket)
    res.once('finish', () => {
      if (!req.socket.destroyed) idle.add(req.socket)
    })
  })
}

function send(
  res: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify({ ...body, request_id: requestId })
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    'X-Request-Id': requestId,
    ...headers,
  })
  res.end(text)
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES)
      throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function bearer(req: IncomingMessage): string {
  const header = req.headers.authorization ?? ''
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  if (!match?.[1]) {
    throw new HttpError(
      401,
      'send the job\'s GitHub OIDC token as "Authorization: Bearer <token>" (the job needs permissions: id-token: write)',
      { 'WWW-Authenticate': 'Bearer' },
    )
  }
  return match[1]
}

function requireJson(req: IncomingMessage): void {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json') {
    throw new HttpError(
      415,
      'send the body as JSON with the header "Content-Type: application/json"',
      { Accept: 'application/json' },
    )
  }
}

/** Creates the broker's request handler and server (not listening yet). */
export function createBrokerServer(deps: BrokerDeps, drain: Drain = new Drain()): Server {
  // Node checks the header and request timeouts every connectionsCheckingInterval (default 30 s):
  // once a second, so a slow client is cut about when the timeout says.
  const options = { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, connectionsCheckingInterval: 1000 }
  const server = createServer(options, (req, res) => {
    const requestId = randomUUID()
    drain.track(
      res,
      handle(deps, drain, req, res, requestId).catch((error: unknown) => {
        deps.log.error({
          event: 'internal',
          decision: 'error',
          reason: (error as Error)?.name ?? 'error',
          request_id: requestId,
        })
        if (!res.headersSent)
          send(res, 500, { error: 'the broker failed; try again later' }, requestId)
        else res.destroy()
      }),
    )
  })
  server.requestTimeout = REQUEST_TIMEOUT_MS
  server.headersTimeout = HEADERS_TIMEOUT_MS
  server.maxConnections = MAX_CONNECTIONS
  shedIdleConnections(server)
  return server
}

async function handle(
  deps: BrokerDeps,
  drain: Drain,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const started = performance.now()
  // A request target that is no path (`//`, `http://[`) is refused 400 below, not a 500.
  let path = ''
  try {
    path = new URL(req.url ?? '/', 'http://broker').pathname
  } catch {
    path = ''
  }
  // The route, never the caller's path itself: a path is any text the caller sends (a token
  // pasted into a URL by mistake, or kilobytes of it), and a log line carries none of it.
  const route = routeOf(path)
  const event = `${req.method ?? ''} ${route}`
  const log = withContext(deps.log, { request_id: requestId, ...traceOf(req.headers) })
  const httpRequest = (status: number) => ({
    requestMethod: req.method ?? '',
    requestUrl: route,
    status,
    latency: `${((performance.now() - started) / 1000).toFixed(3)}s`,
    protocol: `HTTP/${req.httpVersion}`,
    ...(typeof req.headers['user-agent'] === 'string'
      ? { userAgent: userAgentOf(req.headers['user-agent']) }
      : {}),
  })
  if (drain.draining) res.setHeader('Connection', 'close')
  let identity: JobIdentity | undefined
  let limiter: Limiter | undefined
  let limitKey: string | undefined
  let spent = false
  let kind: 'mint' | 'delete' | undefined
  try {
    if (!path) throw new HttpError(400, 'the request target is not a path; send it as /v1/keys')
    if (path === '/healthz' || path === '/health') {
      if (req.method !== 'GET') throw new HttpError(405, `use GET ${path}`, { Allow: 'GET' })
      return send(res, 200, { ok: true }, requestId)
    }
    if (path === '/ready') {
      if (req.method !== 'GET') throw new HttpError(405, `use GET ${path}`, { Allow: 'GET' })
      const checks = { ...(deps.readiness?.() ?? {}), 'not-shutting-down': !drain.draining }
      const ready = Object.values(checks).every(Boolean)
      return send(res, ready ? 200 : 503, { ready, checks }, requestId)
    }
    if (path === '/metrics' && deps.metrics) {
      if (req.method !== 'GET') throw new HttpError(405, `use GET ${path}`, { Allow: 'GET' })
      const text = await deps.metrics.registry.metrics()
      res.writeHead(200, {
        'Content-Type': deps.metrics.registry.contentType,
        'Cache-Control': 'no-store',
        'X-Request-Id': requestId,
      })
      res.end(text)
      return
    }
    const keyPath = /^\/v1\/keys(?:\/(\d{1,15}))?$/.exec(path)
    if (!keyPath)
      throw new HttpError(
        404,
        'no such route; the broker serves POST /v1/keys, DELETE /v1/keys/{id}, GET /health and GET /ready',
      )
    const id = keyPath[1] ? Number(keyPath[1]) : undefined
    kind = id === undefined ? 'mint' : 'delete'
    if (id === undefined ? req.method !== 'POST' : req.method !== 'DELETE') {
      throw new HttpError(
        405,
        id === undefined ? 'use POST /v1/keys' : 'use DELETE /v1/keys/{id}',
        { Allow: id === undefined ? 'POST' : 'DELETE' },
      )
    }
    if (drain.draining) throw shutdownError()
    const token = bearer(req)
    identity = await deps.verify(token)
    // One policy for the whole request, even when a SIGHUP swaps it meanwhile.
    const policy = deps.policy
    // Mints are counted per repository and per rule that decides: a job of the same repository
    // under another rule (a pull request's, say) cannot spend the mints of the main branch's.
    const decision = id === undefined ? decide(policy, identity) : undefined
    const repository = identity.repository.toLowerCase()
    limitKey = decision?.allowed ? `${repository} ${decision.rule.name}` : repository
    const bucket = id === undefined ? deps.limiter : deps.deleteLimiter
    const limit = bucket.take(limitKey)
    if (!limit.allowed) {
      const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000))
      throw new HttpError(
        429,
        `too many requests for ${identity.repository}; try again in ${seconds} s`,
        { 'Retry-After': String(seconds) },
      )
    }
    limiter = bucket
    // The client going away (its socket closed before the answer) stops the mint.
    const gone = new AbortController()
    const onClose = () => {
      if (!res.writableEnded) gone.abort()
    }
    res.on('close', onClose)
    const ctx: RequestContext = {
      policy,
      admission: deps.admission,
      makeClient: deps.makeClient,
      log,
      ...(deps.now ? { now: deps.now } : {}),
      gone: gone.signal,
      shutdown: drain.signal,
      ...(deps.deleteMissLimiter ? { deleteMisses: deps.deleteMissLimiter } : {}),
      spent: () => {
        spent = true
      },
      httpRequest,
    }
    let answer: Answer
    if (id === undefined) {
      requireJson(req)
      answer = await create(ctx, identity, await readBody(req))
    } else {
      spent = true
      answer = await remove(ctx, identity, id)
    }
    res.off('close', onClose)
    deps.metrics?.answered(kind, answer?.status ?? 0)
    if (answer) send(res, answer.status, answer.body, requestId)
  } catch (error) {
    const refusal = asRefusal(error, requestId, drain.signal.aborted || drain.draining)
    if (limiter && limitKey !== undefined && !spent) limiter.refund(limitKey)
    const fields = {
      event,
      decision: refusal.status >= 500 ? ('error' as const) : ('deny' as const),
      reason: refusal.logReason ?? refusal.message,
      status: refusal.status,
      httpRequest: httpRequest(refusal.status),
      ...(identity
        ? { repository: identity.repository, run: `${identity.runId}-${identity.runAttempt}` }
        : {}),
    }
    if (refusal.status >= 500) log.error(fields)
    else log.warn(fields)
    if (kind) deps.metrics?.answered(kind, refusal.status)
    if (!res.headersSent && !res.destroyed)
      send(res, refusal.status, { error: refusal.message }, requestId, refusal.headers)
  }
}

/** A listening broker: its URL, its server, and close() (stops the sweep timer too). */
export interface RunningBroker {
  url: string
  server: Server
  /** This replica's admission of mints (what is running and waiting). */
  admission: FairAdmission
  /** Runs one sweep now (what the timer does). */
  sweep(): Promise<void>
  /** Requests being served now. */
  readonly inflight: number
  /** Serves the next requests with `policy` (a reload); requests in flight keep theirs. */
  setPolicy(policy: Policy): void
  /**
   * Stops: no new connection or request is taken (503), the requests in flight get
   * `graceMs` (default {@link DEFAULT_SHUTDOWN_GRACE_MS}) to finish, the last
   * {@link cleanupReserveMs} of it kept for deleting what cut mints made. Resolves when every
   * connection is closed, at the latest at the end of the grace.
   */
  close(graceMs?: number): Promise<{ cut: number; left: number }>
}

/** 9 s: Cloud Run kills a container 10 s after its SIGTERM. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 9_000

/** The part of a shutdown grace kept for deleting the keys of cut mints: 3 s, or half a short grace. */
export function cleanupReserveMs(graceMs: number): number {
  return Math.min(3_000, graceMs / 2)
}

export interface ListenOptions {
  host?: string
  port?: number
  /** 0 disables the timer. */
  sweepIntervalMs?: number
  sweepGraceMs?: number
}

/** Starts the broker: listens, and sweeps its expired keys every `sweepIntervalMs`. */
export async function startBroker(
  deps: BrokerDeps,
  options: ListenOptions = {},
): Promise<RunningBroker> {
  const drain = new Drain()
  // While shutting down, every Vast call is bounded by what is left of the grace.
  const makeClient: ClientFactory = (budgetMs, signal) =>
    deps.makeClient(drain.budget(budgetMs), signal)
  const served: BrokerDeps = { ...deps, makeClient }
  const server = createBrokerServer(served, drain)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let sweeping: Promise<void> | undefined
  // A sweep stops as soon as shutdown begins (what is left waits for the next one).
  const stopSweep = new AbortController()
  const sweep = () =>
    (sweeping ??= sweepExpired(
      makeClient,
      options.sweepGraceMs ?? 5 * 60_000,
      deps.now,
      stopSweep.signal,
    )
      .then(async (result) => {
        deps.log.info({
          event: 'sweep',
          decision: 'allow',
          reason: `deleted ${result.deleted.length}, failed ${result.failed}`,
          count: result.deleted.length,
        })
        // Instances only when a rule hands out labels: the parent key may lack instance_read.
        if (!deps.policy.rules.some((rule) => rule.destroyInstances)) return
        const client = await makeClient(SWEEP_BUDGET_MS, stopSweep.signal)
        const swept = await sweepExpiredInstances(
          client,
          options.sweepGraceMs ?? 5 * 60_000,
          deps.now ?? (() => new Date()),
        )
        deps.log.info({
          event: 'sweep',
          decision: 'allow',
          reason: `instances destroyed ${swept.destroyed.length}, failed ${swept.failed}`,
          count: swept.destroyed.length,
        })
      })
      .catch((error: unknown) => {
        deps.log.error({
          event: 'sweep',
          decision: 'error',
          reason: error instanceof Error ? error.message : 'error',
        })
      })
      .finally(() => {
        sweeping = undefined
      }))
  const interval = options.sweepIntervalMs ?? 0
  const timer = interval > 0 ? setInterval(() => void sweep(), interval) : undefined
  timer?.unref()
  let closing: Promise<{ cut: number; left: number }> | undefined
  return {
    url: `http://${host}:${address.port}`,
    server,
    admission: deps.admission,
    get inflight() {
      return drain.inflight
    },
    sweep,
    setPolicy: (policy) => {
      served.policy = policy
    },
    close: (graceMs = DEFAULT_SHUTDOWN_GRACE_MS) =>
      (closing ??= (async () => {
        if (timer) clearInterval(timer)
        stopSweep.abort()
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        const settled = drain.settle(graceMs, cleanupReserveMs(graceMs))
        const [result] = await Promise.all([settled, sweeping])
        server.closeAllConnections()
        await closed
        return result
      })()),
  }
}
