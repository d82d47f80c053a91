import { GitHubSecretError, type SecretWriter } from '../github/secrets.ts'

// One chunk for rotate mode: action.ts gets the writer from here.
export { SecretWriter } from '../github/secrets.ts'
import type { RotateSettings } from '../inputs/index.ts'
import { isoSeconds } from '../../core/key-name.ts'
import { permissionsJson } from '../../core/permissions.ts'
import { markdownTable } from '../summary.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { VastApiError } from '../../core/vast/errors.ts'
import { currentKeyId, deleteKey, listKeys, requireParentKeyId } from '../../core/vast/keys.ts'
import { mintKey, STATE, type MintDeps, type MintedKey } from './mint.ts'
import { describeLeftAlone, keyTarget, rotationKeys } from './rotation-keys.ts'

/**
 * `mode: rotate`, meant for a schedule: a fresh scoped key into a GitHub Actions secret, and only
 * once the secret holds it, the older keys of the same rotation deleted. Until the secret is
 * written, state says "create", so the post step deletes the new key if anything stops the
 * rotation (a failure, a cancel); the old key and the secret stay untouched.
 */

export interface RotateDeps extends MintDeps {
  writer: SecretWriter
  /** A client that authenticates as the new key, to check it works. */
  clientFor: (key: MintedKey) => Promise<VastClient>
  /**
   * A parent-key client with a budget of its own, for the steps after the create (rollback,
   * retiring older keys): the create may have used up create-budget waiting for the rate limit.
   */
  freshClient: (options?: { cancellable?: boolean }) => Promise<VastClient>
  sleep: (ms: number) => Promise<void>
}

export async function runRotate(settings: RotateSettings, deps: RotateDeps): Promise<void> {
  const { runner, writer } = deps
  // Whatever the token cannot do shows up here, before a key exists.
  await writer.prepare()
  if (settings.dryRun) return (await import('./dry-run.ts')).planRotate(settings, deps)

  let { minted, retired, rotatedAt } = await rotateOnce(settings, deps)
  if (retired.retiredByOther) {
    // Another run of this rotation retired the new key after this run wrote it: if this run's
    // write reached GitHub last, the secret holds a deleted key, and this run cannot tell. The
    // other run finished its write before it retired anything, so one more rotation now leaves
    // the secret holding a live key (the other run's key becomes an older key, retired as usual).
    runner.warning(
      `The new key ${minted.id} was deleted while this rotation ran: another rotation of the same secret ran at the same time and retired it, so the ${writer.describe()} may hold a deleted key. Rotating once more. Give the rotation a concurrency group so its runs never overlap.`,
    )
    try {
      ;({ minted, retired, rotatedAt } = await rotateOnce(settings, deps))
    } catch (error) {
      throw new Error(
        `The second rotation, after another run retired this run's key, failed: ${(error as Error).message} ` +
          `The ${writer.describe()} may hold a deleted key: run the rotation again now.`,
      )
    }
    if (retired.retiredByOther) {
      throw new Error(
        `The new key ${minted.id} was deleted while this rotation ran, twice: other rotations of the same secret keep running at the same time and retire this run's keys. ` +
          `The ${writer.describe()} may hold a deleted key; this run deleted no older key. Run the rotation again now, and give it a concurrency group so its runs never overlap (docs/rotation.md).`,
      )
    }
  }
  const { deleted } = retired

  runner.setOutput('key-id', String(minted.id))
  runner.setOutput('key-name', minted.name)
  runner.setOutput('secret-name', settings.secretName)
  runner.setOutput('rotated-at', rotatedAt)
  runner.setOutput('deleted-count', String(deleted.length))
  runner.setOutput('expires-at', isoSeconds(minted.expiresAt))
  runner.setOutput('permissions', permissionsJson(settings.permissions))
  if (settings.outputKey) runner.setOutput('api-key', minted.key)

  runner.appendSummary(rotationSummary(settings, writer.describe(), minted, retired))
}

/**
 * One rotation: mint, verify, write, retire the older keys. Throws (after rolling the new key
 * back when nothing was written) on any failure before the retirement.
 */
