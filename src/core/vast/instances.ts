import type { VastClient } from './client.ts'
import { VastApiError } from './errors.ts'
import { invalid } from './keys.ts'

/**
 * The GPU-instance endpoints of vast-instances-api.md that a cleanup needs, typed, and nothing
 * else: I2 (the v1 list, every page), I3 (show one) and I6 (destroy). Instances belong to the
 * account, never to a key; whoever holds instance_read sees them all and whoever holds
 * instance_write can destroy them all, so callers match labels exactly on their own side.
 */

/** One row of the v1 list: the fields a cleanup reads. `label` is whatever Vast sent, or null. */
export interface InstanceRow {
  id: number
  label: string | null
  /** `cur_state`: `unloaded` once a destroy has been accepted ("released on destroy"). */
  curState: string | null
  actualStatus: string | null
}

/** Vast ids are positive integers; anything else is no id at all. */
function positiveId(value: unknown): number | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) return undefined
  return value
}

/** The v1 list's page size limit (I2: `limit` at most 25; the CLI always sends 25). */
const PAGE_SIZE = 25
/** A listing never reads more than this many pages (25 000 rows); past it, it is incomplete. */
export const MAX_LIST_PAGES = 1000

export interface Listing {
  rows: InstanceRow[]
  /** False when the pages stopped early (a page cap, a repeated cursor): "missing" proves nothing. */
  complete: boolean
}

/**
 * I2. `GET /api/v1/instances/` with `select_filters` (JSON, e.g. `{"label": {"eq": "…"}}`),
 * `order_by` id ascending and `limit=25`, following `next_token` in `after_token` to the last page.
 * The server's filter only narrows: its exactness is undocumented, so callers check each row.
 * `instances: null` is an empty page (the CLI's tests show it). Throws VastApiError (401/403
 * without instance_read; a 404 may be a bad key, see the contract's "General").
 */
export async function listInstances(
  client: VastClient,
  filters: Record<string, unknown> | undefined,
): Promise<Listing> {
  const operation = 'List instances'
  const rows: InstanceRow[] = []
  const seenTokens = new Set<string>()
  let token: string | undefined
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const query = new URLSearchParams()
    if (filters) query.set('select_filters', JSON.stringify(filters))
    query.set('order_by', JSON.stringify([{ col: 'id', dir: 'asc' }]))
    query.set('limit', String(PAGE_SIZE))
    if (token !== undefined) query.set('after_token', token)
    const { status, data } = await client.call({
      operation,
      method: 'GET',
      path: `/api/v1/instances/?${query.toString()}`,
      idempotent: true,
    })
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw invalid(operation, status, 'the answer is not the list envelope')
    }
    const envelope = data as Record<string, unknown>
    if (envelope['success'] === false) {
      throw invalid(operation, status, 'the answer says success: false')
    }
    const items = envelope['instances'] ?? []
    if (!Array.isArray(items)) throw invalid(operation, status, 'the answer has no instances list')
    for (const item of items as unknown[]) {
      if (typeof item !== 'object' || item === null) continue
      const row = item as Record<string, unknown>
      const id = positiveId(row['id'])
      if (id === undefined) continue
      const label = row['label']
      rows.push({
        id,
        label: typeof label === 'string' ? label : null,
        curState: typeof row['cur_state'] === 'string' ? row['cur_state'] : null,
        actualStatus: typeof row['actual_status'] === 'string' ? row['actual_status'] : null,
      })
    }
    const next = envelope['next_token']
    if (typeof next !== 'string' || next === '') return { rows, complete: true }
    if (seenTokens.has(next)) return { rows, complete: false }
    seenTokens.add(next)
    token = next
  }
  return { rows, complete: false }
}

/** What I3 said about one instance. */
export type ShownInstance =
  | { kind: 'gone' }
  | { kind: 'present'; curState: string | null; label: string | null }
  | { kind: 'unclear' }

/**
 * I3. `GET /api/v0/instances/{id}/?owner=me`: 200 `{"instances": null}` is the one unambiguous
 * "gone" (vast-instances-api.md, I3 and I6); a row is present; any other 200 shape is unclear.
 * Errors (401, 404 auth_error, 429 after retries) are thrown.
 */
export async function showInstance(client: VastClient, id: number): Promise<ShownInstance> {
  const { data } = await client.call({
    operation: `Show instance ${id}`,
    method: 'GET',
    path: `/instances/${id}/?owner=me`,
    idempotent: true,
  })
  if (typeof data !== 'object' || data === null || !('instances' in data))
    return { kind: 'unclear' }
  const row = data.instances
  if (row === null) return { kind: 'gone' }
  if (typeof row === 'object' && !Array.isArray(row)) {
    const record = row as Record<string, unknown>
    if (positiveId(record['id']) !== id) return { kind: 'unclear' }
    return {
      kind: 'present',
      curState: typeof record['cur_state'] === 'string' ? record['cur_state'] : null,
      label: typeof record['label'] === 'string' ? record['label'] : null,
    }
  }
  return { kind: 'unclear' }
}

