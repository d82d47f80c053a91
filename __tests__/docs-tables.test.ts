import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { between, expectedFiles, firstSentence, generated, ROOT } from '../scripts/docs-tables.ts'

// The inputs and outputs tables of README.md and docs/inputs.md are generated from action.yml
// (`npm run docs:tables`): they must be exactly what action.yml gives today, and a new input
// must show up in them by regenerating.

describe('generated inputs and outputs tables', () => {
  it('README.md and docs/inputs.md hold exactly what action.yml gives (else: npm run docs:tables)', async () => {
    for (const [file, { now, want }] of Object.entries(await expectedFiles()))
      expect({ file, upToDate: now === want }).toEqual({ file, upToDate: true })
  })

  it('a new input or output appears by regenerating, and a hand edit is caught', async () => {
    const yml = readFileSync(`${ROOT}action.yml`, 'utf8').replace(
      /^inputs:\n/m,
      'inputs:\n  brand-new:\n    description: A new input. More text.\n    default: x\n',
    )
    const parts = await generated(yml)
    expect(parts['README.md']?.inputs).toMatch(/\| `brand-new` +\| `x` +\| A new input\. +\|/)
    expect(parts['docs/inputs.md']?.inputs).toContain(
      '- **`brand-new`** (default `x`): A new input. More text.',
    )
    const readme = readFileSync(`${ROOT}README.md`, 'utf8')
    const edited = readme.replace('| `sweep-budget`', '| `sweep-budget2`')
    expect(between(edited, 'inputs', parts['README.md']?.inputs ?? '')).not.toContain(
      'sweep-budget2',
    )
    expect(() => between('no markers here', 'inputs', '')).toThrow(/no markers for inputs/)
  })

  it('cuts a description at its first sentence, never inside parentheses or e.g.', () => {
    expect(firstSentence('One thing. Two things.')).toBe('One thing.')
    expect(firstSentence('A (b. C) d. E')).toBe('A (b. C) d.')
    expect(firstSentence('The secret, e.g. VAST_KEY. More.')).toBe('The secret, e.g. VAST_KEY.')
    const long = `Words ${'word '.repeat(20)}(open ${'x '.repeat(20)}) end. Next.`
    const cut = firstSentence(long, 60)
    expect(cut.endsWith(' …')).toBe(true)
    expect(cut).not.toContain('(')
  })
})
