import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isoSeconds } from '../src/core/key-name.ts'
import { VastApiError } from '../src/core/vast/errors.ts'
import { deleteKey } from '../src/core/vast/keys.ts'
import {
  DELETE_BUDGET_MS,
  deleteOwnKey,
  mintKey,
  sweepExpired,
  SWEEP_BUDGET_MS,
  type ClientFactory,
} from './keys.ts'
import { destroyLabelled, instanceLabelForKey, sweepExpiredInstances } from './instances.ts'
import type { FairAdmission, Limiter } from './limits.ts'
import type { Logger } from './log.ts'
import { decide, type Policy } from './policy.ts'
import { checkRequest, parseBody, RequestError } from './requests.ts'
import { TokenError, type JobIdentity, type TokenVerifier } from './token.ts'

/**
 * The broker's HTTP API (node:http), stateless:
 *
 * - `POST /v1/keys` (`Authorization: Bearer <GitHub OIDC token>`, JSON body, see requests.ts):
 *   201 `{id, key, name, expires_at, permissions}`, plus `instance_label` when the deciding rule
 *   has `destroy-instances: true` (broker/instances.ts).
 * - `DELETE /v1/keys/{id}` (a fresh token of the same run): 200 `{id, result}` with result
 *   `deleted` or `already-gone`; 404 when the key is not this run's (or does not exist). With
 *   `destroy-instances`, also `instances: {destroyed, gone, failed}` (ids) or `{error}`.
 * - `GET /healthz`, and `GET /health` (Cloud Run reserves some paths ending in `z`): 200 `{"ok": true}`.
 *
 * Every refusal is `{"error": "<what to fix>"}` with 400 (malformed), 401 (token), 403 (policy),
 * 404, 405, 413, 429 (per-repository limit, or this replica's mints too many or too slow; with
 * Retry-After), 502 (Vast failed: a fixed text and a request id; Vast's own message goes to the
 * log only), 503 (the issuer's keys could not be read). Checks run in this order: token, limit,
 * body (POST), policy (POST and DELETE: a DELETE needs a rule that fits its token, as a mint
 * would, whatever the rule's permissions and max-ttl), admission (POST); nothing is sent to Vast
 * before all of them pass. A client that goes away mid-mint gets no key: a create not sent is not
 * sent, a key made after it left is deleted at once (the log says `client-gone`).
 */

export interface BrokerDeps {
  policy: Policy
  verify: TokenVerifier
  limiter: Limiter
  /** This replica's mints: how many at once, in what order, and when to refuse early. */
  admission: FairAdmission
  makeClient: ClientFactory
  log: Logger
  now?: () => Date
}

const MAX_BODY_BYTES = 64 * 1024

class HttpError extends Error {
  readonly status: number
  readonly headers: Record<string, string>
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.headers = headers
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
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

/** Creates the broker's request handler and server (not listening yet). */
export function createBrokerServer(deps: BrokerDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((error: unknown) => {
      deps.log.error({
        event: 'internal',
        decision: 'error',
        reason: (error as Error)?.name ?? 'error',
      })
      if (!res.headersSent) send(res, 500, { error: 'the broker failed; try again later' })
      else res.destroy()
    })
  })
  server.requestTimeout = 120_000
  server.headersTimeout = 30_000
  return server
}

