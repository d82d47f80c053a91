import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { describeSchedule, runSchedule, scheduleArb } from './support/lifecycle.ts'

// Generated fault and cancel schedules through dist/ main, post and a run-aware sweep (see
// support/lifecycle.ts). A small fixed-seed sample here; `npm run test:faults` runs more.

describe('randomised lifecycle', () => {
  it('leaves no key of the job live and leaks no secret, whatever the schedule', async () => {
    await fc.assert(
      fc.asyncProperty(scheduleArb, async (schedule) => {
        const result = await runSchedule(schedule)
        expect({ schedule: describeSchedule(schedule), problems: result.problems }).toEqual({
          schedule: describeSchedule(schedule),
          problems: [],
        })
      }),
      { numRuns: 4, seed: 10, endOnFailure: true },
    )
  }, 180_000)
})
