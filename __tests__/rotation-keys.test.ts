import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { targetParts } from '../src/action/inputs/modes.ts'
import type { SecretTarget } from '../src/action/inputs/index.ts'
import { formatKeyName, rotationTargetId, type KeyKind } from '../src/core/key-name.ts'
import { describeLeftAlone, relationTo, rotationKeys } from '../src/action/modes/rotation-keys.ts'

// Which keys a rotation owns, over generated keys and rotations: a key is the rotation's own
// exactly when it is a rotation key (m=rot) with the same label, repository (any case) and
// target, and only then.

const context = { repository: 'octo-org/gpu-trainer', runId: '1', runAttempt: '1', job: 'rotate' }

const target = fc.oneof(
  fc.record({
    scope: fc.constant('repository' as const),
    repository: fc.constantFrom('octo-org/gpu-trainer', 'octo-org/Deployer', 'octo-org/deployer'),
  }),
  fc.record({
    scope: fc.constant('environment' as const),
    repository: fc.constantFrom('octo-org/gpu-trainer', 'octo-org/deployer'),
    environment: fc.constantFrom('production', 'Production', 'staging'),
  }),
  fc.record({
    scope: fc.constant('organization' as const),
    organization: fc.constantFrom('octo-org', 'Octo-Org', 'other-org'),
    visibility: fc.constantFrom('all' as const, 'private' as const, 'selected' as const),
    selectedRepositories: fc.constant([] as string[]),
  }),
) as fc.Arbitrary<SecretTarget>

const rotation: fc.Arbitrary<Rotation> = fc.record({
  label: fc.constantFrom('ci-deploy', 'CI-deploy', 'ci-deploy-staging'),
  target,
  secretName: fc.constantFrom('VAST_DEPLOY_KEY', 'vast_deploy_key', 'VAST_OTHER'),
  repository: fc.constantFrom('octo-org/gpu-trainer', 'Octo-Org/GPU-trainer', 'octo-org/other'),
})

interface Rotation {
  label: string
  target: SecretTarget
  secretName: string
  repository: string
}

const identity = (r: Rotation) => ({
  label: r.label,
  targetId: rotationTargetId(targetParts(r.target, r.secretName)),
  context: { ...context, repository: r.repository },
})

function keyOf(r: Rotation, kind: KeyKind): string {
  const id = identity(r)
  return formatKeyName({
    label: r.label,
    kind,
    expiresAt: new Date(Date.UTC(2030, 0, 1)),
    ...id.context,
    ...(kind === 'rot' ? { target: id.targetId } : {}),
    nonce: 'ab12',
  })
}

/** The same secret, as GitHub sees it: names are case-insensitive, visibility is a setting. */
function sameSecret(a: Rotation, b: Rotation): boolean {
  const fold = (t: SecretTarget) =>
    t.scope === 'organization'
      ? `org/${t.organization.toLowerCase()}`
      : `${t.scope}/${t.repository.toLowerCase()}/${t.scope === 'environment' ? t.environment.toLowerCase() : ''}`
  return (
    fold(a.target) === fold(b.target) && a.secretName.toLowerCase() === b.secretName.toLowerCase()
  )
}

describe('relationTo', () => {
  it('a key is a rotation’s own exactly when kind, label, repository and secret all match', () => {
    fc.assert(
      fc.property(
        rotation,
        rotation,
        fc.constantFrom<KeyKind>('rot', 'job', 'keep'),
        (maker, rotator, kind) => {
          const own =
            kind === 'rot' &&
            maker.label === rotator.label &&
            maker.repository.toLowerCase() === rotator.repository.toLowerCase() &&
            sameSecret(maker, rotator)
          expect(relationTo(keyOf(maker, kind), identity(rotator)) === 'own').toBe(own)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('says why a key sharing the label is left alone', () => {
    const r: Rotation = {
      label: 'ci-deploy',
      target: { scope: 'repository', repository: 'octo-org/gpu-trainer' },
      secretName: 'K',
      repository: 'octo-org/gpu-trainer',
    }
    const other: Rotation = { ...r, secretName: 'L' }
    const keys = [
      keyOf(r, 'rot'),
      keyOf(other, 'rot'),
      keyOf(r, 'job'),
      keyOf(r, 'keep'),
      keyOf({ ...r, repository: 'octo-org/x' }, 'rot'),
      'ci-deploy [vsk1 exp=20300101T000000Z repo=octo-org/gpu-trainer run=1-1 job=x n=ab]',
      'ci-deploy',
      keyOf({ ...r, label: 'nightly' }, 'rot'),
    ].map((name, i) => ({ id: i + 10, name }))
    const sorted = rotationKeys(keys, identity(r), [])
    expect(sorted.own.map((k) => k.id)).toEqual([10])
    expect(sorted.leftAlone).toEqual({
      'other-target': 1,
      'create-mode': 2,
      'other-repository': 1,
      legacy: 1,
    })
    expect(describeLeftAlone('ci-deploy', sorted.leftAlone)).toBe(
      '5 other key(s) named "ci-deploy" were left alone (1 written to another secret; 2 made by create mode; 1 made by another repository\'s workflow; 1 in the vsk1 format, which does not say which secret holds them): a rotation retires only its own target\'s keys; their deadline or their own job ends them.',
    )
    expect(rotationKeys(keys, identity(r), [10]).own).toEqual([])
    expect(describeLeftAlone('x', {})).toBe('')
  })
})
