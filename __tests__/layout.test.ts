// The tree shows the three parts side by side (docs/development.md, "Layout"): src/core/ (what the
// action and the key broker share), src/action/ (the GitHub Action) and src/broker/ (the key broker
// service). Core imports only core; the action imports core and itself; the broker imports core and
// itself. Every relative import of every source file is resolved and checked.

import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const PARTS = ['core', 'action', 'broker'] as const
type Part = (typeof PARTS)[number]
const MAY_IMPORT: Record<Part, readonly Part[]> = {
  core: ['core'],
  action: ['core', 'action'],
  broker: ['core', 'broker'],
}

/** The part a path under src/ belongs to, or undefined outside the three. */
function partOf(path: string): Part | undefined {
  const [top, part] = relative(ROOT, path).split(sep)
  return top === 'src' ? PARTS.find((p) => p === part) : undefined
}

/** Every relative import and re-export of a TypeScript file (static and dynamic). */
function relativeImports(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport\(?)\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1] ?? '')
}

const sources = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts'))
  .map((file) => join(ROOT, 'src', file))

describe('the layout: src/core, src/action, src/broker', () => {
  it('every file under src/ is in one of the three parts', () => {
    expect(sources.length).toBeGreaterThan(50)
    expect(
      sources.filter((file) => partOf(file) === undefined).map((f) => relative(ROOT, f)),
    ).toEqual([])
  })

  it.each(PARTS)('src/%s/ imports only what it may', (part) => {
    const files = sources.filter((file) => partOf(file) === part)
    expect(files.length).toBeGreaterThan(8)
    const wrong: string[] = []
    for (const file of files) {
      for (const spec of relativeImports(readFileSync(file, 'utf8'))) {
        const target = partOf(join(dirname(file), spec))
        if (!target || !MAY_IMPORT[part].includes(target))
          wrong.push(`${relative(ROOT, file)} imports ${spec}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('the checks above see a wrong import (the broker reaching into the action)', () => {
    const file = join(ROOT, 'src', 'broker', 'x.ts')
    const [spec] = relativeImports("import { run } from '../action/action.ts'")
    expect(partOf(join(dirname(file), spec ?? ''))).toBe('action')
  })
})
