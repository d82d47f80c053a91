import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { scenario, shown, type Scenario } from './support/action.ts'
import { hostileText } from './support/hostile.ts'
import { stepProblems } from './support/stream.ts'

// Two log lines the docs promise (docs/per-job-key.md, docs/permissions.md), through dist/:
// a key limited to some actions is logged with them, and a key not exported says so.

let current: Scenario | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

describe('create mode log lines', () => {
  it('names per-action limits, and says VAST_API_KEY was not exported when export-env is off', async () => {
    const s = (current = await scenario())
    const permissions =
      '{"api":{"misc":{},"instance_write":{"api.instance.destroy":{"constraints":{"id":{"lte":99}}},"api.instance.start":{}}}}'
    const main = await s.job.runMain({ inputs: s.inputs({ permissions }) })
    expect(main.conclusion).toBe('success')
    const log = shown(main)
    expect(log).toMatch(
      /Created Vast\.ai key \d+ \(instance_write\[api\.instance\.destroy\+constraints api\.instance\.start\], misc\)/,
    )
    expect(log).toContain(
      'VAST_API_KEY was not exported (export-env is off): later steps get the key from the api-key output.',
    )
  })

  it('says nothing of the kind with export-env: true, and a whole category is its name alone', async () => {
    const s = (current = await scenario())
    const main = await s.job.runMain({
      inputs: s.inputs({ permissions: 'instance-manager', 'export-env': 'true' }),
    })
    const log = shown(main)
    expect(log).toMatch(
      /\(misc, instance_read, instance_write\)|\(instance_read, instance_write, misc\)/,
    )
    expect(log).not.toContain('was not exported')
  })

  // The action names come from the workflow (any text): the log line that now names them goes
  // through the one print path, so no generated name becomes a runner command or breaks a line.
  it('a generated hostile action name: printed, never a runner command (fast-check, fixed seed)', async () => {
    const names = fc.sample(
      hostileText([], 6).filter(
        (t) => t.length > 0 && !['__proto__', 'constructor', 'prototype'].includes(t),
      ),
      { numRuns: 12, seed: 2121 },
    )
    const s = (current = await scenario())
    let printed = 0
    for (const name of names) {
      const permissions = JSON.stringify({ api: { instance_write: { [name]: {} } } })
      const main = await s.job.runMain({ inputs: s.inputs({ permissions }) })
      if (main.conclusion === 'success') printed++
      const problems = stepProblems(main, s.secrets())
      expect({ name, problems }).toEqual({ name, problems: [] })
      await s.job.runPost({ inputs: s.inputs({ permissions }) })
    }
    expect(printed).toBeGreaterThan(names.length / 2)
  }, 120_000)
})
