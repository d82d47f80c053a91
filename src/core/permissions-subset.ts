import type { Permissions } from './permissions.ts'

/**
 * Whether one permissions value stays within another: the check the key broker applies before it
 * mints a key (a policy rule grants at most `granted`; a job asks for `requested`).
 *
 * The rule is the conservative reading of Vast's own subset rule (vast-api.md marks that rule
 * [guess]; the emulator applies the same reading): a category granted as `{}` covers any form of
 * it; a category granted as a list of actions covers only a request that lists some of those
 * actions; an action granted as `{}` covers any form of it, a constrained action only the very same
 * constraints. Both values must be validated first (`validatePermissions`), so keys are sorted.
 */
export function permissionsWithin(granted: Permissions, requested: Permissions): boolean {
  return excessPermissions(granted, requested).length === 0
}

/**
 * What `requested` asks for beyond `granted`, as readable paths (`billing_write`,
 * `instance_write.destroy`, `instance_write.create (other constraints)`); empty when it is within.
 */
export function excessPermissions(granted: Permissions, requested: Permissions): string[] {
  const excess: string[] = []
  for (const [category, actions] of Object.entries(requested.api)) {
    if (!Object.hasOwn(granted.api, category)) {
      excess.push(category)
      continue
    }
    const grantedActions = granted.api[category] ?? {}
    if (Object.keys(grantedActions).length === 0) continue
    const names = Object.keys(actions)
    if (names.length === 0) {
      excess.push(`${category} (the whole category; the rule grants only some actions)`)
      continue
    }
    for (const name of names) {
      if (!Object.hasOwn(grantedActions, name)) {
        excess.push(`${category}.${name}`)
        continue
      }
      const grantedRule = grantedActions[name] ?? {}
      if (grantedRule.constraints === undefined) continue
      if (JSON.stringify(grantedRule) !== JSON.stringify(actions[name] ?? {})) {
        excess.push(`${category}.${name} (other constraints than the rule's)`)
      }
    }
  }
  return excess
}
