import { inspect } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { Secret } from '../src/core/secret.ts'
import { scenario } from './support/action.ts'
import {
  badInputCase,
  badInputProblem,
  credentialCase,
  credentialProblem,
  leakCase,
  leaksFor,
  mistakeCase,
  mistakeProblem,
} from './support/generated.ts'

// Generated cases (see support/generated.ts). `npm run test:faults` runs more of them and prints
// the counts.

describe('Secret', () => {
  it.each([['abc'], ['%0A::add-mask::x'], ['']])('never prints %j', (value) => {
    const secret = new Secret(value)
    expect(String(secret)).toBe('***')
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the point of the test
    expect(`${secret}`).toBe('***')
    expect(JSON.stringify({ secret })).toBe('{"secret":"***"}')
    expect(inspect(secret)).toBe('Secret(***)')
    expect(inspect({ nested: { secret } }, { depth: 5 })).toContain('Secret(***)')
    expect(secret.reveal()).toBe(value)
  })
})

describe('leaks (built action, debug on)', () => {
  it('never shows a generated key or parent key, on the happy path or an error path', async () => {
    await fc.assert(
      fc.asyncProperty(leakCase, async ([parent, child, path]) => {
        expect(await leaksFor(parent, child, path)).toEqual([])
      }),
      { numRuns: 20 },
    )
  }, 120_000)
})

describe('bad input (generated)', () => {
  it('either parses or names the input, and never throws anything else', async () => {
    await fc.assert(
      fc.asyncProperty(badInputCase, async ([input, value]) => {
        expect(await badInputProblem(input, value)).toBeUndefined()
      }),
      { numRuns: 600 },
    )
  })

  it('a credential with blanks or line ends: refused, only its long pieces masked', async () => {
    await fc.assert(
      fc.asyncProperty(credentialCase, async (c) => {
        expect(await credentialProblem(c)).toBeUndefined()
      }),
      { numRuns: 300, seed: 7 },
    )
  })

  it('first mistakes (generated variations): each named with its fix', async () => {
    await fc.assert(
      fc.asyncProperty(mistakeCase, async (mistake) => {
        expect(await mistakeProblem(mistake)).toBeUndefined()
      }),
      { numRuns: 400, seed: 13 },
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
            expect(main.conclusion).toBe('failure')
            const errors = main.annotations.filter((a) => a.level === 'error')
            expect(errors.map((a) => a.message).join('\n')).toMatch(new RegExp(`Input '${input}'`))
            expect(main.log.join('\n')).not.toMatch(/\s+at \S+ \(.*:\d+:\d+\)/)
          },
        ),
        { numRuns: 12 },
      )
      expect(s.emulator.requestsFor('create')).toEqual([])
    } finally {
      await s.close()
    }
  }, 180_000)
})
