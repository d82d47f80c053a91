import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { hostileCase, hostileProblems, type HostileCase } from './support/hostile-runs.ts'

// Issue 11 through dist/: generated hostile text in Vast error bodies (every route the action
// calls, every kind of status and body), key names from listings (sweep, rotate), GitHub error
// bodies and input values that messages quote, debug on and off. No text becomes a runner command; no secret shows in any form.
// A fixed seed keeps `npm test` repeatable; `npm run test:faults` runs many more.

export const HOSTILE_SEED = 1111
const CASES = 30

async function runAll(cases: HostileCase[], concurrency: number) {
  const failures: { c: HostileCase; problems: string[] }[] = []
  const queue = [...cases]
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const problems = await hostileProblems(c)
      if (problems.length) failures.push({ c, problems })
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return failures
}

describe('hostile text through dist/ (generated)', () => {
  it(`${CASES} cases: no command injected, no secret shown`, async () => {
    const cases = fc.sample(hostileCase, { numRuns: CASES, seed: HOSTILE_SEED })
    // every path and both debug settings are in the sample
    expect(new Set(cases.map((c) => c.path)).size).toBe(5)
    expect(new Set(cases.map((c) => c.debug)).size).toBe(2)
    expect(await runAll(cases, 3)).toEqual([])
  }, 240_000)
})
