import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { InputError, parseInputs } from '../../src/action/inputs/index.ts'
import { scenario } from './action.ts'
import { SEPARATORS } from './hostile.ts'

/**
 * Generated cases, shared by `npm test` (__tests__/properties.test.ts) and `npm run test:faults`
 * (which prints how many were tried and what they found).
 */

// Characters a key may hold in an HTTP header: letters, digits and everything that means
// something to a regex, a URL, JSON, XML, a shell or a workflow command (%, :, ::).
const KEY_CHARS = 'abcdefXYZ0189-_.~+/=%$^*()[]{}|\\?&#@!:;,\'"<>`'
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const keyValue = fc.oneof(
  // at least the shortest key the action accepts (MIN_SECRET_LENGTH)
  fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 20, maxLength: 120 }),
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
  // The created key never holds `%`: a create answer with one is refused (src/core/vast/keys.ts,
  // tested with hostile answers in __tests__/answers.test.ts); the parent key may.
  .tuple(
    keyValue,
    keyValue.map((key) => key.replaceAll('%', '~')),
    fc.constantFrom(...LEAK_PATHS),
  )
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
  'admin-api-key',
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
  'job-total',
  'job-index',
  'max-parallel',
] as const

/**
 * `permissions` values that cost the parser rather than confuse it: nested far past Vast's shape
 * (JSON, YAML flow, YAML blocks), longer than any real value, and the blank runs that made the
 * old name-list pattern backtrack (security review, finding 9).
 */
const costlyPermissions = fc.oneof(
  fc
    .integer({ min: 11, max: 20_000 })
    .map((d) => `{"api":{"instance_read":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}}`),
  fc.integer({ min: 11, max: 30_000 }).map((d) => `api: ${'['.repeat(d)}${']'.repeat(d)}`),
  fc
    .integer({ min: 11, max: 60 })
    .map((d) => Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1'),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => `"a"${' '.repeat(n)}"!"`),
  fc.integer({ min: 1_000, max: 60_000 }).map((n) => `instance_read${' ,'.repeat(n)}x!`),
  fc.integer({ min: 32_769, max: 200_000 }).map((n) => `instance_read ${'x'.repeat(n)}`),
)

export const badInputCase = fc.oneof(
  fc.tuple(fc.constant('permissions'), costlyPermissions),
  badInputTuple(),
)

function badInputTuple() {
  return fc.tuple(
    fc.constantFrom(...INPUTS),
    fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('-1', '0', '1e3', '999999999999999999999', '1.5', 'NaN', '{}', '[]', 'null'),
      fc.constantFrom('{"api":', '{"api":{"x":{}}}', 'api:\n  - a', ':::', '%0A', '\u0000', '   '),
      // first mistakes (issue 13): paths, the boolean form, tabs, near misses, prototype keys, URLs
      fc.constantFrom(
        'perms.json',
        '{"manage_instances": true}',
        'api:\n\tmisc: {}',
        'INSTANCE_READ',
        'instance-read, billing-read',
        '{"api":{"misc":{"__proto__":{}}}}',
        'https://console.vast.ai/api/v0/',
        'http://vast.localhost',
        'http://localhost:1',
        'abc',
      ),
      // names that an object lookup would find on Object.prototype
      fc.constantFrom('toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf'),
    ),
  )
}

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

/**
 * A credential input holding separators (a secret copied with its line end, cut into lines, with
 * a stray short line): pieces of a key or token, some a character or two, with blanks, line ends,
 * control or zero-width characters between them.
 */
export const credentialCase = fc.tuple(
  fc.constantFrom('admin-api-key', 'github-token'),
  fc.array(
    fc.oneof(
      keyValue,
      fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: 9 }),
    ),
    { minLength: 1, maxLength: 4 },
  ),
  fc.array(fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 3 }), {
    minLength: 4,
    maxLength: 4,
  }),
  fc.boolean(),
)

/**
 * Parses a credential with separators; what is wrong: it must be refused, naming the input, and
 * only its pieces of 8 characters or more may be masked, each on its own.
 */
