// The route handlers proper (step 5): they run once the caller is known, not rate limited, and
// holds the route's scope. Each takes the key table and the calling key and returns a Reply.

import { isRecord, json, vastError } from './vast-http.ts'
import type { Reply } from './vast-http.ts'
import type { KeyRecord, KeyStore } from './vast-keys.ts'
import { covers, isValidPermissions } from './vast-permissions.ts'
import { notFoundReply } from './vast-variants.ts'
import type { VastVariants } from './vast-variants.ts'

const NOT_FOUND: Reply = json(404, { msg: 'API Key not found.' })

/**
 * A list item: secrets are null and, as on Vast, there is no creation time. `rights` is an object,
 * or as the listRights variant says, missing or a JSON string.
 */
function listItem(key: KeyRecord, variants: VastVariants = {}) {
  const form = variants.listRights ?? 'object'
  return {
    id: key.id,
    user_id: key.userId,
    key: null,
    key_type: 'api',
    name: key.name,
    ...(form === 'absent'
      ? {}
      : { rights: form === 'string' ? JSON.stringify(key.permissions) : key.permissions }),
    team_id: null,
    team_name: null,
    team_owner: null,
  }
}

/** A live key of the caller's user, by the `{id}` path segment. */
function target(store: KeyStore, caller: KeyRecord, id: string | null): KeyRecord | undefined {
  if (id === null || !/^\d+$/.test(id)) return undefined
  const key = store.get(Number(id))
  return key?.deletedAt === null && key.userId === caller.userId ? key : undefined
}

/**
 * E1. `missingPermissions` is the [guess] of what a body without permissions means; the
 * createPermissions variant answers `"permissions": false` as Vast's reference shows.
 */
export function createKey(
  store: KeyStore,
  caller: KeyRecord,
  body: unknown,
  options: { missingPermissions: 'reject' | 'inherit'; variants: VastVariants },
): Reply {
  const { missingPermissions, variants } = options
  const failed = vastError(400, 'invalid_request', 'Failed to create API key.')
  if (!isRecord(body)) return failed
  const name = body['name']
  if (typeof name !== 'string' || name.length === 0 || name.length > 255) return failed
  let permissions = body['permissions']
  if (permissions === undefined || permissions === null) {
    if (missingPermissions === 'reject') {
      return vastError(400, 'missing_permissions', 'Invalid permission format')
    }
    permissions = caller.permissions
  }
  if (!isValidPermissions(permissions)) {
    return vastError(400, 'invalid_permissions', 'Invalid permission format')
  }
  if (!covers(caller.permissions, permissions)) {
    const msg = 'You cannot grant permissions that your own key does not have.'
    return vastError(401, 'insufficient_permissions', msg)
  }
  const key = store.add({
    name,
    permissions,
    userId: caller.userId,
    primary: false,
    keyParams: body['key_params'],
  })
  const echoed = variants.createPermissions === 'false' ? false : key.permissions
  return json(200, { success: true, id: key.id, key: key.key, permissions: echoed })
}

/** E2: the live keys of the caller's user, the caller included, in id order. */
export function listKeys(store: KeyStore, caller: KeyRecord, variants: VastVariants): Reply {
  return json(200, {
    apikeys: store.liveOfUser(caller.userId).map((key) => listItem(key, variants)),
  })
}

/** E3. */
export function showKey(store: KeyStore, caller: KeyRecord, id: string | null): Reply {
  const key = target(store, caller, id)
  return key ? json(200, listItem(key)) : NOT_FOUND
}

/**
 * E4: a soft delete. Nothing stops a key from deleting itself. Another user's live key is
 * "not found" unless the foreignKeyDelete variant answers 401 or 403 as Vast's specs say.
 */
export function deleteKey(
  store: KeyStore,
  caller: KeyRecord,
  id: string | null,
  variants: VastVariants,
): Reply {
  const key = target(store, caller, id)
  if (key === undefined) {
    const other = id !== null && /^\d+$/.test(id) ? store.get(Number(id)) : undefined
    const status = variants.foreignKeyDelete ?? 404
    if (other?.deletedAt === null && status !== 404) {
      return vastError(status, 'forbidden', 'You do not have permission to delete this API Key.')
    }
    return notFoundReply(variants)
  }
  if (key.primary) return vastError(400, 'primary_key', 'You cannot delete your primary key.')
  key.deletedAt = Date.now()
  return json(200, 'Successfully Deleted API Key')
}

/** E5: the calling key gets a new value; the old one stops working at once. */
export function resetKey(store: KeyStore, caller: KeyRecord, body: unknown): Reply {
  if (!isRecord(body) || body['client_id'] !== 'me') {
    return json(400, { success: false, msg: 'client_id must be "me".' })
  }
  return json(200, { success: true, new_api_key: store.rotate(caller) })
}

/** E6. Like Vast, it echoes the calling key in `api_key`. */
export function currentUser(caller: KeyRecord): Reply {
  return json(200, {
    id: caller.userId,
    key_id: caller.id,
    email: `user${caller.userId}@example.invalid`,
    username: `user${caller.userId}`,
    balance: 25.5,
    credit: 0,
    ssh_key: null,
    api_key: caller.key,
  })
}
