import type { Permissions } from '../permissions.ts'
import { Secret } from '../secret.ts'
import type { VastClient } from './client.ts'
import { VastApiError } from './errors.ts'

/** The API-key endpoints of vast-api.md (E1, E2, E4, E6), typed, and nothing else. */

export interface CreatedKey {
  id: number
  key: Secret
}

export interface KeyInfo {
  id: number
  name: string
}

/** Vast ids are positive integers; anything else (null, "", 0) is no id at all. */
function positiveId(value: unknown): number | undefined {
  if (typeof value !== 'number' && typeof value !== 'string') return undefined
  if (typeof value === 'string' && !/^\d+$/.test(value)) return undefined
  const id = Number(value)
  return Number.isSafeInteger(id) && id > 0 ? id : undefined
}

function invalid(operation: string, status: number, detail: string): VastApiError {
  return new VastApiError({
    operation,
    kind: 'invalid-response',
    status,
    retryable: false,
    ambiguous: true,
    detail,
  })
}

/**
 * What to do about a refusal (401/403) of a key-management call, or '' for any other error. Vast
 * gates listing keys and reading the current user behind `user_read`, and creating and deleting
 * keys behind `user_write` (vast-api.md, "Permissions"); a key cannot manage keys without them.
 */
export function accessHint(error: unknown): string {
  if (!(error instanceof VastApiError) || (error.status !== 401 && error.status !== 403)) return ''
  // A refusal by an edge in front of the API (not Vast's JSON) says nothing about the key.
  if (error.edge) return ''
  const write = /^(Create|Delete)/.test(error.operation)
  const category = write ? 'user_write' : 'user_read'
  return (
    `The parent key (admin-api-key) was refused: it is wrong or deleted, or lacks ${category} ` +
    `(${write ? 'creating and deleting keys' : 'listing keys and reading the current user'} needs it). ` +
    'Give admin-api-key both user_read and user_write'
  )
}

/**
 * Awaits `call`; a refusal (401/403) comes back with {@link accessHint} after Vast's own words:
 * "Delete API key 7 failed: HTTP 403: <Vast's message>. The parent key (admin-api-key) was
 * refused: …" (the order post and create use).
 */
export async function withAccessHint<T>(call: Promise<T>): Promise<T> {
  try {
    return await call
  } catch (error) {
    const hint = accessHint(error)
    if (!hint || !(error instanceof VastApiError)) throw error
    const hinted = new VastApiError({
      operation: error.operation,
      kind: error.kind,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.apiMessage === undefined ? {} : { apiMessage: error.apiMessage }),
      retryable: error.retryable,
      ambiguous: error.ambiguous,
    })
    // The API's message may end its own sentence: never two full stops.
    hinted.message = `${error.message.replace(/\.$/, '')}. ${hint}.`
    throw hinted
  }
}

/**
 * E1. A create whose answer was lost may have made the key: before sending it again, look the
 * key up by its unique name and delete what is found, so neither an orphan nor a duplicate stays.
 */
export async function createKey(
  client: VastClient,
  request: { name: string; permissions: Permissions },
  onAmbiguous: (error: VastApiError) => Promise<'retry' | 'stop'>,
  onSend?: (attempt: number) => void,
): Promise<CreatedKey> {
  const operation = 'Create API key'
  const { status, data } = await client.call({
    operation,
    method: 'POST',
    path: '/auth/apikeys/',
    body: { name: request.name, permissions: request.permissions },
    idempotent: false,
    onAmbiguous,
    ...(onSend ? { onSend } : {}),
  })
  const record = (data ?? {}) as Record<string, unknown>
  const id = record.id
  const key = record.key
  if (typeof key !== 'string' || !key || (typeof id !== 'number' && typeof id !== 'string')) {
    throw invalid(operation, status, 'the answer has no key id or key value')
  }
  const numericId = Number(id)
  if (!Number.isSafeInteger(numericId))
    throw invalid(operation, status, 'the key id is not a number')
  return { id: numericId, key: new Secret(key) }
}

/** E2. The answer is `{"apikeys": [...]}`; a bare array is accepted too. */
export async function listKeys(client: VastClient): Promise<KeyInfo[]> {
  const operation = 'List API keys'
  const { status, data } = await client.call({
    operation,
    method: 'GET',
    path: '/auth/apikeys/',
    idempotent: true,
  })
  const items = Array.isArray(data) ? data : (data as { apikeys?: unknown })?.apikeys
  if (!Array.isArray(items)) throw invalid(operation, status, 'the answer has no "apikeys" list')
  const keys: KeyInfo[] = []
  for (const item of items as unknown[]) {
    const { id, name } = (item ?? {}) as { id?: unknown; name?: unknown }
    const numericId = positiveId(id)
    if (numericId !== undefined) {
      keys.push({ id: numericId, name: typeof name === 'string' ? name : '' })
    }
  }
  return keys
}

/** E4. 404 means the key is already gone, which is what we wanted. */
export async function deleteKey(
  client: VastClient,
  id: number,
): Promise<'deleted' | 'already-gone'> {
  try {
    await client.call({
      operation: `Delete API key ${id}`,
      method: 'DELETE',
      path: `/auth/apikeys/${id}/`,
      idempotent: true,
    })
    return 'deleted'
  } catch (error) {
    if (error instanceof VastApiError && error.status === 404) return 'already-gone'
    throw error
  }
}

/** E6. Only the calling key's id is kept: the body may echo the key itself. */
export async function currentKeyId(client: VastClient): Promise<number | undefined> {
  const { data } = await client.call({
    operation: 'Read the current user',
    method: 'GET',
    path: '/users/current',
    idempotent: true,
  })
  return positiveId((data as { key_id?: unknown })?.key_id)
}

/**
 * The parent key's id, which delete, sweep and rotate must never delete. Without it they stop:
 * guessing could delete the key the action runs on.
 */
export async function requireParentKeyId(client: VastClient, doing: string): Promise<number> {
  const id = await currentKeyId(client)
  if (id === undefined) {
    throw new Error(
      `Vast did not say which key admin-api-key is (no key_id in /users/current); refusing to ${doing} without knowing which key is the parent`,
    )
  }
  return id
}
