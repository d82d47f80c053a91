import { randomBytes } from 'node:crypto'
import { checkConfigFileFree, writeConfigFile } from '../config-file.ts'
import { formatInstanceLabel } from '../../core/instance-label.ts'
import { deadlineFrom } from '../../core/key-name.ts'
import type { CreateSettings } from '../inputs/index.ts'
import { isoSeconds } from '../../core/key-name.ts'
import { permissionsJson } from '../../core/permissions.ts'
import { markdownTable } from '../summary.ts'
import { deleteKey } from '../../core/vast/keys.ts'
import type { Runner } from '../runner.ts'
import type { Secret } from '../../core/secret.ts'
import { mintKey, STATE, type MintDeps } from './mint.ts'

export interface CreateDeps extends MintDeps {
  configFilePath: string
  /** The random part of the instance label: 12 lower-case hex (default: 6 random bytes). */
  instanceNonce?: () => string
}

/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
export async function runCreate(settings: CreateSettings, deps: CreateDeps): Promise<void> {
  const { runner } = deps
  if (settings.exportConfig) checkConfigFileFree(deps.configFilePath)
  const kind = settings.revoke === 'never' ? 'keep' : 'job'
  // Loaded only for a dry run: the main and post steps of a real run never need it.
  if (settings.dryRun) return (await import('./dry-run.ts')).planCreate(settings, kind, deps)
  // The job's instance label, saved first: post destroys by it with instances: destroy.
  const instanceLabel = formatInstanceLabel({
    ...settings.context,
    expiresAt: deadlineFrom(deps.now(), settings.ttlMs),
    nonce: deps.instanceNonce?.() ?? randomBytes(6).toString('hex'),
  })
  runner.saveState(STATE.instanceLabel, instanceLabel)
  if (settings.instances.instances === 'destroy') {
    runner.info(
      "instances: destroy — the post step destroys every Vast.ai instance labelled with this job's instance label; the parent key (admin-api-key) needs instance_read and instance_write, which reach every instance of the account (docs/instances.md).",
    )
    // Loaded only here: a job with instances: keep never needs the instance routes.
    const { checkInstanceAccess } = await import('../../core/vast/instances.ts')
    await checkInstanceAccess(deps.client, instanceLabel)
  }
  const created = await mintKey({ ...settings, kind }, deps)
  await handOutKey(settings, created, {
    runner,
    configFilePath: deps.configFilePath,
    instanceLabel,
    // Nobody can use a key the step fails to hand out: delete it now, whatever revoke says.
    discard: () => deps.cleanupClient().then((client) => deleteKey(client, created.id)),
  })
}

/** A key ready to hand out, from mintKey or from the key broker. */
export interface KeyToHandOut {
  id: number
  key: Secret
  name: string
  expiresAt: Date
}

export interface HandOutDeps {
  runner: Runner
  configFilePath: string
  /** Deletes the key when it cannot be handed out (the config file cannot be written). */
  discard: () => Promise<unknown>
  /** Where the key came from, for the log line (` from the key broker at …`); default none. */
  from?: string
  /** The job's instance label (output instance-label, VAST_INSTANCE_LABEL); none in broker mode. */
  instanceLabel?: string
}

/**
 * Hands a masked key out exactly as create mode does: the config file (export-config), the
 * outputs, VAST_API_KEY (export-env), a log line and the job summary. The key must already be
 * masked (runner.setSecret) by whoever got it.
 */
export async function handOutKey(
  settings: CreateSettings,
  created: KeyToHandOut,
  deps: HandOutDeps,
): Promise<void> {
  const { runner } = deps
  const { name, expiresAt } = created

  if (settings.exportConfig) {
    let written
    try {
      written = writeConfigFile(deps.configFilePath, created.key)
    } catch (error) {
      await deps
        .discard()
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
  if (deps.instanceLabel) {
    runner.setOutput('instance-label', deps.instanceLabel)
    if (settings.exportEnv) runner.exportVariable('VAST_INSTANCE_LABEL', deps.instanceLabel)
    runner.info(
      `Instance label: ${deps.instanceLabel} (${deps.from ? 'the key broker destroys every instance with this label when the post step ends the key' : settings.instances.instances === 'destroy' ? 'the post step destroys every instance with this label' : 'instances: keep, so the post step leaves instances alone; a sweep with instances: destroy ends them after the deadline'}).`,
    )
  }

  // A category limited to some actions shows them: instance_write[api.instance.destroy+constraints].
  const categories = Object.entries(settings.permissions.api)
    .map(([category, actions]) => {
      const limits = Object.entries(actions).map(
        ([name, rule]) => `${name}${rule.constraints ? '+constraints' : ''}`,
      )
      return limits.length ? `${category}[${limits.join(' ')}]` : category
    })
    .join(', ')
  runner.info(
    `${deps.from ? 'Got' : 'Created'} Vast.ai key ${created.id}${deps.from ?? ''} (${categories}), deadline ${isoSeconds(expiresAt)}; ` +
      (settings.revoke === 'post'
        ? 'it is deleted when the job ends.'
        : 'revoke: never, so a sweep or a delete step must end it.'),
  )
  if (!settings.exportEnv)
    runner.info(
      `VAST_API_KEY was not exported (export-env is off): later steps get the key from the api-key output${settings.exportConfig ? ' or the Vast CLI key file' : ''}.`,
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
