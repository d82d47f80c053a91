// Every path of this repository that README.md, CONTRIBUTING.md, SECURITY.md and docs/*.md name
// (`src/core/…`, `harness/runner.ts`, `.ci/run`, in backticks or not) still exists, so a move
// (issue 22: src/modes -> src/action/modes, broker/ -> src/broker/) cannot leave the docs pointing
// at files that are gone. CHANGELOG.md is history and keeps the names of its day.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** The tree's top folders, and broker/, gone since issue 22 (src/broker/): a path under it is stale. */
const TOPS = [
  'src',
  'broker',
  '__tests__',
  'emulator',
  'harness',
  'scripts',
  'docs',
  'dist',
  '.github',
  '.ci',
]

/** Names that look like repository paths but are not: placeholders, and another repository's. */
const NOT_OURS = [
  /^__tests__\/[xy]\.test\.ts$/, // "npm test -- __tests__/x.test.ts"
  /^src\/Runner\./, // actions/runner's source tree, quoted in docs/security.md and rate-limits.md
]

/** Every repository path a text names: a top-level folder of the tree, then a path. */
function namedPaths(text: string): string[] {
  const found = text.matchAll(
    new RegExp(
      `(?<![\\w./-])((?:${TOPS.map((t) => t.replace('.', '\\.')).join('|')})/[\\w./*-]*[\\w*/-])`,
      'g',
    ),
  )
  return [...new Set([...found].map((m) => m[1] ?? ''))].filter(
    (path) => !NOT_OURS.some((re) => re.test(path)),
  )
}

/** Whether a path exists; `*` in its last part matches any file name part. */
function exists(path: string): boolean {
  if (!path.includes('*')) return existsSync(join(ROOT, path))
  const dir = join(ROOT, dirname(path))
  const name = new RegExp(
    `^${basename(path)
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')}$`,
  )
  return existsSync(dir) && readdirSync(dir).some((file) => name.test(file))
}

const docs = [
  'README.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => `docs/${file}`),
]

describe('paths named in the docs', () => {
  it.each(docs)('every repository path in %s exists', (file) => {
    const paths = namedPaths(readFileSync(join(ROOT, file), 'utf8'))
    expect(paths.filter((path) => !exists(path))).toEqual([])
  })

  it('finds the paths it checks, and sees a stale one', () => {
    const text =
      'moved: `src/modes/create.ts`, broker/policy.ts and (src/core/vast/client.ts); `.ci/run`, ' +
      'emulator/vast-*.ts, see src/Runner.Worker/ActionRunner.cs and npm test -- __tests__/x.test.ts'
    const paths = namedPaths(text)
    expect(paths).toEqual([
      'src/modes/create.ts',
      'broker/policy.ts',
      'src/core/vast/client.ts',
      '.ci/run',
      'emulator/vast-*.ts',
    ])
    expect(paths.filter((path) => !exists(path))).toEqual([
      'src/modes/create.ts',
      'broker/policy.ts',
    ])
    expect(docs.length).toBeGreaterThan(10)
  })
})
