// What the tests of src/action/inputs/ share: a job's environment, a parent key of the right
// length, and parseInputs run the way action.ts runs it (masked values and the YAML loader seen).

import { parse as parseYaml } from 'yaml'
import { InputError, parseInputs } from '../../src/action/inputs/index.ts'

export const KEY = 'a'.repeat(64)
export const ENV = {
  GITHUB_REPOSITORY: 'octo-org/gpu-trainer',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_JOB: 'train',
}

export async function parseCreate(inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  const result = await parse(inputs, env)
  if (result.settings.mode !== 'create') throw new Error('expected create settings')
  return { ...result, settings: result.settings }
}

export async function parse(inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  const masked: string[] = []
  let yamlLoaded = false
  const settings = await parseInputs(
    { getInput: (name) => (inputs[name] ?? '').trim(), env },
    {
      onSecret: (value) => masked.push(value),
      loadYaml: () => {
        yamlLoaded = true
        return Promise.resolve(parseYaml)
      },
    },
  )
  return { settings: settings, masked, yamlLoaded }
}

export async function problems(inputs: Record<string, string>): Promise<string[]> {
  try {
    await parse(inputs)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}

/** The fewest inputs of a valid create step. */
export const valid = { 'admin-api-key': KEY, permissions: 'instance_read' }
