import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { loadActionDefinition } from '../harness/runner.ts'
import { ACTION_YML } from './support/action.ts'

// The README's promises checked against the interface: every input and output of action.yml is
// documented, every YAML example parses, and every step of an example that uses this action
// passes only inputs the action declares.

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const action = loadActionDefinition(ACTION_YML)
const sources = [
  'inputs/index.ts',
  'inputs/modes.ts',
  'inputs/broker.ts',
  'inputs/matrix.ts',
  'action.ts',
]
  .map((file) => readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8'))
  .join('\n')

const yamlBlocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '')

describe('README and action.yml', () => {
  const row = (name: string) => new RegExp(`\\| \`${name}\` +\\|`)

  it.each(Object.keys(action.inputs))('documents and reads input %s', (name) => {
    expect(readme).toMatch(row(name))
    expect(sources).toContain(`'${name}'`)
  })

  it.each(Object.keys(action.outputs))('documents output %s', (name) => {
    expect(readme).toMatch(row(name))
  })

  it('keeps the two contributor commands, the table of contents and the linked docs', () => {
    expect(readme).toContain('npm install && npm run demo')
    expect(readme).toMatch(/^npm test +#/m)
    expect(readFileSync(new URL('../.ci/run', import.meta.url), 'utf8')).toMatch(/^npm test$/m)
    for (const [, anchor] of readme.matchAll(/\]\(#([a-z0-9-]+)\)/g)) {
      const headings = [...readme.matchAll(/^#{2,3} (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replaceAll(' ', '-'),
      )
      expect(headings).toContain(anchor)
    }
    for (const [, path] of readme.matchAll(/\]\(((?:docs\/)?[A-Za-z-]+\.md|LICENSE)\)/g)) {
      expect(() => readFileSync(new URL(`../${path}`, import.meta.url))).not.toThrow()
    }
  })

  it('troubleshoots every input the parser can refuse, and every generic input problem', () => {
    const start = readme.indexOf('## Troubleshooting')
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1))
    const refused = new Set(
      [...sources.matchAll(/read\.problem\(\s*'([a-z-]+)'/g)].map((m) => m[1] ?? ''),
    )
    expect(refused.size).toBeGreaterThan(8)
    for (const name of refused) expect(section).toContain(`Input '${name}'`)
    for (const generic of [
      'is not a duration',
      'is out of range',
      'must be a whole number',
      'is not a boolean',
    ])
      expect(section).toContain(generic)
  })

  it('has YAML examples that parse and use only declared inputs', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(4)
    let steps = 0
    for (const block of yamlBlocks) {
      const doc: unknown = parseYaml(block)
      const jobs = (doc as { jobs?: Record<string, { steps?: unknown[] }> })?.jobs ?? {}
      for (const job of Object.values(jobs)) {
        for (const step of (job.steps ?? []) as {
          uses?: string
          with?: Record<string, unknown>
        }[]) {
          if (!step.uses?.includes('vast-scoped-key')) continue
          steps++
          for (const input of Object.keys(step.with ?? {})) {
            expect(Object.keys(action.inputs)).toContain(input)
          }
          // Every example takes the parent key from a secret, or a broker instead (then never both).
          if (step.with?.['broker-url'] === undefined) {
            expect(step.with?.['admin-api-key']).toBe('${{ secrets.VAST_ADMIN_API_KEY }}')
          } else {
            expect(step.with['admin-api-key']).toBeUndefined()
            expect(step.with['broker-url']).toMatch(/^https:\/\//)
          }
        }
      }
    }
    expect(steps).toBeGreaterThanOrEqual(5)
  })
})

describe('README troubleshooting for the key broker', () => {
  it('quotes only messages that src/modes/broker.ts prints (each prefix found in the code)', () => {
    const code = readFileSync(new URL('../src/modes/broker.ts', import.meta.url), 'utf8')
    const start = readme.indexOf('**From the key broker**')
    const block = readme.slice(start, readme.indexOf('\n**', start + 10))
    const quoted = [...block.matchAll(/^\| `([^`]+)`/gm)].map((m) => m[1] ?? '')
    expect(quoted.length).toBeGreaterThanOrEqual(10)
    for (const message of quoted) {
      const prefix = message.replace(/\s*(\.\.\.|POST|DELETE|\(|HTTP \d).*$/s, '')
      expect(prefix.length).toBeGreaterThan(10)
      expect({
        message,
        found:
          code.includes(prefix) ||
          code.includes(prefix.replace('the key broker', '${request.what}')),
      }).toEqual({ message, found: true })
    }
  })
})
