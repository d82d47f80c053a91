import {
  booleanFormMessage,
  didYouMean,
  forbiddenKeyPath,
  indentedWithTabs,
  looksLikePath,
  pathMessage,
  TABS_MESSAGE,
} from './permissions-help.ts'

/**
 * Vast.ai key permissions: presets, parsing, validation and the sensitive-scope guard.
 * Shape (vast-api.md): {"api": {"<category>": {} | {"<action>": {} | {"constraints": {...}}}}}.
 */

export type Constraint = Partial<Record<'eq' | 'lte' | 'gte', number | string>>
export interface ActionRule {
  constraints?: Record<string, Constraint>
}
export type CategoryRule = Record<string, ActionRule>
export interface Permissions {
  api: Record<string, CategoryRule>
}

export const CATEGORIES = [
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
] as const

/** Categories that let a CI key mint keys, spend money or change the team. */
export const SENSITIVE_CATEGORIES = ['user_write', 'billing_write', 'team_write'] as const

const OPERATORS = new Set(['eq', 'lte', 'gte'])

export const PRESETS: Record<string, { description: string; categories: string[] }> = {
  'instance-manager': {
    description: 'search offers, create, manage and destroy instances',
    categories: ['misc', 'instance_read', 'instance_write'],
  },
  'instance-reader': {
    description: 'search offers and read instances',
    categories: ['misc', 'instance_read'],
  },
  'read-only': {
    description: 'read instances and machines, search offers',
    categories: ['misc', 'instance_read', 'machine_read'],
  },
  'machine-manager': {
    description: 'hosts: read and manage machines',
    categories: ['misc', 'machine_read', 'machine_write'],
  },
}

/** A `permissions` value that cannot be used; the message says what would be right. */
export class PermissionsError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A preset alone, or names separated by commas or blanks (`instance_read, instance_write`). */
const NAME_LIST = /^[\w-]+(?:\s*[,\s]\s*[\w-]+)*$/

/**
 * Reads the `permissions` input: a preset name, a list of categories (`instance_read,
 * instance_write`), JSON, or (through `parseYaml`) a YAML mapping. The `api` wrapper may be left
 * out. The result is validated and normalised (sorted keys). Raises PermissionsError for a value
 * that is none of these, naming every unknown name with a "did you mean" where one is close, and
 * for a file path, tab-indented YAML, the boolean form, and `__proto__`, `constructor` or
 * `prototype` keys at any depth.
 */
export function parsePermissions(text: string, parseYaml?: (text: string) => unknown): Permissions {
  const value = text.trim()
  if (!value) throw new PermissionsError('it is empty; a key with no permissions is refused')
  // Own keys only: 'toString' or '__proto__' are not presets.
  const preset = Object.hasOwn(PRESETS, value) ? PRESETS[value] : undefined
  if (preset) return fromCategories(preset.categories)
  if (looksLikePath(value)) throw new PermissionsError(pathMessage(value, Object.keys(PRESETS)))
  if (NAME_LIST.test(value)) return fromNames(value.split(/[\s,]+/).filter(Boolean))
  if (indentedWithTabs(value)) throw new PermissionsError(TABS_MESSAGE)
  let parsed: unknown
  if (value.startsWith('{')) {
    try {
      parsed = JSON.parse(value)
    } catch (error) {
      throw new PermissionsError(`it is not valid JSON (${(error as Error).message})`)
    }
  } else if (parseYaml) {
    try {
      parsed = parseYaml(value)
    } catch (error) {
      throw new PermissionsError(
        `it is neither a preset, a category list, JSON nor a YAML mapping (${firstLine(error)})`,
      )
    }
  }
  if (!isObject(parsed)) {
    throw new PermissionsError(
      `expected a preset (${Object.keys(PRESETS).join(', ')}), a list of categories, or a mapping such as {"api":{"instance_read":{}}}`,
    )
  }
  return validatePermissions(parsed)
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0] ?? ''
}

function fromCategories(categories: string[]): Permissions {
  return validatePermissions({ api: Object.fromEntries(categories.map((c) => [c, {}])) })
}

const isCategory = (name: string) => (CATEGORIES as readonly string[]).includes(name)

