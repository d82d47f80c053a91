import { isoSeconds } from '../core/key-name.ts'
import { VastApiError } from '../core/vast/errors.ts'
import { deleteKey } from '../core/vast/keys.ts'
import { destroyLabelled, instanceLabelForKey } from './instances.ts'
import { DELETE_BUDGET_MS, deleteOwnKey, mintKey, type ClientFactory } from './keys.ts'
import type { FairAdmission, Limiter } from './limits.ts'
import type { HttpRequestLog, Logger } from './log.ts'
import { decide, type Policy } from './policy.ts'
import { checkRequest, parseBody, RequestError } from './requests.ts'
import { TokenError, type JobIdentity } from './token.ts'

/**
 * What `POST /v1/keys` and `DELETE /v1/keys/{id}` do once the token and the limits passed
 * (src/broker/server.ts): the policy, the body, admission, and the key at Vast. Each returns the
 * answer to send; a refusal is thrown as {@link HttpError} (or RequestError, TokenError,
 * VastApiError, mapped by {@link asRefusal}).
 */

export class HttpError extends Error {
  readonly status: number
  readonly headers: Record<string, string>
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.headers = headers
  }
}

/** What a handler needs for one request. */
export interface RequestContext {
  policy: Policy
  admission: FairAdmission
  makeClient: ClientFactory
  /** This request's log: every line carries its request id and trace. */
  log: Logger
  now?: () => Date
  /** Aborted when the caller's connection closed before the answer. */
  gone: AbortSignal
  /** Aborted when the replica's shutdown grace is over (src/broker/drain.ts). */
  shutdown: AbortSignal
  /**
   * Deletes refused as not the caller's, per repository (each cost a list at Vast); a delete of
   * the caller's own key gives its share back. None: unbounded.
   */
  deleteMisses?: Limiter
  /** Set once a create may have been sent to Vast (the rate was really spent). */
  spent: () => void
  /** Cloud Logging's httpRequest for the line that ends the request, with its status. */
  httpRequest?: (status: number) => HttpRequestLog
}

export type Answer = { status: number; body: Record<string, unknown> } | undefined

export const SHUTTING_DOWN =
  'the broker is shutting down; try again (another replica, or this service once it is back, will answer)'

/** 503 with Retry-After: 1 and Connection: close, for a request a shutdown stopped. */
export function shutdownError(): HttpError {
  return new HttpError(503, SHUTTING_DOWN, { 'Retry-After': '1', Connection: 'close' })
}

/**
 * POST /v1/keys: policy, body, admission, mint. Undefined when the client went away (nothing to
 * answer; any key made for it is deleted, and the log says `client-gone`). A mint cut by a
 * shutdown deletes the key it may have made and is answered 503.
 */
export async function create(
  ctx: RequestContext,
  identity: JobIdentity,
  text: string,
): Promise<Answer> {
  const body = parseBody(text)
  const decision = decide(ctx.policy, identity)
  if (!decision.allowed) throw new RequestError(decision.reason, 403)
  const request = checkRequest(body, decision.rule, decision.others)
  const stop = AbortSignal.any([ctx.gone, ctx.shutdown])
  const context = {
    event: 'POST /v1/keys',
    repository: identity.repository,
    run: `${identity.runId}-${identity.runAttempt}`,
    rule: decision.rule.name,
  }
  const admission = await ctx.admission.enter(identity.repository.toLowerCase(), stop)
  if (!admission.allowed) {
    if (admission.reason === 'gone') {
      if (!ctx.gone.aborted) throw shutdownError()
      ctx.log.error({ ...context, decision: 'error', reason: 'client-gone: left while waiting' })
      return undefined
    }
    const seconds = Math.max(1, Math.ceil(admission.retryAfterMs / 1000))
    throw new HttpError(429, `the broker is minting for many jobs; try again in ${seconds} s`, {
      'Retry-After': String(seconds),
    })
  }
  let minted: Awaited<ReturnType<typeof mintKey>>
  try {
    ctx.spent()
    minted = await mintKey(ctx.makeClient, identity, request, ctx.now, stop)
  } catch (error) {
    if (!stop.aborted) throw error
    const why = ctx.gone.aborted ? 'client-gone: left during the mint' : 'shutdown: cut mid-mint'
    ctx.log.error({
      ...context,
      decision: 'error',
      reason: `${why}; a key it may have made was looked for and deleted`,
    })
    if (ctx.gone.aborted) return undefined
    throw shutdownError()
  } finally {
    admission.release()
  }
  // A key made while shutting down still goes to a client that is there; one whose client left
  // is deleted at once.
  if (ctx.gone.aborted) {
    const outcome = await ctx
      .makeClient(DELETE_BUDGET_MS)
      .then((client) => deleteKey(client, minted.id))
      .then(
        (result) => `key ${minted.id} ${result === 'deleted' ? 'deleted' : 'already gone'}`,
        () => `key ${minted.id} could not be deleted; the sweep deletes it after its deadline`,
      )
    ctx.log.error({
      ...context,
      decision: 'error',
      reason: `client-gone: left before the key was delivered; ${outcome}`,
      key_id: minted.id,
    })
    return undefined
  }
  ctx.log.info({
    ...context,
    decision: 'allow',
    reason: `minted for ${Object.keys(request.permissions.api).join(',')} until ${isoSeconds(minted.expiresAt)}`,
    key_id: minted.id,
    status: 201,
    ...(ctx.httpRequest ? { httpRequest: ctx.httpRequest(201) } : {}),
  })
  const instanceLabel = decision.rule.destroyInstances
    ? instanceLabelForKey(minted.name)
    : undefined
  return {
    status: 201,
    body: {
      id: minted.id,
      key: minted.key.reveal(),
      name: minted.name,
      expires_at: isoSeconds(minted.expiresAt),
      permissions: request.permissions,
      ...(instanceLabel ? { instance_label: instanceLabel } : {}),
    },
  }
}