async function rotateOnce(
  settings: RotateSettings,
  deps: RotateDeps,
): Promise<{ minted: MintedKey; retired: Retired; rotatedAt: string }> {
  const { runner, writer } = deps
  const minted = await mintKey(
    { ...settings, revoke: 'post', cleanupFailure: 'warn', kind: 'rot', target: settings.targetId },
    deps,
  )
  runner.info(`Created Vast.ai key ${minted.id} (${minted.name}).`)

  try {
    await verify(minted, deps)
  } catch (error) {
    throw new Error(`${(error as Error).message} ${await rollBack(minted, deps)}`)
  }
  try {
    await writer.write(minted.key)
  } catch (error) {
    if (error instanceof GitHubSecretError && error.definite) {
      throw new Error(`${error.message} ${await rollBack(minted, deps)}`)
    }
    // The write may have happened (a 5xx, a timeout, a cancel while it was in flight): the secret
    // may hold the new key or the old one, so both stay alive. The next rotation retires
    // whichever is not in the secret; a sweep ends any after its deadline.
    runner.saveState(STATE.mode, 'rotated')
    throw new Error(
      `${(error as Error).message} The secret may or may not hold the new key ${minted.id}: it and the older keys are all kept alive, so whichever the secret holds works. Run the rotation again to finish it.`,
    )
  }
  runner.saveState(STATE.mode, 'rotated')
  const rotatedAt = isoSeconds(deps.now())
  runner.info(`Wrote the new key to the ${writer.describe()}.`)
  return { minted, retired: await retireOlderKeys(settings, minted, deps), rotatedAt }
}

/**
 * The job summary of a rotation: every key it touched, each with the secret it was written to,
 * so a retirement always names the target it came from.
 */
function rotationSummary(
  settings: RotateSettings,
  where: string,
  minted: MintedKey,
  keys: Retired,
): string {
  const row = (what: string, key: KeyRef) => [
    what,
    String(key.id),
    key.name,
    keyTarget(key.name, settings),
  ]
  const visibility =
    settings.target.scope === 'organization' ? ` (visibility ${settings.target.visibility})` : ''
  return (
    `### Vast.ai key rotation\n\n` +
    `The ${where}${visibility} now holds key ${minted.id}; deadline ${isoSeconds(minted.expiresAt)}. ` +
    `Retired: ${keys.deleted.length} older key(s) of this secret` +
    (keys.failed.length ? `; ${keys.failed.length} could not be deleted` : '') +
    `.${keys.untouched ? ` ${keys.untouched}` : ''}\n\n` +
    markdownTable(
      ['', 'Key id', 'Name', 'Secret it was written to'],
      [
        ['new (in the secret)', String(minted.id), minted.name, where],
        ...keys.kept.map((k) => row('kept (keep-previous)', k)),
        ...keys.deleted.map((k) => row('retired (deleted)', k)),
        ...keys.failed.map((k) => row('could not delete', k)),
      ],
    )
  )
}

/** Deletes the new key after a failure before the secret was written; says how that went. */
async function rollBack(minted: MintedKey, deps: RotateDeps): Promise<string> {
  const outcome = await deps
    .freshClient({ cancellable: false })
    .then((client) => deleteKey(client, minted.id))
    .then(
      () => `deleted the new key ${minted.id}`,
      (e: unknown) =>
        `could not delete the new key ${minted.id} (${(e as Error).message}); the post step tries again`,
    )
  return `Rotation stopped before the secret was written: ${outcome}; the old key and the secret are untouched.`
}

/**
 * The new key must authenticate. A key without user_read is refused /users/current for the
 * missing scope (403, or 401 with another message): known, so it works. 401 "Invalid user key"
 * means it does not (tried three times, in case the API takes a moment to know a new key).
 */
async function verify(minted: MintedKey, deps: RotateDeps): Promise<void> {
  const client = await deps.clientFor(minted)
  for (let attempt = 1; ; attempt++) {
    try {
      await currentKeyId(client)
      return
    } catch (error) {
      if (error instanceof VastApiError && error.status === 403) return
      // Vast may refuse a missing scope with 401 and another message [vast-api.md]: only
      // "Invalid user key" says the key itself is unknown.
      const unknown = error instanceof VastApiError && error.status === 401
      if (unknown && !/invalid user key/i.test(error.apiMessage ?? '')) return
      if (!unknown || attempt >= 3) {
        throw new Error(
          `The new key ${minted.id} did not authenticate: ${(error as Error).message}.`,
        )
      }
      await deps.sleep(1000 * attempt)
    }
  }
}

