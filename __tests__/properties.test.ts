import { inspect } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { InputError, parseInputs } from '../src/inputs.ts'
import { Secret } from '../src/secret.ts'
import { scenario } from './support/action.ts'

// Generated inputs. Leaks: the built action, with step debug on, over generated key values and
// error paths. Bad input: every input, generated values, always an InputError naming the input.

// Characters a key may hold in an HTTP header: letters, digits and everything that means
// something to a regex, a URL, JSON, XML, a shell or a workflow command (%, :, ::).
const KEY_CHARS = 'abcdefXYZ0189-_.~+/=%$^*()[]{}|\\?&#@!:;,\'"<>`'
const keyValue = (min: number) =>
  fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: min, maxLength: 120 })

describe('Secret', () => {
  it.each([['abc'], ['%0A::add-mask::x'], ['']])('never prints %j', (value) => {
    const secret = new Secret(value)
    expect(String(secret)).toBe('***')
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the point of the test
    expect(`${secret}`).toBe('***')
    expect(JSON.stringify({ secret })).toBe('{"secret":"***"}')
    expect(inspect(secret)).toBe('Secret(***)')
    expect(inspect({ nested: { secret } }, { depth: 5 })).not.toContain(value || 'Secret(x)')
    expect(secret.reveal()).toBe(value)
  })
})

describe('leaks (built action, debug on)', () => {
  it('never shows a generated key or parent key, on the happy path or an error path', async () => {
    let cases = 0
    await fc.assert(
      fc.asyncProperty(
        keyValue(8),
        keyValue(8),
        fc.constantFrom('happy', 'create echoes the parent key', 'delete fails', 'bad input'),
        async (parentValue, childValue, path) => {
          fc.pre(parentValue !== childValue && !parentValue.includes(childValue))
          fc.pre(!childValue.includes(parentValue))
          const values = [parentValue, childValue]
          const s = await scenario({
            emulator: { keyFactory: () => values.shift() ?? 'z'.repeat(64) },
          })
          try {
            expect(s.emulator.parentKey).toBe(parentValue)
            if (path === 'create echoes the parent key') {
              s.emulator.inject('create', {
                type: 'status',
                status: 400,
                body: { msg: `rejected key ${parentValue} (${encodeURIComponent(parentValue)})` },
              })
            }
            if (path === 'delete fails') {
              s.emulator.inject('delete', { type: 'status', status: 403 }, 10)
            }
            const inputs = s.inputs(path === 'bad input' ? { ttl: parentValue } : {})
            const main = await s.job.runMain({ inputs, debug: true })
            await s.job.runPost({ inputs, debug: true })
            if (path === 'happy' || path === 'delete fails') {
              expect(main.outputs['api-key']).toBe(childValue)
            }
            expect(s.leaks()).toEqual([])
            cases++
          } finally {
            await s.close()
          }
        },
      ),
      { numRuns: 24 },
    )
    expect(cases).toBeGreaterThanOrEqual(20)
  }, 120_000)
})

const INPUTS = [
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

describe('bad input (generated)', () => {
  it('either parses or names the input, and never throws anything else', async () => {
    const junk = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('-1', '0', '1e3', '999999999999999999999', '1.5', 'NaN', '{}', '[]', 'null'),
      fc.constantFrom('{"api":', '{"api":{"x":{}}}', 'api:\n  - a', ':::', '%0A', '\u0000', '   '),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...INPUTS), junk, async (input, value) => {
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
        } catch (error) {
          expect(error).toBeInstanceOf(InputError)
          const problems = (error as InputError).problems
          expect(problems.length).toBeGreaterThan(0)
          for (const problem of problems) expect(problem).toMatch(/^Input '[a-z-]+': \S/)
          if (input !== 'mode') {
            expect(problems.some((p) => p.startsWith(`Input '${input}'`))).toBe(true)
          }
        }
      }),
      { numRuns: 600 },
    )
  })

  it('through dist/: a message naming the input, no stack trace, no request', async () => {
    const s = await scenario()
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom('ttl', 'max-attempts', 'request-timeout', 'revoke', 'export-env', 'mode'),
          fc.string({ unit: fc.constantFrom(...'abcxyz!?%:-'), minLength: 1, maxLength: 12 }),
          async (input, value) => {
            const main = await s.job.runMain({ inputs: s.inputs({ [input]: value }) })
            const errors = main.annotations.filter((a) => a.level === 'error')
            if (main.conclusion === 'failure') {
              expect(errors.map((a) => a.message).join('\n')).toMatch(
                new RegExp(`Input '${input}'`),
              )
              expect(main.log.join('\n')).not.toMatch(/\s+at \S+ \(.*:\d+:\d+\)/)
            }
          },
        ),
        { numRuns: 12 },
      )
      expect(s.emulator.requestsFor('create')).toEqual([])
    } finally {
      await s.close()
    }
  }, 60_000)
})