export async function credentialProblem([input, pieces, gaps, leading]: [
  string,
  string[],
  string[][],
  boolean,
]): Promise<string | undefined> {
  const value =
    (leading ? 'x' : '') + pieces.map((p, i) => (gaps[i] ?? [' ']).join('') + p).join('')
  const inputs: Record<string, string> = {
    'admin-api-key': 'k'.repeat(32),
    permissions: 'instance_read',
    mode: input === 'github-token' ? 'rotate' : 'create',
    'key-name': 'ci',
    'secret-name': 'VAST_KEY',
    [input]: value,
  }
  const masked: string[] = []
  try {
    await parseInputs(
      { getInput: (name) => (inputs[name] ?? '').trim(), env: {} },
      { onSecret: (v) => masked.push(v), loadYaml: () => Promise.resolve(parseYaml) },
    )
    return value.trim() === value.trim().replace(/[\s\p{Cc}\p{Cf}]/gu, '') ? undefined : 'accepted'
  } catch (error) {
    if (!(error instanceof InputError)) return `threw ${String(error)}`
    const wanted = value
      .trim()
      .split(/[\s\p{Z}\p{Cc}\p{Cf}]+/u)
      .filter((p) => p.length >= 8)
    const bad = masked.filter((m) => m !== inputs['admin-api-key'] && !wanted.includes(m))
    if (bad.length) return `masked ${JSON.stringify(bad)}`
    const missing = wanted.filter((w) => !masked.includes(w))
    if (missing.length) return `did not mask ${JSON.stringify(missing)}`
    if (value.trim() !== value.trim().replace(/[\s\p{Z}\p{Cc}\p{Cf}]/gu, '')) {
      const named = error.problems.find((p) => p.startsWith(`Input '${input}': it contains`))
      if (!named) return `not refused for its separators: ${error.message}`
    }
    return undefined
  }
}

// First mistakes (issue 13, and the prototype keys of issue 11), generated with variations. Each
// case says what the message must contain, or what the parsed settings must be.

const CATEGORY_NAMES = [
  'misc',
  'user_read',
  'instance_read',
  'instance_write',
  'billing_read',
  'machine_read',
  'machine_write',
  'team_read',
  'agents_read',
  'agents_write',
]
const PRESET_NAMES = ['instance-manager', 'instance-reader', 'read-only', 'machine-manager']

/** The same name as a user might mistype it: other letter case, - for _ (or the reverse). */
const nearMiss = (names: string[]) =>
  fc
    .tuple(fc.constantFrom(...names), fc.boolean(), fc.boolean())
    .map(([name, upper, swap]) => {
      let typed = swap ? name.replace(/[-_]/g, (c) => (c === '-' ? '_' : '-')) : name
      if (upper) typed = typed.toUpperCase()
      return { name, typed }
    })
    .filter(({ name, typed }) => name !== typed)

export type Mistake = { input: string; value: string; expect: RegExp; parses?: boolean }

