import { afterEach, describe, expect, it } from '@jest/globals'
import { scenario, shown, type Scenario } from './support/action.ts'

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
})
