import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'

// dist/licenses.txt (written by `npm run build`, ncc --license) ships the licence of every package
// bundled into dist/. Checked against the bundle itself: every package whose modules the bundle
// holds (ncc keeps their `node_modules/<name>/` paths as module ids) is named with a licence and
// its text, and every package named is a production dependency in the lockfile.

const dist = new URL('../dist/', import.meta.url)
const licences = readFileSync(new URL('licenses.txt', dist), 'utf8')
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { dev?: boolean; version?: string }>
}

const NAME = /^(?:@[a-z0-9._-]+\/)?[a-z0-9._-]+$/
const SPDX = /^\(?[A-Za-z0-9.+-]+(?: (?:OR|AND) [A-Za-z0-9.+-]+)*\)?$/
/** Permissive licences a bundled package may carry (the action itself is MIT). */
const PERMISSIVE = new Set(['MIT', 'ISC', 'BSD-2-Clause', 'BSD-3-Clause', 'Apache-2.0', '0BSD'])

/** The entries of ncc's licence file: `name`, `licence`, then the text, after a blank line. */
function entries(text: string): Map<string, { licence: string; text: string }> {
  const lines = text.split('\n')
  const heads: number[] = []
  for (let i = 0; i < lines.length - 1; i++) {
    const first = i === 0 || lines[i - 1] === ''
    if (first && NAME.test(lines[i] ?? '') && SPDX.test(lines[i + 1] ?? '')) heads.push(i)
  }
  const found = new Map<string, { licence: string; text: string }>()
  heads.forEach((head, n) => {
    const body = lines.slice(head + 2, heads[n + 1] ?? lines.length).join('\n')
    found.set(lines[head] ?? '', { licence: lines[head + 1] ?? '', text: body.trim() })
  })
  return found
}

function bundledPackages(): Set<string> {
  const names = new Set<string>()
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.js'))) {
    const code = readFileSync(new URL(file, dist), 'utf8')
    for (const m of code.matchAll(/node_modules\/((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)\//g)) {
      names.add(m[1] ?? '')
    }
  }
  return names
}

describe('dist/licenses.txt', () => {
  const listed = entries(licences)
  const bundled = bundledPackages()

  it('finds bundled packages in dist/ and entries in the licence file', () => {
    expect(bundled.size).toBeGreaterThan(5)
    expect(listed.size).toBeGreaterThanOrEqual(bundled.size)
  })

  it.each([...bundledPackages()].sort())(
    'names bundled package %s with its licence text',
    (name) => {
      const entry = listed.get(name)
      expect(entry).toBeDefined()
      expect(entry?.text.length).toBeGreaterThan(100)
    },
  )

  it('lists only production dependencies from the lockfile, under permissive licences', () => {
    for (const [name, entry] of listed) {
      const locked = Object.entries(lock.packages).find(([path]) =>
        path.endsWith(`node_modules/${name}`),
      )?.[1]
      expect({ name, locked: locked !== undefined, dev: locked?.dev ?? false }).toEqual({
        name,
        locked: true,
        dev: false,
      })
      const ids = entry.licence.replace(/[()]/g, '').split(/ (?:OR|AND) /)
      expect({ name, permissive: ids.every((id) => PERMISSIVE.has(id)) }).toEqual({
        name,
        permissive: true,
      })
    }
  })
})
