import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { codeLiterals, fragments, proseQuotes, quoteFits, tableQuotes } from './support/messages.ts'

// Every message docs/troubleshooting.md quotes is the code's own text: each quote, cut at its
// elisions (...), must be made of the literal text of src/ (action, core and broker) (taken with the TypeScript
// compiler) and the values the code fills in. A reworded message fails here until its row follows,
// so pasting the real log line into a search of the docs finds its row.

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8')
const literals = codeLiterals()
// GitHub's own messages (the workflow is refused before the action runs) are not in our code.
const quotes = tableQuotes(read('docs/troubleshooting.md'), /Before the job starts/)

describe('quoted messages are the code’s own', () => {
  it('finds the literals of src/ and the quotes of the troubleshooting tables', () => {
    expect(literals.length).toBeGreaterThan(500)
    expect(literals).toContain("' is not a duration; write it like 30s, 15m, 6h or 2d")
    expect(quotes.length).toBeGreaterThan(50)
  })

  it.each(quotes.map((q) => [q.table, q.quote]))('%s: `%s`', (_table, quote) => {
    const unfit = fragments(quote).filter((f) => !quoteFits(f, literals))
    expect({ quote, unfit }).toEqual({ quote, unfit: [] })
  })

  // Log text quoted in prose (marked by "says", "the warning", "logged as", "the log says so:"),
  // in the pages this check owns; pages other work edits join it by being listed here.
  const prose = [
    'README.md',
    'docs/per-job-key.md',
    'docs/later-job.md',
    'docs/sweep.md',
    'docs/rotation.md',
    'docs/permissions.md',
    'docs/keyless-ci.md',
    'docs/security-model.md',
    'docs/inputs.md',
  ].flatMap((page) => proseQuotes(read(page)).map((quote) => [page, quote]))
  it('finds the log text quoted in prose', () => expect(prose.length).toBeGreaterThanOrEqual(4))
  it.each(prose)('%s: "%s"', (_page, quote) => {
    const unfit = fragments(quote ?? '').filter((f) => !quoteFits(f, literals))
    expect({ quote, unfit }).toEqual({ quote, unfit: [] })
  })

  it('fails a reworded message, a changed word and a quote from nowhere', () => {
    const fits = (q: string) => [q, fragments(q).every((f) => quoteFits(f, literals))]
    const right = "Input 'ttl': 'forever' is not a duration; write it like 30s, 15m, 6h or 2d"
    expect(fits(right)).toEqual([right, true])
    for (const wrong of [
      "Input 'ttl': 'forever' is not a valid duration; write it like 30s, 15m, 6h or 2d",
      "Input 'ttl': 'forever' is no duration; write it like 30s",
      'The flux capacitor is out of range',
      "Input 'ttl': it is not longer than create-budget (15m) ...",
    ])
      expect(fits(wrong)).toEqual([wrong, false])
  })
})
