// action.yml as the runner reads it: inputs with their defaults, runs.main, runs.post, post-if.

import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'

export interface ActionInput {
  default?: string
  required?: boolean
  description?: string
}

export interface ActionDefinition {
  inputs: Record<string, ActionInput>
  outputs: Record<string, unknown>
  /** Absolute path of runs.main. */
  main: string
  /** Absolute path of runs.post, when the action has one. */
  post?: string
  /** runs.post-if (the runner's default is `always()`). */
  postIf?: string
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parse action.yml; runs.using must be node24; main/post resolved against action.yml's folder. */
export function loadActionDefinition(actionYmlPath: string): ActionDefinition {
  const path = resolve(actionYmlPath)
  const doc: unknown = parseYaml(readFileSync(path, 'utf8'))
  if (!isRecord(doc)) throw new Error(`${path}: not a YAML mapping`)
  const runs = doc.runs
  if (!isRecord(runs)) throw new Error(`${path}: missing 'runs'`)
  if (runs.using !== 'node24') {
    throw new Error(`${path}: runs.using must be 'node24', got '${String(runs.using)}'`)
  }
  if (typeof runs.main !== 'string' || runs.main === '')
    throw new Error(`${path}: missing runs.main`)
  const folder = dirname(path)
  const inputs: Record<string, ActionInput> = {}
  if (doc.inputs !== undefined && doc.inputs !== null) {
    if (!isRecord(doc.inputs)) throw new Error(`${path}: 'inputs' must be a mapping`)
    for (const [name, spec] of Object.entries(doc.inputs)) {
      const input: ActionInput = {}
      if (isRecord(spec)) {
        if (spec.default !== undefined && spec.default !== null)
          input.default = scalar(spec.default)
        if (spec.required !== undefined) input.required = spec.required === true
        if (typeof spec.description === 'string') input.description = spec.description
      }
      inputs[name] = input
    }
  }
  const definition: ActionDefinition = {
    inputs,
    outputs: isRecord(doc.outputs) ? doc.outputs : {},
    main: resolve(folder, runs.main),
  }
  if (typeof runs.post === 'string' && runs.post !== '')
    definition.post = resolve(folder, runs.post)
  if (typeof runs['post-if'] === 'string') definition.postIf = runs['post-if']
  return definition
}

/** YAML scalars as the runner sees them (`default: 3600` is the string '3600'). */
function scalar(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  throw new Error(`input default must be a scalar, got ${JSON.stringify(value)}`)
}

/**
 * Whether the runner would run the post step after steps that left the job at `status`
 * (runs.post-if, default `always()`). Throws on a post-if the harness does not support.
 */
export function postShouldRun(
  definition: ActionDefinition,
  status: 'success' | 'failure' | 'cancelled',
): boolean {
  if (!definition.post) return false
  const condition = (definition.postIf ?? 'always()').replace(/^\$\{\{\s*|\s*\}\}$/g, '').trim()
  switch (condition) {
    case 'always()':
      return true
    case 'success()':
      return status === 'success'
    case 'failure()':
      return status === 'failure'
    case 'cancelled()':
      return status === 'cancelled'
    case '!cancelled()':
      return status !== 'cancelled'
    default:
      throw new Error(`post-if '${condition}' is not supported by the harness`)
  }
}
