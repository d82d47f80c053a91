import { formatDuration, parseDuration } from '../../core/duration.ts'
import { didYouMean } from '../../core/permissions-help.ts'
import type { InputSource } from './settings.ts'

const BOOLEAN_TRUE = ['true', 'True', 'TRUE']
const BOOLEAN_FALSE = ['false', 'False', 'FALSE']

type Range = { min: number; max: number }

/** Reads raw inputs into typed values, collecting a message per bad input. */
export class Reader {
  readonly problems: string[] = []
  /** Allowed, but probably not meant: said as warnings. */
  readonly warnings: string[] = []
  readonly #source: InputSource

  constructor(source: InputSource) {
    this.#source = source
  }

  raw(name: string): string {
    return this.#source.getInput(name)
  }

  warn(input: string, text: string): void {
    this.warnings.push(`Input '${input}': ${text}`)
  }

  problem(input: string, text: string): void {
    this.problems.push(`Input '${input}': ${text}`)
  }

  text(name: string, fallback: string): string {
    return this.raw(name) || fallback
  }

  /**
   * One of `allowed`. `words` maps other words a user may write (lower-cased, such as `true`) to
   * the choice they probably meant, for the message's did-you-mean.
   */
  choice<T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: T,
    words: Readonly<Record<string, T>> = {},
  ): T {
    const value = this.text(name, fallback)
    if ((allowed as readonly string[]).includes(value)) return value as T
    const word = Object.hasOwn(words, value.toLowerCase()) ? words[value.toLowerCase()] : undefined
    this.problem(
      name,
      `'${value}' is not allowed; use one of: ${allowed.join(', ')}` +
        (word ? ` (did you mean ${word}?)` : meant(value, allowed)),
    )
    return fallback
  }

  boolean(name: string): boolean {
    const value = this.raw(name)
    if (!value || BOOLEAN_FALSE.includes(value)) return false
    if (BOOLEAN_TRUE.includes(value)) return true
    this.problem(name, `'${value}' is not a boolean; use true or false`)
    return false
  }

  duration(name: string, fallback: string, range: Range): number {
    const value = this.text(name, fallback)
    const ms = parseDuration(value)
    if (ms === undefined) {
      this.problem(
        name,
        `'${value}' is not a duration; write it like 30s, 15m, 6h or 2d` +
          durationHint(value, range),
      )
    } else if (ms < range.min || ms > range.max) {
      this.problem(
        name,
        `'${value}' is out of range; use from ${formatDuration(range.min)} to ${formatDuration(range.max)}`,
      )
    } else {
      return ms
    }
    return parseDuration(fallback) ?? 0
  }

  integer(name: string, fallback: string, range: Range): number {
    const value = this.text(name, fallback)
    const number = /^\d+$/.test(value) ? Number(value) : NaN
    if (!Number.isSafeInteger(number) || number < range.min || number > range.max) {
      this.problem(name, `'${value}' must be a whole number from ${range.min} to ${range.max}`)
      return Number(fallback) || range.min
    }
    return number
  }
}

/** Reads the inputs; throws InputError naming every bad input at once. */

const UNIT_WORDS: Record<string, string> = { ms: 'ms', s: 's', m: 'm', h: 'h', d: 'd' }

/**
 * What a duration that did not parse was probably meant to be: `6 hours` -> ` (did you mean
 * 6h?)`, or, when that guess is outside `range` (ms), that it would be out of range too; a bare
 * number -> a reminder of the units; '' otherwise. The value is the input's own text.
 */
export function durationHint(value: string, range?: Range): string {
  const spelled =
    /^(\d+)\s*(ms|millis(?:econds?)?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i.exec(
      value.trim(),
    )
  if (spelled) {
    const word = (spelled[2] ?? '').toLowerCase()
    const unit = word.startsWith('mil') ? 'ms' : (UNIT_WORDS[word] ?? word[0] ?? '')
    const guess = `${spelled[1]}${unit}`
    const ms = parseDuration(guess)
    if (range && ms !== undefined && (ms < range.min || ms > range.max)) {
      return ` (${guess} would be out of range too: use from ${formatDuration(range.min)} to ${formatDuration(range.max)})`
    }
    return ` (did you mean ${guess}?)`
  }
  if (/^\d+$/.test(value.trim()))
    return ` (a number needs its unit: ${value.trim()}s, ${value.trim()}m, ${value.trim()}h or ${value.trim()}d)`
  return ''
}

/** ` (did you mean x?)` when `value` is close to one of `allowed` (case, -/_, two edits); else ''. */
export function meant(value: string, allowed: readonly string[]): string {
  const guess = didYouMean(value, allowed)
  return guess && guess !== value ? ` (did you mean ${guess}?)` : ''
}