export const mistakeCase: fc.Arbitrary<Mistake> = fc.oneof(
  nearMiss(CATEGORY_NAMES).map(({ name, typed }) => ({
    input: 'permissions',
    value: typed,
    expect: new RegExp(`did you mean ${name}\\?`),
  })),
  nearMiss(PRESET_NAMES).map(({ name, typed }) => ({
    input: 'permissions',
    value: typed,
    expect: new RegExp(`did you mean ${name}\\?`),
  })),
  // every unknown name of a list is named
  fc
    .uniqueArray(nearMiss(CATEGORY_NAMES), { minLength: 2, maxLength: 4, selector: (m) => m.name })
    .map((misses) => ({
      input: 'permissions',
      value: misses.map((m) => m.typed).join(', '),
      expect: new RegExp(
        misses.map((m) => `'${m.typed}' \\(did you mean ${m.name}\\?\\)`).join('.*'),
      ),
    })),
  fc
    .tuple(
      fc.constantFrom('', './', '../', '.github/', 'ci/vast/', '/home/runner/'),
      fc.stringMatching(/^[a-z][a-z0-9_-]{0,12}$/),
      fc.constantFrom('.json', '.yml', '.yaml', '.JSON'),
    )
    .map(([dir, name, ext]) => ({
      input: 'permissions',
      value: `${dir}${name}${ext}`,
      expect: /looks like a file path; the action does not read files/,
    })),
  fc
    .dictionary(
      fc.constantFrom(
        'manage_instances',
        'read_instances',
        'view_billing',
        'create_instances',
        'read_machines',
        'instance_read',
        'frobnicate',
      ),
      fc.boolean(),
      { minKeys: 1, maxKeys: 4 },
    )
    .map((form) => ({
      input: 'permissions',
      value: JSON.stringify(form),
      expect: /it is in the boolean form .* The API maps each category to \{\}/,
    })),
  fc
    .tuple(fc.constantFrom('instance_read', 'misc'), fc.integer({ min: 1, max: 3 }))
    .map(([category, depth]) => ({
      input: 'permissions',
      value: `api:\n${'  '.repeat(depth - 1)}\t${category}: {}`,
      expect: /indent with spaces/,
    })),
  fc
    .tuple(
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
      fc.integer({ min: 0, max: 4 }),
      fc.boolean(),
    )
    .map(([key, depth, yaml]) => {
      const path = ['api', 'instance_write', 'api.instance.destroy', 'constraints', 'id']
      const parts = path.slice(0, depth)
      let json: unknown = { [key]: { eq: 1 } }
      for (const part of [...parts].reverse()) json = { [part]: json }
      const yamlText = [...parts, `${key}: { eq: 1 }`]
        .map((part, i) => `${'  '.repeat(i)}${part}${i < parts.length ? ':' : ''}`)
        .join('\n')
      const text = yaml ? yamlText : JSON.stringify(json)
      return {
        input: 'permissions',
        value: text,
        expect: new RegExp(`the key '${key}' \\(at [^)]*${key}\\) is not allowed`),
      }
    }),
  fc
    .tuple(
      fc.constantFrom('https://console.vast.ai', 'https://vast.example/prefix'),
      fc.constantFrom('/api/v0', '/api/v0/', '/API/v0//'),
    )
    .map(([base, suffix]) => ({
      input: 'api-url',
      value: `${base}${suffix}`,
      expect: new RegExp(
        `^Input 'api-url': it ends with /api/v0.*using ${base.replace(/[./]/g, '\\$&')}\\.`,
      ),
      parses: true,
    })),
  fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: 19 }).map((key) => ({
    input: 'admin-api-key',
    value: key,
    expect: new RegExp(`^Input 'admin-api-key': it is only ${key.length} characters long`),
  })),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/).map((label) => ({
    input: 'api-url',
    value: `http://${label}.localhost:8080`,
    expect: /^Input 'api-url': plain http is only allowed to this machine/,
  })),
)

/** Parses the inputs with one mistake; returns what is wrong with the outcome. */
export async function mistakeProblem(mistake: Mistake): Promise<string | undefined> {
  const inputs: Record<string, string> = {
    'admin-api-key': 'k'.repeat(32),
    permissions: 'instance_read',
    [mistake.input]: mistake.value,
  }
  try {
    const settings = await parseInputs(
      { getInput: (name) => (inputs[name] ?? '').trim(), env: {} },
      { onSecret: () => {}, loadYaml: () => Promise.resolve(parseYaml) },
    )
    if (!mistake.parses) return 'accepted'
    if (settings.apiUrl.toLowerCase().includes('/api/v0')) return `kept ${settings.apiUrl}`
    return settings.warnings.some((w) => mistake.expect.test(w))
      ? undefined
      : `no warning like ${mistake.expect}: ${JSON.stringify(settings.warnings)}`
  } catch (error) {
    if (!(error instanceof InputError)) return `threw ${String(error)}`
    if (mistake.parses) return `refused: ${error.message}`
    const named = error.problems.filter((p) => p.startsWith(`Input '${mistake.input}': `))
    if (named.length === 0) return `no message names '${mistake.input}': ${error.message}`
    return named.some((p) => mistake.expect.test(p))
      ? undefined
      : `no message like ${mistake.expect}: ${named.join(' | ')}`
  }
}