interface KeyRef {
  id: number
  name: string
}

interface Retired {
  deleted: KeyRef[]
  kept: KeyRef[]
  failed: KeyRef[]
  /** The sentence on keys sharing the label that are not this rotation's, or ''. */
  untouched: string
  /** The new key was gone from the list: another run of this rotation deleted it. */
  retiredByOther?: boolean
}

/**
 * Deletes this rotation's older keys (see rotation-keys.ts: same label, repository and target),
 * but the newest `keep-previous`; strays of an uncertain create of the new key go whatever
 * keep-previous says. Never the parent key or the new key.
 */
async function retireOlderKeys(
  settings: RotateSettings,
  minted: MintedKey,
  deps: RotateDeps,
): Promise<Retired> {
  const { runner } = deps
  const deleted: KeyRef[] = []
  const failed: KeyRef[] = []
  let client: VastClient
  let older: KeyRef[]
  let strays: KeyRef[]
  let untouched: string
  try {
    client = await deps.freshClient()
    const parentId = await requireParentKeyId(client, 'retire older keys')
    const keys = await listKeys(client)
    if (!keys.some((k) => k.id === minted.id)) {
      // Another run of this rotation retired the new key after this run wrote it: if this
      // run's write reached GitHub last, the secret holds a deleted key. Nothing here can mend
      // that (the other run's key is not known to this one), so delete nothing and fail loudly.
      return { deleted, kept: [], failed, untouched: '', retiredByOther: true }
    }
    const { own, leftAlone } = rotationKeys(keys, settings, [minted.id, parentId])
    // Keys with the new key's own name are strays of an uncertain create: never worth keeping.
    strays = own.filter((k) => k.name === minted.name)
    older = own.filter((k) => k.name !== minted.name && k.id < minted.id)
    // A newer key of this same secret: another rotation of it ran at the same time and may
    // have written the secret after this one. Deleting it could leave the secret dead.
    const newer = own.filter((k) => k.name !== minted.name && k.id > minted.id)
    untouched = describeLeftAlone(settings.label, leftAlone)
    if (untouched) runner.info(untouched)
    if (newer.length) {
      runner.warning(
        `Left alone ${newer.length} key(s) of the ${deps.writer.describe()} newer than this rotation's (${newer.map((k) => k.id).join(', ')}): another rotation of the same secret ran at the same time, and the secret may hold its key. Give the rotation a concurrency group so its runs never overlap; the next rotation retires what the secret does not hold.`,
      )
    }
  } catch (error) {
    runner.warning(
      `The rotation succeeded, but the older keys could not be listed (${(error as Error).message}); the next rotation or a sweep deletes them.`,
    )
    return { deleted, kept: [], failed, untouched: '' }
  }
  // keep-previous counts rotations, not keys: the keys of one earlier step share its name (a
  // create applied late left a stray beside the key the secret held), and which of them the
  // secret held is not known, so a kept rotation keeps all of its keys.
  const keptNames = new Set<string>()
  for (const key of older) {
    if (keptNames.size >= settings.keepPrevious) break
    keptNames.add(key.name)
  }
  const kept = older.filter((k) => keptNames.has(k.name))
  const retire = older.filter((k) => !keptNames.has(k.name))
  for (const key of [...strays, ...retire]) {
    try {
      await deleteKey(client, key.id)
      deleted.push(key)
      runner.info(
        `Deleted the older key ${key.id} (${key.name}), which was written to the ${keyTarget(key.name, settings)}.`,
      )
    } catch (error) {
      failed.push(key)
      runner.warning(
        `The rotation succeeded, but the older key ${key.id} could not be deleted (${(error as Error).message}); the next rotation or a sweep deletes it.`,
      )
    }
  }
  if (kept.length)
    runner.info(`Kept ${kept.length} older key(s): keep-previous is ${settings.keepPrevious}.`)
  return { deleted, kept, failed, untouched }
}
