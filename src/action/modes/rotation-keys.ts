import { describeTarget } from '../github/target.ts'
import type { RotateSettings } from '../inputs/index.ts'
import { parseKeyName } from '../../core/key-name.ts'
import type { KeyInfo } from '../../core/vast/keys.ts'

/**
 * Which keys belong to a rotation. A rotation's identity is its label (`key-name`), the
 * repository whose workflow runs it, and its target (scope, repository or organisation,
 * environment, secret name), carried in the key's name as `t=` (docs/key-names.md). Only keys
 * that match all three are its own; every other key is left to its own rules (a create-mode
 * job's post step, a sweep at the deadline, another target's rotation).
 */

/** How a key on the account relates to one rotation. */
export type Relation =
  /** A rotation key of exactly this label, repository and target: this rotation may retire it. */
  | 'own'
  /** The same label and repository, written to another secret. */
  | 'other-target'
  /** The same label, made by another repository's workflow. */
  | 'other-repository'
  /** The same label, made by create mode (`m=job` or `m=keep`). */
  | 'create-mode'
  /** The same label, in the `vsk1` format, which does not say which secret holds the key. */
  | 'legacy'
  /** Another label, or a name the action did not write. */
  | 'unrelated'

export type RotationIdentity = Pick<RotateSettings, 'label' | 'targetId' | 'context'>

/** The relation of a key named `name` to the rotation `identity`. */
export function relationTo(name: string, identity: RotationIdentity): Relation {
  const fields = parseKeyName(name)
  if (!fields || fields.label !== identity.label) return 'unrelated'
  if (fields.repository.toLowerCase() !== identity.context.repository.toLowerCase()) {
    return 'other-repository'
  }
  if (fields.kind === 'legacy') return 'legacy'
  if (fields.kind !== 'rot') return 'create-mode'
  return fields.target === identity.targetId ? 'own' : 'other-target'
}

export interface RotationKeys {
  /** This rotation's older keys, newest (highest id) first. */
  own: KeyInfo[]
  /** Keys sharing the label that are not this rotation's: how many of each kind. */
  leftAlone: Partial<Record<Exclude<Relation, 'own' | 'unrelated'>, number>>
}

/** Sorts the account's keys for a rotation; `exclude` are ids never to count (parent, new key). */
export function rotationKeys(
  keys: readonly KeyInfo[],
  identity: RotationIdentity,
  exclude: readonly number[],
): RotationKeys {
  const own: KeyInfo[] = []
  const leftAlone: RotationKeys['leftAlone'] = {}
  for (const key of keys) {
    if (exclude.includes(key.id)) continue
    const relation = relationTo(key.name, identity)
    if (relation === 'own') own.push(key)
    else if (relation !== 'unrelated') leftAlone[relation] = (leftAlone[relation] ?? 0) + 1
  }
  return { own: own.sort((a, b) => b.id - a.id), leftAlone }
}

const LEFT_ALONE_WORDS: Record<keyof RotationKeys['leftAlone'], string> = {
  'other-target': 'written to another secret',
  'other-repository': "made by another repository's workflow",
  'create-mode': 'made by create mode',
  legacy: 'in the vsk1 format, which does not say which secret holds them',
}

/**
 * One sentence on the keys that share the label but are not this rotation's, or '' when there
 * are none: `3 other key(s) named "ci-deploy" were left alone (2 written to another secret, ...)`.
 */
export function describeLeftAlone(label: string, leftAlone: RotationKeys['leftAlone']): string {
  const parts = Object.entries(leftAlone).map(
    ([relation, count]) =>
      `${count} ${LEFT_ALONE_WORDS[relation as keyof RotationKeys['leftAlone']]}`,
  )
  const total = Object.values(leftAlone).reduce((sum, count) => sum + count, 0)
  if (total === 0) return ''
  return `${total} other key(s) named "${label}" were left alone (${parts.join('; ')}): a rotation retires only its own target's keys; their deadline or their own job ends them.`
}

/**
 * The secret a rotation key was written to, in words, as far as its name tells: this rotation's
 * target when `t=` matches, else only that it is another one (the name holds a hash, not the
 * target itself).
 */
export function keyTarget(name: string, settings: RotateSettings): string {
  const fields = parseKeyName(name)
  if (fields?.kind === 'rot' && fields.target === settings.targetId) {
    return describeTarget(settings.target, settings.secretName)
  }
  return fields?.target ? `another secret (t=${fields.target})` : 'no secret known'
}
