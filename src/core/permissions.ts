import {
  booleanFormMessage,
  didYouMean,
  forbiddenKeyPath,
  indentedWithTabs,
  looksLikePath,
  pathMessage,
  TABS_MESSAGE,
} from './permissions-help.ts'
import { explainJsonError } from './json-problem.ts'

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

/**
 * The names of a list written as a JSON array (`["instance_read"]`) or a YAML sequence
 * (`- instance_read` lines), which `permissions` does not read; undefined for anything else.
 */
function bracketedNames(value: string): string[] | undefined {
  if (value.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value)
      if (Array.isArray(parsed) && parsed.length && parsed.every((n) => typeof n === 'string'))
        return parsed
    } catch {
      return undefined
    }
    return undefined
  }
  const lines = value.split('\n').filter((line) => line.trim())
  const items = lines.map((line) => /^\s*-\s+([\w-]+)\s*$/.exec(line)?.[1])
  return items.every((item) => item !== undefined) ? items : undefined
}

const EMPTY_ITEM_MESSAGE =
  'it is a list with an empty item (a comma at the start or end, or two in a row): write the names separated by commas, like instance_read, instance_write'

/**
 * A preset alone, or names separated by blanks and at most one comma (`instance_read,
 * instance_write`). Read in linear time: one character class, then splits at fixed characters (a
 * single regex with nested blank runs backtracks quadratically: 40,000 blanks took 750 ms).
 */
function nameList(value: string): string[] | undefined {
  if (!/^[\w\s,-]*$/.test(value)) return undefined
  const names: string[] = []
  for (const part of value.split(',')) {
    const words = part.split(/\s/).filter(Boolean)
    if (words.length === 0) return undefined
    names.push(...words)
  }
  return names
}

/**
 * The longest `permissions` value read, in characters. Vast's whole permission shape, every
 * category with every action and a constraint on each, is a few kB; GitHub passes inputs of any
 * length, so a bound keeps a pasted file or a generated value from costing the step its time.
 */
export const MAX_PERMISSIONS_LENGTH = 32_768

/**
 * The deepest nesting accepted in a `permissions` mapping. Vast's shape is at most 6 levels: the
 * root, `api`, a category, an action, `constraints`, a field, and its operator's value (vast-api.md);
 * a few more leave room for a list inside a constraint. Checked before parsing and again on the
 * parsed value, so nothing recurses deeper than this.
 */
export const MAX_PERMISSIONS_DEPTH = 10

const DEPTH_MESSAGE = `it is nested more than ${MAX_PERMISSIONS_DEPTH} levels deep; Vast's permission shape is at most 6 (api, category, action, constraints, field, operator), e.g. {"api":{"instance_write":{"api.instance.destroy":{"constraints":{"id":{"eq":1227}}}}}}`

/**
 * Nesting of `{`/`[` in JSON or YAML flow text: a depth past `limit` as soon as one is reached,
 * else 0. One pass, no recursion. Brackets inside quoted strings count too: a YAML plain scalar may hold
 * a lone quote, and no real permissions value holds brackets in its strings.
 */
function bracketDepth(text: string, limit: number): number {
  let depth = 0
  for (const c of text) {
    if (c === '{' || c === '[') {
      if (++depth > limit) return depth
    } else if (c === '}' || c === ']') depth--
  }
  return 0
}

/** True when a parsed value nests deeper than `limit` (an explicit stack, no recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item
    if (typeof node !== 'object' || node === null) continue
    if (depth + 1 > limit) return true
    for (const child of Object.values(node)) stack.push([child, depth + 1])
  }
  return false
}

/**
 * Reads the `permissions` input: a preset name, a list of categories (`instance_read,
 * instance_write`), JSON, or (through `parseYaml`) a YAML mapping. The `api` wrapper may be left
 * out. The result is validated and normalised (sorted keys). Raises PermissionsError for a value
 * that is none of these, naming every unknown name with a "did you mean" where one is close, and
 * for a file path, tab-indented YAML, the boolean form, `__proto__`, `constructor` or
 * `prototype` keys at any depth, a value longer than {@link MAX_PERMISSIONS_LENGTH} characters and
 * one nested deeper than {@link MAX_PERMISSIONS_DEPTH}.
 */
export function parsePermissions(text: string, parseYaml?: (text: string) => unknown): Permissions {
  const value = text.trim()
  if (!value) throw new PermissionsError('it is empty; a key with no permissions is refused')
  // Own keys only: 'toString' or '__proto__' are not presets.
  const preset = Object.hasOwn(PRESETS, value) ? PRESETS[value] : undefined
  if (preset) return fromCategories(preset.categories)
  if (value.length > MAX_PERMISSIONS_LENGTH) {
    throw new PermissionsError(
      `it is ${value.length} characters long; at most ${MAX_PERMISSIONS_LENGTH} are read (Vast's whole permission shape is a few kB): pass only the categories and actions this job needs`,
    )
  }
  if (looksLikePath(value)) throw new PermissionsError(pathMessage(value, Object.keys(PRESETS)))
  const listed = bracketedNames(value)
  if (listed) {
    throw new PermissionsError(
      `it is a list in brackets or a YAML sequence; write the names separated by commas, without brackets, quotes or dashes: ${listed.join(', ')}`,
    )
  }
  const names = nameList(value)
  if (names) return fromNames(names)
  // Names and commas only, but an item is empty: `instance_read, instance_write,`.
  if (/^[\w\s,-]*$/.test(value)) throw new PermissionsError(EMPTY_ITEM_MESSAGE)
  if (indentedWithTabs(value)) throw new PermissionsError(TABS_MESSAGE)
  if (bracketDepth(value, MAX_PERMISSIONS_DEPTH) > MAX_PERMISSIONS_DEPTH) {
    throw new PermissionsError(DEPTH_MESSAGE)
  }
  let parsed: unknown
  if (value.startsWith('{')) {
    try {
      parsed = JSON.parse(value)
    } catch (error) {
      throw new PermissionsError(`it is not valid JSON at ${explainJsonError(value, error)}`)
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
  if (deeperThan(input, MAX_PERMISSIONS_DEPTH)) throw new PermissionsError(DEPTH_MESSAGE)
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
