import type { CreateSettings, RotateSettings } from '../inputs/index.ts'
import { deadlineFrom, formatKeyName, isoSeconds, type KeyKind } from '../../core/key-name.ts'
import { permissionsJson } from '../../core/permissions.ts'
import { markdownTable } from '../summary.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { listKeys, requireParentKeyId } from '../../core/vast/keys.ts'
import type { MintDeps } from './mint.ts'
import type { SecretWriter } from '../github/secrets.ts'
import { describeLeftAlone, keyTarget, rotationKeys } from './rotation-keys.ts'

/**
 * `dry-run: true` in create and rotate mode: every input is already validated (src/action/inputs/),
 * then the step reaches what a real run would reach before its first change (Vast: the parent key's
 * own identity, `GET /users/current`; rotate also lists the keys and reads the secret's public key
 * and the selected repositories' ids from GitHub) and reports what it would mint, write and retire.
 * It creates, writes and deletes nothing, and saves no state, so the post step has nothing to do.
 *
 * Outputs: `key-name` (the name a key would get; its `n=` part is drawn again in a real run),
 * `expires-at` (counted from now), `permissions`; rotate also `secret-name` and
 * `deleted-count` (0). Never `api-key`, `key-id` or `rotated-at`: no key exists.
 */

interface PlannedKey {
  name: string
  expiresAt: Date
}

function planKey(
  settings: Pick<CreateSettings, 'label' | 'ttlMs' | 'context'>,
  kind: KeyKind,
  deps: Pick<MintDeps, 'now' | 'nonce'>,
  target?: string,
): PlannedKey {
  const expiresAt = deadlineFrom(deps.now(), settings.ttlMs)
  const name = formatKeyName({
    label: settings.label,
    kind,
    expiresAt,
    ...settings.context,
    ...(target ? { target } : {}),
    nonce: deps.nonce(),
  })
  return { name, expiresAt }
}

/** The parent key's id from Vast; a refusal is said as the dry run's finding. */
async function parentKeyId(client: VastClient): Promise<number> {
  try {
    return await requireParentKeyId(client, 'go on')
  } catch (error) {
    throw new Error(
      `Dry run: the parent key (admin-api-key) did not pass: ${(error as Error).message}. A real run would fail too.`,
    )
  }
}

function setKeyOutputs(
  deps: Pick<MintDeps, 'runner'>,
  planned: PlannedKey,
  settings: CreateSettings | RotateSettings,
): string {
  const permissions = permissionsJson(settings.permissions)
  deps.runner.setOutput('key-name', planned.name)
  deps.runner.setOutput('expires-at', isoSeconds(planned.expiresAt))
  deps.runner.setOutput('permissions', permissions)
  return permissions
}

/** Create mode's dry run: checks the parent key, says what key the job would get. */
export async function planCreate(
  settings: CreateSettings,
  kind: KeyKind,
  deps: MintDeps,
): Promise<void> {
  const { runner } = deps
  const parentId = await parentKeyId(deps.client)
  const planned = planKey(settings, kind, deps)
  const permissions = setKeyOutputs(deps, planned, settings)
  const handedOut = [
    'the api-key output',
    ...(settings.exportEnv ? ['$VAST_API_KEY'] : []),
    ...(settings.exportConfig ? ['the Vast CLI config file'] : []),
  ].join(', ')
  const ends =
    settings.revoke === 'post' ? 'deleted when the job ends' : 'kept until a sweep or delete step'
  runner.info(
    `Dry run: nothing was created. Vast accepted the parent key (key ${parentId}). ` +
      `A real run would create "${planned.name}" with ${permissions}, deadline ${isoSeconds(planned.expiresAt)}, ` +
      `hand it out as ${handedOut}, and it would be ${ends}.`,
  )
  runner.appendSummary(
    `### Vast.ai scoped key (dry run: nothing created)\n\n` +
      markdownTable(
        ['Would create', 'Permissions', 'Deadline', 'Deleted'],
        [[planned.name, permissions, isoSeconds(planned.expiresAt), ends]],
      ),
  )
}

/**
 * What rotate mode's dry run needs of its caller (rotate.ts passes its RotateDeps): declared here,
 * so that this file need not import rotate.ts, which loads this one.
 */
export interface PlanRotateDeps extends Pick<MintDeps, 'runner' | 'now' | 'nonce'> {
  writer: Pick<SecretWriter, 'describe' | 'prepared'>
  freshClient: () => Promise<VastClient>
}

/** Rotate mode's dry run, after the writer has read the secret's public key. */
export async function planRotate(settings: RotateSettings, deps: PlanRotateDeps): Promise<void> {
  const { runner, writer } = deps
  const client = await deps.freshClient()
  const parentId = await parentKeyId(client)
  const { own, leftAlone } = rotationKeys(await listKeys(client), settings, [parentId])
  const kept = own.slice(0, settings.keepPrevious)
  const retired = own.slice(settings.keepPrevious)
  const planned = planKey(settings, 'rot', deps, settings.targetId)
  const permissions = setKeyOutputs(deps, planned, settings)
  runner.setOutput('secret-name', settings.secretName)
  runner.setOutput('deleted-count', '0')

  const where = writer.describe()
  const prepared = writer.prepared
  const ids = prepared?.selectedRepositoryIds
  runner.info(
    `Dry run: nothing was created, written or deleted. Vast accepted the parent key (key ${parentId}); ` +
      `GitHub gave the public key of the ${where} (key id ${prepared?.keyId ?? 'unknown'})` +
      (ids ? ` and the selected repositories' ids (${ids.join(', ')})` : '') +
      '.',
  )
  runner.info(
    `A real run would create "${planned.name}" with ${permissions}, deadline ${isoSeconds(planned.expiresAt)}, and write it to the ${where}.`,
  )
  for (const key of retired) {
    runner.info(
      `It would then delete the older key ${key.id} (${key.name}), written to the ${keyTarget(key.name, settings)}.`,
    )
  }
  if (kept.length) {
    runner.info(
      `It would keep ${kept.length} older key(s) (keep-previous: ${settings.keepPrevious}): ${kept.map((k) => k.id).join(', ')}.`,
    )
  }
  if (own.length === 0) runner.info('This secret has no older keys to retire.')
  const untouched = describeLeftAlone(settings.label, leftAlone)
  if (untouched) runner.info(untouched)

  const row = (what: string, key: { id: number; name: string }) => [
    what,
    String(key.id),
    key.name,
    keyTarget(key.name, settings),
  ]
  runner.appendSummary(
    `### Vast.ai key rotation (dry run: nothing created, written or deleted)\n\n` +
      `Would write a new key to the ${where}; would retire ${retired.length} older key(s) of this secret.\n\n` +
      markdownTable(
        ['', 'Key id', 'Name', 'Secret it was written to'],
        [
          ['would create', '-', planned.name, where],
          ...kept.map((k) => row('would keep (keep-previous)', k)),
          ...retired.map((k) => row('would delete', k)),
        ],
      ),
  )
}