async function handle(deps: BrokerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://broker').pathname
  const event = `${req.method ?? ''} ${path.replace(/\/\d+$/, '/{id}')}`
  let identity: JobIdentity | undefined
  const requestId = randomUUID()
  try {
    if (path === '/healthz' || path === '/health') {
      if (req.method !== 'GET') throw new HttpError(405, `use GET ${path}`, { Allow: 'GET' })
      return send(res, 200, { ok: true })
    }
    const keyPath = /^\/v1\/keys(?:\/(\d{1,15}))?$/.exec(path)
    if (!keyPath)
      throw new HttpError(
        404,
        'no such route; the broker serves POST /v1/keys, DELETE /v1/keys/{id} and GET /healthz (or /health)',
      )
    const id = keyPath[1] ? Number(keyPath[1]) : undefined
    if (id === undefined ? req.method !== 'POST' : req.method !== 'DELETE') {
      throw new HttpError(
        405,
        id === undefined ? 'use POST /v1/keys' : 'use DELETE /v1/keys/{id}',
        {
          Allow: id === undefined ? 'POST' : 'DELETE',
        },
      )
    }
    const token = bearer(req)
    identity = await deps.verify(token)
    const limit = deps.limiter.take(identity.repository.toLowerCase())
    if (!limit.allowed) {
      const seconds = Math.max(1, Math.ceil(limit.retryAfterMs / 1000))
      throw new HttpError(
        429,
        `too many requests for ${identity.repository}; try again in ${seconds} s`,
        {
          'Retry-After': String(seconds),
        },
      )
    }
    if (id === undefined) await create(deps, identity, await readBody(req), res, requestId)
    else await remove(deps, identity, id, res)
  } catch (error) {
    const refusal = asRefusal(error, requestId)
    const fields = {
      event,
      decision: refusal.status >= 500 ? ('error' as const) : ('deny' as const),
      reason: refusal.logReason ?? refusal.message,
      status: refusal.status,
      ...(refusal.status >= 500 ? { request_id: requestId } : {}),
      ...(identity
        ? { repository: identity.repository, run: `${identity.runId}-${identity.runAttempt}` }
        : {}),
    }
    if (refusal.status >= 500) deps.log.error(fields)
    else deps.log.warn(fields)
    send(res, refusal.status, { error: refusal.message }, refusal.headers)
  }
}

function asRefusal(
  error: unknown,
  requestId: string,
): {
  status: number
  message: string
  headers: Record<string, string>
  /** What the log says, when it says more than the caller is told. */
  logReason?: string
} {
  if (error instanceof HttpError)
    return { status: error.status, message: error.message, headers: error.headers }
  if (error instanceof TokenError) {
    return {
      status: error.status,
      message: error.message,
      headers: error.status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
    }
  }
  if (error instanceof RequestError)
    return { status: error.status, message: error.message, headers: {} }
  if (error instanceof VastApiError) {
    // Vast's own text (already scrubbed of the parent key by the client) is for the operator only:
    // it may echo what was sent, and it says nothing a job can act on.
    return {
      status: 502,
      message: `Vast.ai failed; try again later (the broker's log has the cause under request id ${requestId})`,
      headers: {},
      logReason: `Vast.ai failed: ${error.message}`,
    }
  }
  throw error
}

async function create(
  deps: BrokerDeps,
  identity: JobIdentity,
  text: string,
  res: ServerResponse,
  requestId: string,
): Promise<void> {
  const body = parseBody(text)
  const decision = decide(deps.policy, identity)
  if (!decision.allowed) throw new RequestError(decision.reason, 403)
  const request = checkRequest(body, decision.rule, decision.others)
  // The client going away (its socket closed before the answer) stops the mint.
  const gone = new AbortController()
  const onClose = () => {
    if (!res.writableEnded) gone.abort()
  }
  res.on('close', onClose)
  const context = {
    event: 'POST /v1/keys',
    repository: identity.repository,
    run: `${identity.runId}-${identity.runAttempt}`,
    rule: decision.rule.name,
  }
  const admission = await deps.admission.enter(identity.repository.toLowerCase(), gone.signal)
  if (!admission.allowed) {
    if (admission.reason === 'gone') {
      deps.log.error({ ...context, decision: 'error', reason: 'client-gone: left while waiting' })
      return
    }
    const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000))
    throw new HttpError(429, `the broker is minting for many jobs; try again in ${seconds} s`, {
      'Retry-After': String(seconds),
    })
  }
  let minted: Awaited<ReturnType<typeof mintKey>>
  try {
    minted = await mintKey(deps.makeClient, identity, request, deps.now, gone.signal)
  } catch (error) {
    if (!gone.signal.aborted) throw error
    deps.log.error({
      ...context,
      decision: 'error',
      reason:
        'client-gone: left during the mint; a key it may have made was looked for and deleted',
      request_id: requestId,
    })
    return
  } finally {
    admission.release()
  }
  if (gone.signal.aborted) {
    const outcome = await deps
      .makeClient(DELETE_BUDGET_MS)
      .then((client) => deleteKey(client, minted.id))
      .then(
        (result) => `key ${minted.id} ${result === 'deleted' ? 'deleted' : 'already gone'}`,
        () => `key ${minted.id} could not be deleted; the sweep deletes it after its deadline`,
      )
    deps.log.error({
      ...context,
      decision: 'error',
      reason: `client-gone: left before the key was delivered; ${outcome}`,
      key_id: minted.id,
      request_id: requestId,
    })
    return
  }
  res.off('close', onClose)
  deps.log.info({
    ...context,
    decision: 'allow',
    reason: `minted for ${Object.keys(request.permissions.api).join(',')} until ${isoSeconds(minted.expiresAt)}`,
    key_id: minted.id,
    status: 201,
  })
  const instanceLabel = decision.rule.destroyInstances
    ? instanceLabelForKey(minted.name)
    : undefined
  send(res, 201, {
    id: minted.id,
    key: minted.key.reveal(),
    name: minted.name,
    expires_at: isoSeconds(minted.expiresAt),
    permissions: request.permissions,
    ...(instanceLabel ? { instance_label: instanceLabel } : {}),
  })
}

