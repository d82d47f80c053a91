import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'

// The instance pattern as users paste it (README, docs/): every `vastai create instance` carries the
// job's label and --cancel-unavail (else a failed schedule leaves a stopped instance that bills),
// every `vastai destroy instance` carries -y (else the CLI asks, reads "no" from CI's closed stdin,
// destroys nothing and exits 0), and the README's own example shows the destroy step too.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const pages = [
  'README.md',
  ...readdirSync(new URL('../docs/', import.meta.url))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
]
/** The shell commands of a page's yaml and shell blocks, continuation lines joined. */
const commands = (text: string) =>
  [...text.matchAll(/```(?:yaml|sh|bash)\n([\s\S]*?)```/g)].flatMap((m) =>
    (m[1] ?? '').replace(/\\\n\s*/g, ' ').split('\n'),
  )
const all = pages.flatMap((page) => commands(read(page)).map((line) => [page, line] as const))

describe('the instance pattern in the docs', () => {
  const creates = all.filter(([, line]) => /vastai create instance\b/.test(line))
  const destroys = all.filter(([, line]) => /vastai destroy instance\b/.test(line))

  it('finds the creates and destroys', () => {
    expect(creates.length).toBeGreaterThanOrEqual(2)
    expect(destroys.length).toBeGreaterThanOrEqual(2)
  })

  it.each(creates)('%s: a create carries the label and --cancel-unavail: %s', (_page, line) => {
    expect(line).toContain('--label "$VAST_INSTANCE_LABEL"')
    expect(line).toContain('--cancel-unavail')
  })

  it.each(destroys)('%s: a destroy carries -y: %s', (_page, line) => {
    expect(line).toMatch(/\s(-y|--yes)\b/)
  })

  it.each(all.filter(([, line]) => line.includes('.new_contract')))(
    '%s: the instance id is read so that a refused create fails the step: %s',
    (_page, line) => {
      // The CLI exits 0 on an HTTP error (410 no_such_ask with --cancel-unavail, say): only jq -e
      // in an assignment (its status is the step's, under bash -e) stops the job there.
      expect(line).toMatch(/^\s*[A-Z_]+=\$\(jq -e\w* \.new_contract /)
    },
  )

  it("the README's example shows the whole pattern: create, and destroy with -y", () => {
    const readme = read('README.md')
    const from = readme.indexOf('### GPU instances die with the job')
    const section = readme.slice(from, readme.indexOf('\n### ', from + 1))
    const lines = commands(section)
    expect(lines.some((l) => /vastai create instance\b/.test(l))).toBe(true)
    expect(lines.some((l) => /vastai destroy instance\b.*\s-y\b/.test(l))).toBe(true)
  })
})
