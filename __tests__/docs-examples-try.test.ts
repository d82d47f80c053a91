import { readdirSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { VastEmulator } from '../emulator/vast.ts'
import { parseKeyName } from '../src/core/key-name.ts'
import { demoParentPermissions } from '../scripts/demo-parent.ts'
import { runTry } from '../scripts/demo-try.ts'

// Every example of the README and docs/ that uses the action runs through `npm run demo -- try`
// as written: each step's `with:` becomes input=value arguments, in one process, against one
// shared Vast emulator (--emulator-url), so a chain of jobs (a key for a later job, deleted by
// id) passes its outputs on the way GitHub would. Each step's main and post must succeed.

interface Step {
  id?: string
  uses?: string
  with?: Record<string, unknown>
}
interface Job {
  outputs?: Record<string, string>
  steps?: Step[]
}
interface Example {
  page: string
  index: number
  /** The jobs in the order written, each with the steps that use the action. */
  jobs: [string, Job][]
}

const pages = [
  'README.md',
  ...readdirSync(new URL('../docs/', import.meta.url)).map((f) => `docs/${f}`),
]
const usesAction = (step: Step) => step.uses?.includes('vast-scoped-key') === true

function examples(): Example[] {
  const found: Example[] = []
  for (const page of pages) {
    const text = readFileSync(new URL(`../${page}`, import.meta.url), 'utf8')
    for (const [index, match] of [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].entries()) {
      const doc = parseYaml(match[1] ?? '') as {
        jobs?: Record<string, Job>
        steps?: Step[]
        with?: Record<string, unknown>
        permissions?: unknown
      } | null
      if (!doc) continue
      let jobs: [string, Job][] = []
      if (doc.jobs) jobs = Object.entries(doc.jobs)
      else if (doc.steps) jobs = [['steps', { steps: doc.steps }]]
      // a fragment of a step: `with:` alone, or a `permissions: |` block
      else if (doc.with) jobs = [['with', { steps: [{ uses: 'vast-scoped-key', with: doc.with }] }]]
      else if (typeof doc.permissions === 'string')
        jobs = [
          [
            'permissions',
            { steps: [{ uses: 'vast-scoped-key', with: { permissions: doc.permissions } }] },
          ],
        ]
      jobs = jobs.filter(([, job]) => (job.steps ?? []).some(usesAction))
      if (jobs.length) found.push({ page, index, jobs })
    }
  }
  return found
}

let vast: VastEmulator
beforeAll(async () => {
  vast = await VastEmulator.start({ parentPermissions: demoParentPermissions() })
  process.env.VAST_ADMIN_API_KEY = vast.parentKey
})
afterAll(async () => {
  delete process.env.VAST_ADMIN_API_KEY
  await vast.close()
})

describe('every example of the README and docs/, through npm run demo -- try', () => {
  const all = examples()

  it('finds them: each use, in the README and in docs/', () => {
    const readme = all.filter((e) => e.page === 'README.md')
    expect(readme.length).toBeGreaterThanOrEqual(6)
    const inputs = all.flatMap((e) =>
      e.jobs.flatMap(([, j]) => (j.steps ?? []).map((s) => s.with ?? {})),
    )
    expect(new Set(inputs.map((w) => (typeof w.mode === 'string' ? w.mode : 'create')))).toEqual(
      new Set(['create', 'delete', 'sweep', 'rotate']),
    )
    expect(inputs.some((w) => w['broker-url'] !== undefined)).toBe(true)
    expect(new Set(inputs.map((w) => w['secret-scope']))).toEqual(
      new Set([undefined, 'environment', 'organization']),
    )
    expect(all.some((e) => e.page.startsWith('docs/'))).toBe(true)
  })

  it.each(all.map((e) => ({ title: `${e.page} example ${e.index}`, example: e })))(
    '$title',
    async ({ example }) => {
      const needs: Record<string, Record<string, string>> = {}
      for (const [jobName, job] of example.jobs) {
        const stepOutputs: Record<string, Record<string, string>> = {}
        for (const step of job.steps ?? []) {
          if (!usesAction(step)) continue
          const args = Object.entries(step.with ?? {}).map(([name, raw]) => {
            // a later job's `${{ needs.<job>.outputs.<name> }}`: what GitHub passes on
            const value = (typeof raw === 'string' ? raw : JSON.stringify(raw)).replace(
              /\$\{\{\s*needs\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}/g,
              (_m, j: string, o: string) => needs[j]?.[o] ?? '',
            )
            return `${name}=${value}`
          })
          const printed: string[] = []
          const result = await runTry(['--emulator-url', vast.url, ...args], (l) => printed.push(l))
          const log = printed.join('\n')
          expect({ step: args, main: result?.main?.conclusion, log }).toEqual({
            step: args,
            main: 'success',
            log,
          })
          expect({ step: args, post: result?.post?.conclusion }).toEqual({
            step: args,
            post: 'success',
          })
          // what try prints comes from the shared emulator: the keys listed after are its keys
          const after = log.slice(log.indexOf('== Keys on the account after the job'))
          expect(after).toContain(`${vast.parentKeyId} `)
          if (step.id) stepOutputs[step.id] = result?.main?.outputs ?? {}
        }
        needs[jobName] = Object.fromEntries(
          Object.entries(job.outputs ?? {}).map(([name, expression]) => {
            const m = /steps\.([\w-]+)\.outputs\.([\w-]+)/.exec(expression)
            return [name, stepOutputs[m?.[1] ?? '']?.[m?.[2] ?? ''] ?? '']
          }),
        )
      }
      // No key of a job outlives it: revoke: never keys end in the example's own delete step.
      const jobKeys = vast.liveKeys().filter((k) => parseKeyName(k.name)?.kind === 'job')
      expect(jobKeys.map((k) => k.name)).toEqual([])
    },
    60_000,
  )
})