async function remove(
  deps: BrokerDeps,
  identity: JobIdentity,
  id: number,
  res: ServerResponse,
): Promise<void> {
  // Only a job a rule fits may make the broker look at Vast (a list call spends the parent key's
  // rate): the same rule a mint would need, whatever its permissions and max-ttl.
  const decision = decide(deps.policy, identity)
  if (!decision.allowed) throw new RequestError(decision.reason, 403)
  const outcome = await deleteOwnKey(deps.makeClient, identity, id)
  const context = {
    repository: identity.repository,
    run: `${identity.runId}-${identity.runAttempt}`,
    key_id: id,
  }
  if (outcome.result === 'refused') {
    deps.log.warn({
      event: 'DELETE /v1/keys/{id}',
      decision: 'deny',
      reason: outcome.reason,
      status: 404,
      ...context,
    })
    return send(res, 404, {
      error: `key ${id} is not a key of ${identity.repository} run ${identity.runId}; only the run that got a key can delete it`,
    })
  }
  // With destroy-instances, the instances labelled for this key go with it (the label is derived
  // from the key's name, never taken from the request).
  const label = decision.rule.destroyInstances ? instanceLabelForKey(outcome.name) : undefined
  const instances = label
    ? await deps
        .makeClient(DELETE_BUDGET_MS)
        .then((client) => destroyLabelled(client, label))
        .catch((error: unknown) => ({ error: error instanceof Error ? error.message : 'error' }))
    : undefined
  deps.log.info({
    event: 'DELETE /v1/keys/{id}',
    decision: 'allow',
    reason:
      outcome.result +
      (instances === undefined
        ? ''
        : 'error' in instances
          ? `; instances: could not list (${instances.error})`
          : `; instances destroyed ${instances.destroyed.length}, gone ${instances.gone.length}, failed ${instances.failed.length}${instances.failed.map((f) => ` [${f.id}: ${f.reason}]`).join('')}`),
    status: 200,
    ...context,
  })
  send(res, 200, {
    id,
    result: outcome.result,
    ...(instances === undefined
      ? {}
      : 'error' in instances
        ? {
            instances: {
              error: "the broker could not list the job's instances (its log says why)",
            },
          }
        : {
            instances: {
              destroyed: instances.destroyed,
              gone: instances.gone,
              failed: instances.failed.map((f) => f.id),
            },
          }),
  })
}

/** A listening broker: its URL, its server, and close() (stops the sweep timer too). */
export interface RunningBroker {
  url: string
  server: Server
  /** This replica's admission of mints (what is running and waiting). */
  admission: FairAdmission
  /** Runs one sweep now (what the timer does). */
  sweep(): Promise<void>
  close(): Promise<void>
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
  const server = createBrokerServer(deps)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let sweeping: Promise<void> | undefined
  const graceMs = options.sweepGraceMs ?? 5 * 60_000
  // Instances only when a rule hands out labels: the parent key may lack instance_read otherwise.
  const instances = deps.policy.rules.some((rule) => rule.destroyInstances)
  const sweep = () =>
    (sweeping ??= sweepExpired(deps.makeClient, graceMs, deps.now)
      .then(async (result) => {
        deps.log.info({
          event: 'sweep',
          decision: 'allow',
          reason: `deleted ${result.deleted.length}, failed ${result.failed}`,
          count: result.deleted.length,
        })
        if (!instances) return
        const client = await deps.makeClient(SWEEP_BUDGET_MS)
        const swept = await sweepExpiredInstances(client, graceMs, deps.now ?? (() => new Date()))
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
  return {
    url: `http://${host}:${address.port}`,
    server,
    admission: deps.admission,
    sweep,
    close: async () => {
      if (timer) clearInterval(timer)
      await sweeping
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
