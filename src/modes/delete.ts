import type { DeleteSettings } from '../inputs/index.ts'
import { parseKeyName } from '../key-name.ts'
import type { Runner } from '../runner.ts'
import type { VastClient } from '../vast/client.ts'
import { deleteKey, listKeys, requireParentKeyId, withAccessHint } from '../vast/keys.ts'

/**
 * `mode: delete`: one key by id, e.g. a key made with `revoke: never` in an earlier job. Only a
 * key this action made (found by id in the account's list, its name a managed name) is deleted,
 * unless `force: true`; never the parent key.
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
    runner.info(`force: true — deleting key ${keyId}, which this action did not make.`)
  }
  const result = await withAccessHint(deleteKey(client, keyId))
  runner.setOutput('deleted-count', result === 'deleted' ? '1' : '0')
  runner.info(
    result === 'deleted'
      ? `Deleted Vast.ai key ${keyId}${shownName}.`
      : `Vast.ai key ${keyId} was deleted by someone else just now.`,
  )
}
