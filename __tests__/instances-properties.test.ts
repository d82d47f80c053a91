import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { VastEmulator, type VastVariants } from '../emulator/vast.ts'
import { formatInstanceLabel } from '../src/core/instance-label.ts'
import { Secret } from '../src/core/secret.ts'
import { VastClient } from '../src/core/vast/client.ts'
import { DEFAULT_RETRY } from '../src/core/vast/retry.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { INSTANCE_LABEL_STATE, runInstancesPost } from '../src/action/modes/instances-post.ts'
import { createRunner } from '../src/action/runner.ts'
import { lookAlikes } from './support/instances.ts'

// Generated: whatever look-alike labels share the account, and whatever shape Vast's listing
// takes (a filter looser than exact, empty pages as null, page sizes, destroyed rows still
// listed, how a gone instance answers), the post step destroys every instance of the job and
// nothing else. The real emulator over HTTP, the real client, the real runner protocol.

const context = { repository: 'octo-org/gpu-trainer', runId: '4242', runAttempt: '1', job: 'train' }

let emulator: VastEmulator
beforeAll(async () => {
  emulator = await VastEmulator.start()
})
afterAll(async () => {
  await emulator.close()
})

const variantsArb: fc.Arbitrary<VastVariants> = fc.record({
  labelFilterMatch: fc.constantFrom('exact', 'case-insensitive', 'trimmed'),
  emptyInstances: fc.constantFrom('array', 'null'),
  defaultLimit: fc.constantFrom(25, 5),
  destroyedListedMs: fc.constantFrom(0, 60_000),
  instanceGoneDelete: fc.constantFrom(404, 200, 403),
})

const caseArb = fc.record({
  nonce: fc.stringMatching(/^[0-9a-f]{12}$/),
  mine: fc.integer({ min: 0, max: 4 }),
  // indexes into the look-alikes of the label, each seeded as an instance
  alikes: fc.array(fc.nat(), { maxLength: 30 }),
  // unrelated instances, enough to make the listing page when the filter lets them through
  noise: fc.integer({ min: 0, max: 30 }),
  variants: variantsArb,
})

async function run(label: string): Promise<string[]> {
  const lines: string[] = []
  const runner = createRunner({
    env: { [`STATE_${INSTANCE_LABEL_STATE}`]: label },
    write: (line) => lines.push(line),
    appendFile: () => {},
    setExitCode: () => {},
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
    cleanupFailure: 'warn',
    makeClient: () => Promise.resolve(client),
    budget: { deadline: () => Date.now() + 60_000 },
  })
  return lines
}

describe('instances: destroy, generated', () => {
  it('destroys every instance with exactly the job label, and no other', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async (c) => {
        emulator.setVariants(c.variants)
        const label = formatInstanceLabel({
          ...context,
          expiresAt: new Date('2099-01-01T00:00:00Z'),
          nonce: c.nonce,
        })
        const alikes = lookAlikes(label, context.repository)
        const before = new Set(emulator.liveInstances().map((i) => i.id))
        const mine = Array.from({ length: c.mine }, () => emulator.addInstance({ label }).id)
        const others = [
          ...c.alikes.map((n) => emulator.addInstance({ label: alikes[n % alikes.length] ?? '' })),
          ...Array.from({ length: c.noise }, (_, n) =>
            emulator.addInstance({ label: n % 3 === 0 ? null : `other-${n}` }),
          ),
        ].map((i) => i.id)
        const log = await run(label)
        const live = new Set(emulator.liveInstances().map((i) => i.id))
        for (const id of mine) expect(live.has(id)).toBe(false)
        for (const id of [...before, ...others]) expect(live.has(id)).toBe(true)
        expect(log.filter((l) => l.startsWith('Destroyed Vast.ai instance '))).toHaveLength(c.mine)
        // the unrelated instances of this case are not left to the next one
        for (const id of others) {
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
