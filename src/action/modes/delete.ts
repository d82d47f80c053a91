import type { DeleteSettings } from '../inputs/index.ts'
import { parseKeyName } from '../../core/key-name.ts'
import type { Runner } from '../runner.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { VastApiError } from '../../core/vast/errors.ts'
import { deleteKey, listKeys, requireParentKeyId, withAccessHint } from '../../core/vast/keys.ts'

/**
 * `mode: delete`: one key by id, e.g. a key made with `revoke: never` in an earlier job. Only a
 * key this action made (found by id in the account's list, its name a managed name) is deleted,
 * unless `force: true`; never the parent key. With `dry-run: true`, every check is made and
 * nothing is deleted. `deleted-count` is 1 only when this step deleted the key; a key already
 * gone (404) counts 0, as in a sweep.
 */
export async function runDelete(
  settings: DeleteSettings,
  deps: { runner: Runner; client: VastClient },
): Promise<void> {
  const { runner, client } = deps
  const { keyId } = settings
  const parentId = await withAccessHint(requireParentKeyId(client, 'delete a key'))
  if (parentId === keyId) {
    throw new Error(
      `Input 'key-id': ${keyId} is the parent key (admin-api-key) itself; refusing to delete it`,
    )
  }
  const found = (await withAccessHint(listKeys(client))).find((key) => key.id === keyId)
  if (!found) {
    runner.setOutput('deleted-count', '0')
    runner.warning(
      `Vast.ai key ${keyId} is not on the account of admin-api-key (it was deleted already, or belongs to another account); nothing was deleted. Check key-id.`,
    )
    return
  }
  // A name the action did not write is outside text: it is not printed.
  const managed = parseKeyName(found.name) !== undefined
  const shownName = managed ? ` (${JSON.stringify(found.name)})` : ''
  if (!managed) {
    if (!settings.force) {
      throw new Error(
        `Input 'key-id': key ${keyId} was not made by this action (its name is not a managed name, see docs/key-names.md); refusing to delete it. ` +
          'Set force: true to delete a key the action did not make.',
      )
    }
    runner.info(
      `force: true — ${settings.dryRun ? 'would delete' : 'deleting'} key ${keyId}, which this action did not make.`,
    )
  }
  if (settings.dryRun) {
    runner.setOutput('deleted-count', '0')
    runner.info(
      `Would delete key ${keyId}${shownName || ' (name not shown: not a managed name)'} (dry run: nothing was deleted).`,
    )
    return
  }
  let result
  try {
    result = await deleteKey(client, keyId)
  } catch (error) {
    runner.setOutput('deleted-count', '0')
    throw explainRefusal(keyId, error)
  }
  runner.setOutput('deleted-count', result === 'deleted' ? '1' : '0')
  runner.info(
    result === 'deleted'
      ? `Deleted Vast.ai key ${keyId}${shownName}.`
      : `Vast.ai key ${keyId} is already gone (deleted by someone else just now); deleted-count is 0.`,
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
      `${error.message.replace(/\.$/, '')}. Key ${keyId} was not deleted and is not gone: it belongs to another user or team, ` +
        "or admin-api-key lacks user_write. Check 'key-id' (the key-id output of the step that made the key).",
    )
  }
  return error
}