/** A list of names: categories only; every unknown one is named, with a suggestion. */
function fromNames(names: string[]): Permissions {
  const presets = Object.keys(PRESETS)
  if (names.length === 1 && !isCategory(names[0] ?? '')) {
    const name = names[0] ?? ''
    const guess = didYouMean(name, [...presets, ...CATEGORIES])
    throw new PermissionsError(
      `'${name}' is not a preset nor a category${guess ? `; did you mean ${guess}?` : '.'} Presets: ${presets.join(', ')}; categories: ${CATEGORIES.join(', ')}`,
    )
  }
  const unknown = names.filter((name) => !isCategory(name))
  if (unknown.length > 0) {
    const described = unknown.map((name) => {
      if (Object.hasOwn(PRESETS, name)) {
        return `'${name}' (a preset: use it alone, or list its categories ${PRESETS[name]?.categories.join(', ')})`
      }
      const guess = didYouMean(name, CATEGORIES)
      return `'${name}'${guess ? ` (did you mean ${guess}?)` : ''}`
    })
    throw new PermissionsError(
      `${unknown.length === 1 ? 'this name is not a category' : 'these names are not categories'}: ${described.join(', ')}. Categories: ${CATEGORIES.join(', ')}`,
    )
  }
  return fromCategories(names)
}

/**
 * Checks the shape against vast-api.md and returns a normalised copy. Raises PermissionsError
 * naming every unknown category, for the boolean form, and for forbidden keys.
 */
export function validatePermissions(input: Record<string, unknown>): Permissions {
  const forbidden = forbiddenKeyPath(input)
  if (forbidden) {
    const key = forbidden.split('.').pop() ?? ''
    throw new PermissionsError(
      `the key '${key}' (at ${forbidden}) is not allowed: it is no Vast category, action or field, and JavaScript gives it a special meaning. Remove it`,
    )
  }
  const keys = Object.keys(input)
  const api = keys.length === 1 && keys[0] === 'api' ? input.api : input
  if (!isObject(api)) throw new PermissionsError('"api" must be a mapping of categories')
  const booleanForm = booleanFormMessage(api, CATEGORIES, PRESETS)
  if (booleanForm) throw new PermissionsError(booleanForm)
  const categories = Object.keys(api).sort()
  if (categories.length === 0) throw new PermissionsError('it grants no category')
  const unknown = categories.filter((category) => !isCategory(category))
  if (unknown.length > 0) {
    const described = unknown.map((name) => {
      const guess = didYouMean(name, CATEGORIES)
      return `'${name}'${guess ? ` (did you mean ${guess}?)` : ''}`
    })
    throw new PermissionsError(
      `unknown ${unknown.length === 1 ? 'category' : 'categories'} ${described.join(', ')}; known: ${CATEGORIES.join(', ')}`,
    )
  }
  const result: Record<string, CategoryRule> = {}
  for (const category of categories) result[category] = validateCategory(category, api[category])
  return { api: result }
}

function validateCategory(category: string, rule: unknown): CategoryRule {
  if (!isObject(rule)) {
    throw new PermissionsError(`'${category}' must be {} (whole category) or a mapping of actions`)
  }
  const result: CategoryRule = {}
  for (const action of Object.keys(rule).sort()) {
    const actionRule = rule[action]
    if (!isObject(actionRule)) {
      throw new PermissionsError(`'${category}.${action}' must be {} or {"constraints": {...}}`)
    }
    const extra = Object.keys(actionRule).filter((k) => k !== 'constraints')
    if (extra.length > 0) {
      throw new PermissionsError(
        `'${category}.${action}' has '${extra[0]}'; only "constraints" is allowed`,
      )
    }
    result[action] =
      actionRule.constraints === undefined
        ? {}
        : { constraints: validateConstraints(`${category}.${action}`, actionRule.constraints) }
  }
  return result
}

function validateConstraints(where: string, constraints: unknown): Record<string, Constraint> {
  if (!isObject(constraints)) {
    throw new PermissionsError(`'${where}.constraints' must be a mapping of fields`)
  }
  const result: Record<string, Constraint> = {}
  for (const field of Object.keys(constraints).sort()) {
    const ops = constraints[field]
    if (!isObject(ops) || Object.keys(ops).length === 0) {
      throw new PermissionsError(`constraint '${where}.${field}' must be like {"eq": 1227}`)
    }
    const constraint: Constraint = {}
    for (const op of Object.keys(ops).sort()) {
      const operand = ops[op]
      if (!OPERATORS.has(op)) {
        throw new PermissionsError(
          `constraint '${where}.${field}' uses '${op}'; only eq, lte and gte exist`,
        )
      }
      if (typeof operand !== 'number' && typeof operand !== 'string') {
        throw new PermissionsError(
          `constraint '${where}.${field}.${op}' must be a number or a string`,
        )
      }
      constraint[op as 'eq'] = operand
    }
    result[field] = constraint
  }
  return result
}

export function sensitiveCategories(permissions: Permissions): string[] {
  return SENSITIVE_CATEGORIES.filter((c) => c in permissions.api)
}

/** Canonical JSON (keys sorted at every level by construction). */
export function permissionsJson(permissions: Permissions): string {
  return JSON.stringify(permissions)
}
