// Vast.ai key permissions as the emulator understands them: the documented shape, its
// validation, and the subset rule that create applies. The real subset rule is not published
// (vast-api.md marks it [guess]); this one is the conservative reading described there.

export type Permissions = { api: Record<string, Record<string, unknown>> }

/** The public categories plus the two agent categories of the CLI's route table. */
export const CATEGORIES: readonly string[] = [
  'misc',
  'user_read',
  'user_write',
  'instance_read',
  'instance_write',
  'billing_read',
  'billing_write',
  'machine_read',
  'machine_write',
  'team_read',
  'team_write',
  'agents_read',
  'agents_write',
]

const OPERATORS = new Set(['eq', 'lte', 'gte'])

/** Every category granted in full: the default rights of the emulator's parent key. */
export function allPermissions(): Permissions {
  const api: Record<string, Record<string, unknown>> = {}
  for (const category of CATEGORIES) api[category] = {}
  return { api }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isValidConstraint(value: unknown): boolean {
  if (!isPlainObject(value)) return false
  const ops = Object.entries(value)
  if (ops.length === 0) return false
  return ops.every(
    ([op, operand]) =>
      OPERATORS.has(op) &&
      ((typeof operand === 'number' && Number.isFinite(operand)) || typeof operand === 'string'),
  )
}

function isValidAction(value: unknown): boolean {
  if (!isPlainObject(value)) return false
  const keys = Object.keys(value)
  if (keys.length === 0) return true
  if (keys.length !== 1 || keys[0] !== 'constraints') return false
  const constraints = value['constraints']
  if (!isPlainObject(constraints) || Object.keys(constraints).length === 0) return false
  return Object.values(constraints).every(isValidConstraint)
}

/** True when `value` has the documented shape `{"api": {category: {} | {action: {...}}}}`. */
export function isValidPermissions(value: unknown): value is Permissions {
  if (!isPlainObject(value)) return false
  const keys = Object.keys(value)
  if (keys.length !== 1 || keys[0] !== 'api') return false
  const api = value['api']
  if (!isPlainObject(api)) return false
  for (const [category, actions] of Object.entries(api)) {
    if (!CATEGORIES.includes(category) || !isPlainObject(actions)) return false
    for (const [action, spec] of Object.entries(actions)) {
      if (action.length === 0 || !isValidAction(spec)) return false
    }
  }
  return true
}

/** Whether a key holds a category at all; route checks need no more than that. */
export function hasCategory(permissions: Permissions, category: string): boolean {
  return Object.hasOwn(permissions.api, category)
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return false
    return keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
  }
  return false
}

/**
 * The subset rule [guess]: every category of the child must be held by the caller. A caller
 * category given as `{}` covers any child form of it. A restricted caller category covers only a
 * restricted child category whose actions it lists; an unconstrained caller action covers any
 * child form of it, a constrained one only the very same constraints.
 */
export function covers(caller: Permissions, child: Permissions): boolean {
  for (const [category, childActions] of Object.entries(child.api)) {
    if (!Object.hasOwn(caller.api, category)) return false
    const callerActions = caller.api[category] ?? {}
    const callerNames = Object.keys(callerActions)
    if (callerNames.length === 0) continue
    const childNames = Object.keys(childActions)
    if (childNames.length === 0) return false
    for (const name of childNames) {
      if (!Object.hasOwn(callerActions, name)) return false
      const callerSpec = callerActions[name]
      if (isPlainObject(callerSpec) && Object.keys(callerSpec).length === 0) continue
      if (!deepEqual(callerSpec, childActions[name])) return false
    }
  }
  return true
}

/** A deep copy, so that stored rights never alias a caller's object. */
export function clonePermissions(permissions: Permissions): Permissions {
  return structuredClone(permissions)
}
