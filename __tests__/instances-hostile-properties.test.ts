import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { VastEmulator } from '../emulator/vast.ts'
import { formatInstanceLabel } from '../src/core/instance-label.ts'
import { Secret } from '../src/core/secret.ts'
import { VastClient } from '../src/core/vast/client.ts'
import { DEFAULT_RETRY } from '../src/core/vast/retry.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { INSTANCE_LABEL_STATE, runInstancesPost } from '../src/action/modes/instances-post.ts'
import { createRunner } from '../src/action/runner.ts'
import { lookAlikes } from './support/instances.ts'

// Generated, against a hostile listing: whatever rows the v1 list makes up (ids of other
// instances given the job's label, an id named twice, a cursor that comes back), the post step
// destroys no instance that Vast, asked for it by id, shows with another label, never says it
// destroyed one it did not, and says so when it could not read every page.

const context = { repository: 'octo-org/gpu-trainer', runId: '4242', runAttempt: '1', job: 'train' }

let emulator: VastEmulator
beforeAll(async () => {
  emulator = await VastEmulator.start()
})
afterAll(async () => {
  await emulator.close()
})

async function run(label: string): Promise<{ lines: string[]; failed: boolean }> {
  const lines: string[] = []
  let failed = false
  const runner = createRunner({
    env: { [`STATE_${INSTANCE_LABEL_STATE}`]: label },
    write: (line) => lines.push(line),
    appendFile: () => {},
    setExitCode: () => (failed = true),
  })
  const client = new VastClient({
    baseUrl: emulator.url,
    apiKey: new Secret(emulator.parentKey),
    requestTimeoutMs: 5000,
    retry: { ...DEFAULT_RETRY, maxAttempts: 2 },
    fetch: await createFetch({}),
  })
  await runInstancesPost({
    runner,
    settings: { instances: 'destroy', graceMs: 0 },
    context,
    cleanupFailure: 'fail',
    makeClient: () => Promise.resolve(client),
    budget: { deadline: () => Date.now() + 60_000 },
  })
  return { lines, failed }
}

const caseArb = fc.record({
  nonce: fc.stringMatching(/^[0-9a-f]{12}$/),
  mine: fc.integer({ min: 0, max: 3 }),
  alikes: fc.array(fc.nat(), { maxLength: 8 }),
  // each listed row: which instance (index into mine ++ others) and whether it lies about its label
  rows: fc.array(fc.record({ pick: fc.nat(), lie: fc.boolean() }), { maxLength: 12 }),
  loop: fc.boolean(),
})

describe('instances: destroy against a hostile listing, generated', () => {
  it('destroys no instance Vast shows with another label, and reports only what it did', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        emulator.clearFaults()
        const label = formatInstanceLabel({
          ...context,
          expiresAt: new Date('2099-01-01T00:00:00Z'),
          nonce: c.nonce,
        })
        const alikes = lookAlikes(label, context.repository)
        const mine = Array.from({ length: c.mine }, () => emulator.addInstance({ label }).id)
        const others = c.alikes.map(
          (n) => emulator.addInstance({ label: alikes[n % alikes.length] ?? 'x' }).id,
        )
        const all = [...mine, ...others]
        const truth = new Map(emulator.liveInstances().map((i) => [i.id, i.label]))
        const rows = all.length
          ? c.rows.map(({ pick, lie }) => {
              const id = all[pick % all.length] ?? 0
              return { id, label: lie ? label : truth.get(id), cur_state: 'running' }
            })
          : []
        const page = { instances: rows, ...(c.loop ? { next_token: 'again' } : {}) }
        emulator.inject('instanceList', { type: 'status', status: 200, body: page }, c.loop ? 4 : 2)
        const { lines, failed } = await run(label)
        const live = new Set(emulator.liveInstances().map((i) => i.id))
        for (const id of others) expect(live.has(id)).toBe(true)
        const said = lines
          .map((l) => /^Destroyed Vast\.ai instance (\d+)\.$/.exec(l)?.[1])
          .filter((x): x is string => x !== undefined)
          .map(Number)
        for (const id of said) expect(mine).toContain(id)
        for (const id of said) expect(live.has(id)).toBe(false)
        // every instance of the job that the list named is gone
        const listed = new Set(rows.filter((r) => r.label === label).map((r) => r.id))
        for (const id of mine) if (listed.has(id)) expect(live.has(id)).toBe(false)
        if (c.loop) {
          expect(failed).toBe(true)
          expect(lines.join('\n')).toMatch(/was cut short/)
        }
        emulator.clearFaults()
        for (const id of [...mine, ...others]) {
          await fetch(`${emulator.url}/api/v0/instances/${id}/`, {
            method: 'DELETE',
            headers: { Authorization: `Bearer ${emulator.parentKey}` },
          })
        }
      }),
      { numRuns: 40 },
    )
  }, 120_000)
})
