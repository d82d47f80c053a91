import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { markdownTable, markdownText } from '../src/action/summary.ts'

// Outside text in the job summary renders as text (issue 18, finding 9): checked on what GitHub's
// Markdown would need to make a tag, link, image, mention, autolink, table break or new line.

const hostile = fc.string({
  unit: fc.constantFrom(...'ab@:/.w<>&![]()|*_`~\\\n\r#- '.split(''), 'www.', '://', '](', '!['),
  maxLength: 40,
})

/** The text with every backslash escape taken away: what is left is syntax. */
const unescaped = (text: string) => text.replace(/\\[\\!-/:-@[-`{-~]/g, 'E')

describe('markdownText', () => {
  it('leaves a managed key name as it is', () => {
    const name = 'gha-train [vsk2 m=job exp=20261122T150000Z repo=o/r run=1-1 job=t n=3fa9]'
    expect(markdownText(name)).toBe(name)
  })

  it('makes no tag, link, image, mention, autolink, cell break or line of any text', () => {
    fc.assert(
      fc.property(hostile, (text) => {
        const out = unescaped(markdownText(text))
        expect(out).not.toMatch(/[<>\n\r|]/)
        expect(out).not.toMatch(/\]\(|\]\[|!\[/)
        expect(out).not.toMatch(/@(?!\u200b)/)
        expect(out).not.toMatch(/:\/\/|www\./i)
        expect(out).not.toMatch(/&(?!amp;|lt;|gt;)/)
        expect(out).not.toMatch(/[*`~]/)
      }),
      { numRuns: 2000 },
    )
  })

  it('escapes every cell of a table, so a name cannot add a column', () => {
    const table = markdownTable(['Name'], [['a | b ![i](http://x/y.png) @octocat <b>']])
    expect(table).toBe(
      '| Name |\n| --- |\n| a \\| b !\\[i\\](http:\u200b//x/y.png) @\u200boctocat &lt;b&gt; |\n',
    )
  })
})
