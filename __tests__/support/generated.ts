import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { InputError, parseInputs } from '../../src/inputs/index.ts'
import { scenario } from './action.ts'

/**
 * Generated cases, shared by `npm test` (__tests__/properties.test.ts) and `npm run test:faults`
 * (which prints how many were tried and what they found).
 */

// Characters a key may hold in an HTTP header: letters, digits and everything that means
// something to a regex, a URL, JSON, XML, a shell or a workflow command (%, :, ::).
const KEY_CHARS = 'abcdefXYZ0189-_.~+/=%$^*()[]{}|\\?&#@!:;,\'"<>`'
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const keyValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 8, maxLength: 120 }),
  // the shape Vast's reference shows: vast- and letters and digits
  fc
    .string({ unit: fc.constantFrom(...ALPHANUMERIC), minLength: 16, maxLength: 64 })
    .map((tail) => `vast-${tail}`),
)

export const LEAK_PATHS = [
  'happy',
  'create echoes the parent key',
  'delete fails',
  'bad input holds the parent key',
] as const
export type LeakPath = (typeof LEAK_PATHS)[number]

export const leakCase = fc
  .tuple(keyValue, keyValue, fc.constantFrom(...LEAK_PATHS))
  .filter(([parent, child]) => !parent.includes(child) && !child.includes(parent))

/** Runs main and post of the built action with debug on; returns what leaked (nothing, we hope). */
export async function leaksFor(parent: string, child: string, path: LeakPath): Promise<string[]> {
  const values = [parent, child]
  const s = await scenario({ emulator: { keyFactory: () => values.shift() ?? 'z'.repeat(64) } })
  try {
    if (s.emulator.parentKey !== parent) return ['the emulator did not use the generated key']
    if (path === 'create echoes the parent key') {
      s.emulator.inject('create', {
        type: 'status',
        status: 400,
        body: { msg: `rejected key ${parent} (${encodeURIComponent(parent)})` },
      })
    }
    if (path === 'delete fails') s.emulator.inject('delete', { type: 'status', status: 403 }, 10)
    const inputs = s.inputs(path === 'bad input holds the parent key' ? { ttl: parent } : {})
    const main = await s.job.runMain({ inputs, debug: true })
    await s.job.runPost({ inputs, debug: true })
    const problems: string[] = s
      .leaks()
      .map((secret) => (secret === parent ? 'parent key' : 'new key'))
    if ((path === 'happy' || path === 'delete fails') && main.outputs['api-key'] !== child) {
      problems.push('the new key was not handed out')
    }
    return problems
  } finally {
    await s.close()
  }
}

export const INPUTS = [
  'mode',
  'permissions',
  'ttl',
  'api-url',
  'max-attempts',
  'request-timeout',
  'create-budget',
  'export-env',
  'export-config',
  'allow-sensitive-permissions',
  'revoke',
  'cleanup-failure',
  'key-name',
] as const

export const badInputCase = fc.tuple(
  fc.constantFrom(...INPUTS),
  fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom('-1', '0', '1e3', '999999999999999999999', '1.5', 'NaN', '{}', '[]', 'null'),
    fc.constantFrom('{"api":', '{"api":{"x":{}}}', 'api:\n  - a', ':::', '%0A', '\u0000', '   '),
    // names that an object lookup would find on Object.prototype
    fc.constantFrom('toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'),
  ),
)

/** Parses the inputs with one generated value; returns what is wrong with the outcome. */
export async function badInputProblem(input: string, value: string): Promise<string | undefined> {
  const inputs: Record<string, string> = {
    'admin-api-key': 'k'.repeat(32),
    permissions: 'instance_read',
    [input]: value,
  }
  try {
    await parseInputs(
      { getInput: (name) => (inputs[name] ?? '').trim(), env: {} },
      { onSecret: () => {}, loadYaml: () => Promise.resolve(parseYaml) },
    )
    return undefined
  } catch (error) {
    if (!(error instanceof InputError)) return `threw ${String(error)}`
    if (error.problems.length === 0) return 'an InputError without a problem'
    const bad = error.problems.find((p) => !/^Input '[a-z-]+': \S/.test(p))
    if (bad) return `a message not naming its input: ${bad}`
    if (input !== 'mode' && !error.problems.some((p) => p.startsWith(`Input '${input}'`))) {
      return `no message names '${input}'`
    }
    return undefined
  }
}