/**
 * DELETE /v1/keys/{id}: only a job a rule fits may make the broker look at Vast (a list call
 * spends the parent key's rate): the same rule a mint would need, whatever its permissions and
 * max-ttl. 404 when the key is not this run's.
 */
export async function remove(
  ctx: RequestContext,
  identity: JobIdentity,
  id: number,
): Promise<Answer> {
  const decision = decide(ctx.policy, identity)
  if (!decision.allowed) throw new RequestError(decision.reason, 403)
  const repository = identity.repository.toLowerCase()
  const miss = ctx.deleteMisses?.take(repository)
  if (miss && !miss.allowed) {
    const seconds = Math.max(1, Math.ceil(miss.retryAfterMs / 1000))
    throw new HttpError(
      429,
      `too many deletes of keys that are not keys of ${identity.repository} run ${identity.runId}; try again in ${seconds} s (only the run that got a key can delete it)`,
      { 'Retry-After': String(seconds) },
    )
  }
  let outcome: Awaited<ReturnType<typeof deleteOwnKey>>
  try {
    outcome = await deleteOwnKey(ctx.makeClient, identity, id, ctx.shutdown)
  } catch (error) {
    ctx.deleteMisses?.refund(repository)
    throw error
  }
  // Only a delete refused as not the caller's spends the miss allowance.
  if (outcome.result !== 'refused') ctx.deleteMisses?.refund(repository)
  const context = {
    event: 'DELETE /v1/keys/{id}',
    repository: identity.repository,
    run: `${identity.runId}-${identity.runAttempt}`,
    key_id: id,
  }
  if (outcome.result === 'refused') {
    ctx.log.warn({
      ...context,
      decision: 'deny',
      reason: outcome.reason,
      status: 404,
      ...(ctx.httpRequest ? { httpRequest: ctx.httpRequest(404) } : {}),
    })
    return {
      status: 404,
      body: {
        error: `key ${id} is not a key of ${identity.repository} run ${identity.runId}; only the run that got a key can delete it`,
      },
    }
  }
  // With destroy-instances, the instances labelled for this key go with it (the label is derived
  // from the key's name, never taken from the request).
  const label = decision.rule.destroyInstances ? instanceLabelForKey(outcome.name) : undefined
  const instances = label
    ? await ctx
        .makeClient(DELETE_BUDGET_MS)
        .then((client) => destroyLabelled(client, label))
        .catch((error: unknown) => ({ error: error instanceof Error ? error.message : 'error' }))
    : undefined
  ctx.log.info({
    ...context,
    decision: 'allow',
    reason:
      outcome.result +
      (instances === undefined
        ? ''
        : 'error' in instances
          ? `; instances: could not list (${instances.error})`
          : `; instances destroyed ${instances.destroyed.length}, gone ${instances.gone.length}, failed ${instances.failed.length}${instances.failed.map((f) => ` [${f.id}: ${f.reason}]`).join('')}${instances.complete ? '' : '; the listing was cut short (a page cursor named twice, or the page cap): more may run'}`),
    status: 200,
    ...(ctx.httpRequest ? { httpRequest: ctx.httpRequest(200) } : {}),
  })
  return {
    status: 200,
    body: {
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
                // The action reads `error` as "not every instance was seen": a warning, or a
                // failure with cleanup-failure: fail; the broker's sweep ends the rest.
                ...(instances.complete
                  ? {}
                  : {
                      error:
                        "the broker's listing of the job's instances was cut short (its log says why)",
                    }),
              },
            }),
    },
  }
}

export interface Refusal {
  status: number
  message: string
  headers: Record<string, string>
  /** What the log says, when it says more than the caller is told. */
  logReason?: string
}

/** Any error a request may end with, as its answer; raises what is not a refusal (a bug: 500). */
export function asRefusal(error: unknown, requestId: string, shuttingDown: boolean): Refusal {
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
    if (error.kind === 'aborted' && shuttingDown) {
      const stopped = shutdownError()
      return { status: 503, message: stopped.message, headers: stopped.headers }
    }
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
