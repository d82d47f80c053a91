import { afterEach, describe, expect, it } from '@jest/globals'
import { MATRIX_SCHEDULE } from '../src/core/vast/schedule.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// The committed dist/ run as the runner runs it: action.yml's job-index, job-total and
// max-parallel default to the runner's strategy context, and reach the action's pacing. What a
// job does after a 429 shows in its debug log ("retrying in N ms"): a value the action computes,
// not a time measured.

let current: Scenario | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

/** The documented plain-text 429, naming a 50 ms interval. */
const TOO_MANY = {
  type: 'status',
  status: 429,
  body: 'API requests too frequent endpoint threshold=0.05',
} as const

function retryWait(log: string): number {
  const match = /Create API key: attempt 1 failed \(429;[^)]*\); retrying in (\d+) ms/.exec(log)
  if (!match) throw new Error(`no retry line in:\n${log}`)
  return Number(match[1])
}

describe('a job of a matrix, end to end', () => {
  it('paces its retry by its place in the matrix, from the strategy context', async () => {
    current = await scenario({
      job: { strategy: { 'job-index': 5, 'job-total': 8, 'max-parallel': 8 } },
    })
    current.emulator.inject('create', TOO_MANY)
    const main = await current.job.runMain({ inputs: current.inputs(), debug: true })
    expect(main.conclusion).toBe('success')
    // 8 jobs in classes of 4: 2 classes; job 5 is in class 1, whose slot is the second.
    const width = Math.ceil(8 / MATRIX_SCHEDULE.classSize)
    expect(retryWait(shown(main))).toBe(Math.round(((5 % width) + 1) * 50 * MATRIX_SCHEDULE.slack))
  })

  it('paces by max-parallel when it is below job-total', async () => {
    current = await scenario({
      job: { strategy: { 'job-index': 7, 'job-total': 200, 'max-parallel': 12 } },
    })
    current.emulator.inject('create', TOO_MANY)
    const main = await current.job.runMain({ inputs: current.inputs(), debug: true })
    expect(main.conclusion).toBe('success')
    const width = Math.ceil(12 / MATRIX_SCHEDULE.classSize)
    expect(retryWait(shown(main))).toBe(Math.round(((7 % width) + 1) * 50 * MATRIX_SCHEDULE.slack))
  })

  it('outside a matrix (job-total 1) keeps the plain backoff: half to one and a half intervals', async () => {
    current = await scenario()
    current.emulator.inject('create', TOO_MANY)
    const main = await current.job.runMain({ inputs: current.inputs(), debug: true })
    expect(main.conclusion).toBe('success')
    const wait = retryWait(shown(main))
    expect(wait).toBeGreaterThanOrEqual(25)
    expect(wait).toBeLessThanOrEqual(75)
  })

  it('refuses a job-index outside the matrix before any request, naming the input', async () => {
    current = await scenario()
    const main = await current.job.runMain({
      inputs: current.inputs({ 'job-index': '8', 'job-total': '8' }),
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toContain(
      "Input 'job-index': '8' is not a job of a matrix of 8 (job-total): use a whole number from 0 to 7",
    )
    expect(current.emulator.requests).toHaveLength(0)
  })
})
