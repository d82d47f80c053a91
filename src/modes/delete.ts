import type { DeleteSettings } from '../inputs/index.ts'
import type { Runner } from '../runner.ts'
import type { VastClient } from '../vast/client.ts'
import { VastApiError } from '../vast/errors.ts'
import { deleteKey, requireParentKeyId } from '../vast/keys.ts'

/** `mode: delete`: one key by id, e.g. a key made with `revoke: never` in an earlier job. */
export async function runDelete(
  settings: DeleteSettings,
  deps: { runner: Runner; client: VastClient },
): Promise<void> {
  const { runner, client } = deps
  const parentId = await requireParentKeyId(client, 'delete a key')
  if (parentId === settings.keyId) {
    throw new Error(
      `Input 'key-id': ${settings.keyId} is the parent key (admin-api-key) itself; refusing to delete it`,
    )
  }
  let result
  try {
    result = await deleteKey(client, settings.keyId)
  } catch (error) {
    runner.setOutput('deleted-count', '0')
    throw explainRefusal(settings.keyId, error)
  }
  runner.setOutput('deleted-count', result === 'deleted' ? '1' : '0')
  runner.info(
    result === 'deleted'
      ? `Deleted Vast.ai key ${settings.keyId}.`
      : `Vast.ai key ${settings.keyId} was already gone.`,
  )
}

/**
 * Vast's refusals of a delete (vast-api.md E4), said in the user's terms. None of them means the
 * key is gone: a primary key (400) and another user's key (401 or 403) stay live.
 */
function explainRefusal(keyId: number, error: unknown): unknown {
  if (!(error instanceof VastApiError) || error.kind !== 'http' || error.edge) return error
  const said = error.apiMessage ?? ''
  if (error.status === 400 && /primary/i.test(said)) {
    return new Error(
      `Input 'key-id': ${keyId} is the account's primary key, which Vast never deletes (HTTP 400: ${said}). Nothing was deleted.`,
    )
  }
  if (error.status === 400 && /user-created|only/i.test(said)) {
    return new Error(
      `Input 'key-id': ${keyId} is not a user-created API key, and Vast deletes only those (HTTP 400: ${said}). Nothing was deleted.`,
    )
  }
  if (error.status === 401 || error.status === 403) {
    return new Error(
      `${error.message}. Key ${keyId} was not deleted and is not gone: it belongs to another user or team, ` +
        "or admin-api-key lacks user_write. Check 'key-id' (the key-id output of the step that made the key).",
    )
  }
  return error
}
