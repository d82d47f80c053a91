import { randomBytes } from 'node:crypto'
import { deadlineFrom, formatKeyName, parseKeyName } from '../core/key-name.ts'
import type { Permissions } from '../core/permissions.ts'
import type { Secret } from '../core/secret.ts'
import type { VastClient } from '../core/vast/client.ts'
import { VastApiError } from '../core/vast/errors.ts'
import { createKey, deleteKey, listKeys, requireParentKeyId } from '../core/vast/keys.ts'
import { deleteStepKeys } from '../core/step-keys.ts'
import type { JobIdentity } from './token.ts'

/**
 * What the broker does on Vast, with the action's own client and key calls (src/core/vast/): mint a
 * job key named like the action's (`m=job`, so a run-aware sweep ends it too), delete a key only
 * for the run that owns it, and sweep its expired keys. Nothing is stored here: the key's name is
 * the whole record (docs/key-names.md).
 */

/**
 * A client whose requests stop after `budgetMs` from now (retries and 429 waits included), and at
 * once when `signal` aborts (the caller went away).
 */
export type ClientFactory = (budgetMs: number, signal?: AbortSignal) => Promise<VastClient>

export interface MintRequest {
  permissions: Permissions
  ttlMs: number
  label: string
  job: string
}

export interface MintedKey {
  id: number
  key: Secret
  name: string
  expiresAt: Date
}

/** How long one mint may take, 429 waits and retries included. */
export const MINT_BUDGET_MS = 60_000
/** How long one delete or one sweep may take. */
export const DELETE_BUDGET_MS = 30_000
export const SWEEP_BUDGET_MS = 5 * 60_000

/**
 * Creates the key. A create whose answer was lost is resolved by name before it is sent again
 * (src/core/step-keys.ts, as the action does); when the create fails in a way that may have made a
 * key, the keys of its name are looked for once more and deleted. A create that Vast applies only
 * after that look (a late apply) is left to the sweep: its name carries its deadline. `signal`
 * (the caller went away) stops the client: a create not sent yet is never sent; one that may have
 * been is looked for by name and deleted, as any ambiguous failure.
 */
export async function mintKey(
  makeClient: ClientFactory,
  identity: JobIdentity,
  request: MintRequest,
  now: () => Date = () => new Date(),
  signal?: AbortSignal,
): Promise<MintedKey> {
  const expiresAt = deadlineFrom(now(), request.ttlMs)
  const name = formatKeyName({
    label: request.label,
    kind: 'job',
    expiresAt,
    repository: identity.repository,
    runId: identity.runId,
    runAttempt: identity.runAttempt,
    job: request.job,
    nonce: randomBytes(4).toString('hex'),
  })
  const client = await makeClient(MINT_BUDGET_MS, signal)
  try {
    const created = await createKey(
      client,
      { name, permissions: request.permissions },
      async () => {
        await deleteStepKeys(client, name)
        return 'retry'
      },
    )
    return { id: created.id, key: created.key, name, expiresAt }
  } catch (error) {
    if (!(error instanceof VastApiError) || error.ambiguous) {
      await makeClient(DELETE_BUDGET_MS)
        .then((cleanup) => deleteStepKeys(cleanup, name))
        .catch(() => undefined)
    }
    throw error
  }
}

export type DeleteOutcome =
  { result: 'deleted' | 'already-gone'; name: string } | { result: 'refused'; reason: string }

/**
 * Deletes key `id` when its name is a managed job key (`m=job`) of the token's repository and run
 * (any attempt of that run). The answer does not tell "no such key" from "not yours", so a caller
 * cannot probe other repositories' key ids; the reason (for the log) does. `signal` (the replica
 * is shutting down) stops it with a VastApiError of kind `aborted`.
 */
export async function deleteOwnKey(
  makeClient: ClientFactory,
  identity: JobIdentity,
  id: number,
  signal?: AbortSignal,
): Promise<DeleteOutcome> {
  const client = await makeClient(DELETE_BUDGET_MS, signal)
  const key = (await listKeys(client)).find((candidate) => candidate.id === id)
  if (!key) return { result: 'refused', reason: 'no such key' }
  const fields = parseKeyName(key.name)
  if (!fields) return { result: 'refused', reason: 'not a managed key' }
  if (fields.kind !== 'job')
    return { result: 'refused', reason: `a managed key of kind ${fields.kind}` }
  if (fields.repository.toLowerCase() !== identity.repository.toLowerCase()) {
    return { result: 'refused', reason: "another repository's key" }
  }
  if (fields.runId !== identity.runId) return { result: 'refused', reason: "another run's key" }
  return { result: await deleteKey(client, id), name: key.name }
}

export interface SweepResult {
  deleted: number[]
  failed: number
}

/**
 * Deletes the managed job keys (`m=job`) of any repository whose deadline passed more than
 * `graceMs` ago (what `mode: sweep` with `sweep-scope: account` deletes, restricted to job keys),
 * never the parent key. Replicas may sweep at once: a key already gone counts as deleted.
 * `signal` (shutdown) ends it early; what is left waits for the next sweep.
 */
export async function sweepExpired(
  makeClient: ClientFactory,
  graceMs: number,
  now: () => Date = () => new Date(),
  signal?: AbortSignal,
): Promise<SweepResult> {
  const client = await makeClient(SWEEP_BUDGET_MS, signal)
  const parentId = await requireParentKeyId(client, 'sweep')
  const deadline = now().getTime() - graceMs
  const expired = (await listKeys(client))
    .map((key) => ({ id: key.id, fields: parseKeyName(key.name) }))
    .filter(({ id, fields }) => id !== parentId && fields?.kind === 'job')
    .filter(({ fields }) => (fields?.expiresAt.getTime() ?? Infinity) < deadline)
  const result: SweepResult = { deleted: [], failed: 0 }
  for (const key of expired) {
    try {
      await deleteKey(client, key.id)
      result.deleted.push(key.id)
    } catch (error) {
      if (error instanceof VastApiError && (error.kind === 'budget' || error.kind === 'aborted'))
        break
      result.failed += 1
    }
  }
  return result
}
