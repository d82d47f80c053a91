import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { explainJsonError } from '../src/core/json-problem.ts'
import { parsePermissions } from '../src/core/permissions.ts'

const explain = (text: string): string => {
  try {
    JSON.parse(text)
  } catch (error) {
    return explainJsonError(text, error)
  }
  throw new Error(`valid JSON: ${text}`)
}

describe('JSON typos in permissions', () => {
  it.each([
    [
      `{'api': {}}`,
      'line 1, column 2: names and strings take double quotes ("api"), not single quotes',
    ],
    [
      '{"api": {"misc": {},}}',
      'line 1, column 21: remove the comma before this closing bracket (JSON allows no trailing comma)',
    ],
    ['{\n  "api": {\n    misc: {}}}', 'line 3, column 5: put the name in double quotes ("misc")'],
    ['{"api":', 'line 1, column 8: the text ends early: a closing } or ] or a value is missing'],
  ])('%j', (text, expected) => {
    expect(explain(text)).toBe(expected)
  })

  it('names the input, the line and the column', () => {
    expect(() => parsePermissions(`{"api": {'misc': {}}}`)).toThrow(
      `it is not valid JSON at line 1, column 10: names and strings take double quotes ("api"), not single quotes`,
    )
  })

  it('any text JSON.parse refuses gets a line and column inside the text (generated)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        let refused = false
        try {
          JSON.parse(text)
        } catch {
          refused = true
        }
        fc.pre(refused)
        const m = /^line (\d+), column (\d+): \S/.exec(explain(text))
        expect(m).not.toBeNull()
        const lines = text.split('\n')
        const line = Number(m?.[1])
        expect(line).toBeGreaterThanOrEqual(1)
        expect(line).toBeLessThanOrEqual(lines.length)
        expect(Number(m?.[2])).toBeLessThanOrEqual((lines[line - 1]?.length ?? 0) + 1)
      }),
      { numRuns: 300 },
    )
  })
})
