import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { loadActionDefinition } from '../harness/runner.ts'
import { ACTION_YML } from './support/action.ts'

// The README's and docs/' promises checked against the interface: every input and output of
// action.yml is documented, every YAML example parses, and every step of an example that uses this
// action passes only inputs the action declares. Troubleshooting lives in docs/troubleshooting.md.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const readme = read('README.md')
const docFiles = readdirSync(new URL('../docs/', import.meta.url))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`)
const troubleshooting = read('docs/troubleshooting.md')
const action = loadActionDefinition(ACTION_YML)
const sources = [
  'inputs/index.ts',
  'inputs/modes.ts',
  'inputs/broker-client.ts',
  'inputs/matrix.ts',
  'action.ts',
]
  .map((file) => readFileSync(new URL(`../src/action/${file}`, import.meta.url), 'utf8'))
  .join('\n')

const yamlBlocks = [readme, ...docFiles.map(read)].flatMap((text) =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? ''),
)

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

  it('links every relative page from README and docs/ to a file that exists', () => {
    for (const file of ['README.md', ...docFiles]) {
      const base = new URL(`../${file}`, import.meta.url)
      for (const [, path] of read(file).matchAll(
        /\]\(((?:\.\.\/)?[A-Za-z/-]+\.md|LICENSE)(?:#[a-z0-9-]+)?\)/g,
      )) {
        expect({
          file,
          path,
          exists: (() => {
            try {
              readFileSync(new URL(path ?? '', base))
              return true
            } catch {
              return false
            }
          })(),
        }).toEqual({ file, path, exists: true })
      }
    }
    // and every #anchor in another page names one of its headings (GitHub's slugs)
    const slugs = (text: string) =>
      [...text.matchAll(/^#{1,4} (.+)$/gm)].map((m) =>
        (m[1] ?? '')
          .toLowerCase()
          .replace(/[^a-z0-9 _-]/g, '')
          .replaceAll(' ', '-'),
      )
    for (const file of ['README.md', ...docFiles]) {
      const base = new URL(`../${file}`, import.meta.url)
      for (const [, path, anchor] of read(file).matchAll(
        /\]\(((?:\.\.\/)?[A-Za-z/-]+\.md)#([a-z0-9_-]+)\)/g,
      )) {
        const target = readFileSync(new URL(path ?? '', base), 'utf8')
        expect({
          file,
          link: `${path}#${anchor}`,
          found: slugs(target).includes(anchor ?? ''),
        }).toEqual({
          file,
          link: `${path}#${anchor}`,
          found: true,
        })
      }
    }
    expect(readme).toContain('## Threat model')
    expect(readme).toContain('(docs/troubleshooting.md)')
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(30_000)
    // prose wrapped: only tables, code and links may be wider than 100 characters
    let fenced = false
    for (const line of readme.split('\n')) {
      if (line.startsWith('```')) fenced = !fenced
      if (fenced || line.startsWith('|') || !line.trim().includes(' ')) continue
      expect({ line, width: line.length <= 100 }).toEqual({ line, width: true })
    }
  })

  it('troubleshoots every input the parser can refuse, and every generic input problem', () => {
    const section = troubleshooting
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

describe('docs/troubleshooting.md for the key broker', () => {
  it('quotes only messages that src/action/modes/broker-client.ts prints (each prefix found in the code)', () => {
    const code = readFileSync(
      new URL('../src/action/modes/broker-client.ts', import.meta.url),
      'utf8',
    )
    const start = troubleshooting.indexOf('**From the key broker**')
    const block = troubleshooting.slice(start, troubleshooting.indexOf('\n**', start + 10))
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
