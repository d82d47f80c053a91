import { describe, expect, it } from '@jest/globals'
import { formatDuration, parseDuration } from '../src/core/duration.ts'

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 900_000],
    ['6h', 21_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    [' 6H ', 21_600_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms))

  it.each(['', '6', '6 h', 'h', '-5s', '1.5h', '6hours', '1e3s'])('refuses %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  )

  it('formats what it parses', () => {
    for (const text of ['30s', '15m', '6h', '2d', '1h30m', '250ms']) {
      expect(formatDuration(parseDuration(text) ?? 0)).toBe(text)
    }
  })
})
