import { checkConfigFileFree, writeConfigFile } from '../config-file.ts'
import type { CreateSettings } from '../inputs/index.ts'
import { isoSeconds } from '../key-name.ts'
import { permissionsJson } from '../permissions.ts'
import { markdownTable } from '../summary.ts'
import { deleteKey } from '../vast/keys.ts'
import { mintKey, STATE, type MintDeps } from './mint.ts'

export { runCreatePost } from './create-post.ts'

export interface CreateDeps extends MintDeps {
  configFilePath: string
}

/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
export async function runCreate(settings: CreateSettings, deps: CreateDeps): Promise<void> {
  const { runner } = deps
  if (settings.exportConfig) checkConfigFileFree(deps.configFilePath)
  const kind = settings.revoke === 'never' ? 'keep' : 'job'
  // Loaded only for a dry run: the main and post steps of a real run never need it.
  if (settings.dryRun) return (await import('./dry-run.ts')).planCreate(settings, kind, deps)
  const created = await mintKey({ ...settings, kind }, deps)
  const { name, expiresAt } = created

  if (settings.exportConfig) {
    let written
    try {
      written = writeConfigFile(deps.configFilePath, created.key)
    } catch (error) {
      // Nobody can use a key the step fails to hand out: delete it now, whatever revoke says.
      await deps
        .cleanupClient()
        .then((client) => deleteKey(client, created.id))
        .catch(() => runner.info(`Key ${created.id} is left to the post step or a sweep.`))
      throw error
    }
    runner.saveState(STATE.configFile, JSON.stringify(written))
    runner.info(`Wrote the key to ${written.path} (mode 0600) for the Vast CLI and SDK.`)
  }

  const permissions = permissionsJson(settings.permissions)
  runner.setOutput('api-key', created.key)
  runner.setOutput('key-id', String(created.id))
  runner.setOutput('key-name', name)
  runner.setOutput('expires-at', isoSeconds(expiresAt))
  runner.setOutput('permissions', permissions)
  if (settings.exportEnv) runner.exportVariable('VAST_API_KEY', created.key)

  const categories = Object.keys(settings.permissions.api).join(', ')
  runner.info(
    `Created Vast.ai key ${created.id} (${categories}), deadline ${isoSeconds(expiresAt)}; ` +
      (settings.revoke === 'post'
        ? 'it is deleted when the job ends.'
        : 'revoke: never, so a sweep or a delete step must end it.'),
  )
  runner.appendSummary(
    `### Vast.ai scoped key\n\n` +
      markdownTable(
        ['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'],
        [
          [
            String(created.id),
            name,
            permissions,
            isoSeconds(expiresAt),
            settings.revoke === 'post'
              ? 'by the post step (its line follows)'
              : 'by a sweep or delete step',
          ],
        ],
      ),
  )
}
