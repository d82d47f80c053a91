import type { DeleteSettings } from '../inputs/index.ts'
import type { Runner } from '../runner.ts'
import type { VastClient } from '../vast/client.ts'
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
  const result = await deleteKey(client, settings.keyId)
  runner.setOutput('deleted-count', result === 'deleted' ? '1' : '0')
  runner.info(
    result === 'deleted'
      ? `Deleted Vast.ai key ${settings.keyId}.`
      : `Vast.ai key ${settings.keyId} was already gone.`,
  )
}
