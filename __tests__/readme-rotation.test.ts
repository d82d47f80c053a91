import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { TOKEN, rotationWorld, type RotationWorld } from './support/rotation.ts'

// The rotation steps of the README and docs/rotation.md, as pasted, through dist/ with the Vast and GitHub emulators: in a
// sequence that runs every step after every other step (each ordered pair once), every secret
// holds a live key of its own after each step. Only the expressions a runner would fill in
// change: the parent key, the App token, and where the two APIs are.

const pages = ['README.md', 'docs/rotation.md'].map((page) =>
  readFileSync(new URL(`../${page}`, import.meta.url), 'utf8'),
)

interface Step {
  name?: string
  uses?: string
  with?: Record<string, string | number | boolean>
}

function rotateSteps(): { title: string; inputs: Record<string, string> }[] {
  const found: { title: string; inputs: Record<string, string> }[] = []
  for (const block of pages.flatMap((page) => [...page.matchAll(/```yaml\n([\s\S]*?)```/g)])) {
    const doc = parseYaml(block[1] ?? '') as { jobs?: Record<string, { steps?: Step[] }> }
    for (const job of Object.values(doc?.jobs ?? {})) {
      for (const step of job.steps ?? []) {
        if (!step.uses?.includes('vast-scoped-key') || step.with?.mode !== 'rotate') continue
        const inputs = Object.fromEntries(Object.entries(step.with).map(([k, v]) => [k, String(v)]))
        found.push({ title: step.name ?? `step ${found.length + 1}`, inputs })
      }
    }
  }
  return found
}

/** A walk over 0..n-1 that takes every ordered pair (a, b), a ≠ b, once (Hierholzer). */
function everyOrderedPair(n: number): number[] {
  const next = Array.from({ length: n }, (_, a) =>
    Array.from({ length: n }, (_, b) => b).filter((b) => b !== a),
  )
  const stack = [0]
  const walk: number[] = []
  while (stack.length) {
    const top = stack[stack.length - 1] ?? 0
    const to = next[top]?.shift()
    if (to === undefined) walk.push(stack.pop() ?? 0)
    else stack.push(to)
  }
  return walk.reverse()
}

let world: RotationWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

describe('the rotation examples of the README and docs/rotation.md, as pasted', () => {
  const steps = rotateSteps()

  it('are there: a repository, an environment and an organisation secret', () => {
    const scopes = steps.map((s) => s.inputs['secret-scope'] ?? 'repository')
    expect(new Set(scopes)).toEqual(new Set(['repository', 'environment', 'organization']))
  })

  it('every step after every other: every secret keeps a live key of its own', async () => {
    const w = (world = await rotationWorld())
    w.github.addRepository('octo-org/deployer')
    w.github.addRepository('octo-org/trainer')
    const order = everyOrderedPair(steps.length)
    expect(order.length).toBe(steps.length * (steps.length - 1) + 1)
    for (const index of order) {
      const step = steps[index]
      if (!step) throw new Error('no step')
      const inputs: Record<string, string> = {
        ...step.inputs,
        'admin-api-key': w.s.emulator.parentKey,
        'github-token': TOKEN,
        'api-url': w.s.emulator.url,
        'github-api-url': w.github.url,
      }
      for (const [name, value] of Object.entries(step.inputs)) {
        // every other ${{ }} would be left unfilled: the test would not run the step as pasted
        if (!['admin-api-key', 'github-token'].includes(name)) expect(value).not.toContain('${{')
      }
      const main = await w.s.job.runMain({ inputs })
      await w.s.job.runPost({ inputs })
      expect([step.title, main.conclusion]).toEqual([step.title, 'success'])
      expect([step.title, w.brokenSecrets()]).toEqual([step.title, []])
    }
    expect(w.github.secrets()).toHaveLength(3)
  }, 180_000)
})