/**
 * What became of one destroy: `destroyed` (Vast accepted it: 200 `success: true`), `gone` (it was
 * already gone, and show confirmed it with `{"instances": null}`), or `failed` with why. A 404 or
 * a 200 `success: false` alone never counts as gone: a 404 can mean a bad or expired key.
 */
export type DestroyOutcome =
  | { result: 'destroyed' }
  | { result: 'gone' }
  | { result: 'failed'; reason: string; error?: unknown }

/**
 * Said after a destroy Vast refused (401 or 403) in post or a sweep, whose key is admin-api-key:
 * the listing before it worked, so instance_read is there and instance_write is what lacks.
 */
export const DESTROY_REFUSED =
  'Vast refused the destroy: the parent key (admin-api-key) lacks instance_write, or is no longer a live key.'

/** A 401 or 403 from Vast itself (not an edge in front of it): a key refused, not a fault. */
export function isRefusal(error: unknown): boolean {
  return (
    error instanceof VastApiError && !error.edge && (error.status === 401 || error.status === 403)
  )
}

/** I6, `DELETE /api/v0/instances/{id}/` with `{}`, then I3 when the answer was not a clear yes. */
export async function destroyInstance(client: VastClient, id: number): Promise<DestroyOutcome> {
  let said: string
  try {
    const { data } = await client.call({
      operation: `Destroy instance ${id}`,
      method: 'DELETE',
      path: `/instances/${id}/`,
      body: {},
      idempotent: true,
    })
    const record = (typeof data === 'object' && data !== null ? data : {}) as Record<
      string,
      unknown
    >
    if (record['success'] === true) return { result: 'destroyed' }
    said = 'Vast answered success: false'
  } catch (error) {
    if (!(error instanceof VastApiError) || error.status !== 404) {
      return { result: 'failed', reason: messageOf(error), error }
    }
    said = error.message
  }
  // Not a clear yes: only show's `{"instances": null}` says the instance is gone.
  try {
    const shown = await showInstance(client, id)
    if (shown.kind === 'gone') return { result: 'gone' }
    if (shown.kind === 'present') {
      return {
        result: 'failed',
        reason: `${said}, yet Vast still shows the instance${shown.curState ? ` (cur_state ${shown.curState})` : ''}`,
      }
    }
    return { result: 'failed', reason: `${said}, and show gave an answer that says neither` }
  } catch (error) {
    return {
      result: 'failed',
      reason: `${said}; checking whether it is gone failed too: ${messageOf(error)}`,
      error,
    }
  }
}

/**
 * I3 then I6: destroys instance `id` only when Vast, asked for it by id, still shows exactly
 * `label`. A listing may be stale (anyone with instance_write can relabel an instance, I4) or
 * wrong, so the list row's label alone never decides. `relabelled`: Vast shows another label
 * (left alone); `gone`: show says `{"instances": null}`; `failed`: show failed or named no label.
 */
export async function destroyIfStillLabelled(
  client: VastClient,
  id: number,
  label: string,
): Promise<DestroyOutcome | { result: 'relabelled' }> {
  let shown: ShownInstance
  try {
    shown = await showInstance(client, id)
  } catch (error) {
    return {
      result: 'failed',
      reason: `checking its label before the destroy failed: ${messageOf(error)}`,
      error,
    }
  }
  if (shown.kind === 'gone') return { result: 'gone' }
  if (shown.kind === 'unclear') {
    return {
      result: 'failed',
      reason: 'Vast, asked for it by id, gave an answer that names no label: not destroyed',
    }
  }
  if (shown.label !== label) return { result: 'relabelled' }
  return destroyInstance(client, id)
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * Before any key is made with `instances: destroy`: one listing with the job's label proves the
 * parent key may list instances (instance_read). instance_write cannot be checked without
 * changing something, so the message names both. Throws an Error naming the input on a refusal
 * (401, 403, or 404, which Vast may give a wrong key); other errors as they are.
 */
export async function checkInstanceAccess(client: VastClient, label: string): Promise<void> {
  try {
    await listInstances(client, { label: { eq: label } })
  } catch (error) {
    if (
      error instanceof VastApiError &&
      !error.edge &&
      (error.status === 401 || error.status === 403 || error.status === 404)
    ) {
      throw new Error(
        `Input 'instances': destroy needs the parent key (admin-api-key) to hold instance_read and instance_write, and Vast refused to list instances: ${error.message.replace(/\.$/, '')}. ` +
          'Give the parent key both, or set instances: keep. No key was created.',
      )
    }
    throw error
  }
}
