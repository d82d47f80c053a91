// The runner's secret masking (actions/runner: SecretMasker, ValueEncoders, HostContext and the
// add-mask command), reproduced so that a test sees the log exactly as GitHub would show it.

/** Uri.EscapeDataString: RFC 3986 unreserved characters stay, everything else is %XX (UTF-8). */
function uriDataEscape(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
}

/** Newtonsoft JsonConvert.ToString without the surrounding quotes. */
function jsonStringEscape(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/** System.Security.SecurityElement.Escape. */
function xmlDataEscape(value: string): string {
  return value.replace(/[<>"'&]/g, (c) => {
    switch (c) {
      case '<':
        return '&lt;'
      case '>':
        return '&gt;'
      case '"':
        return '&quot;'
      case "'":
        return '&apos;'
      default:
        return '&amp;'
    }
  })
}

/**
 * Base64 of the value, and of the value without its first one or two bytes: a secret that follows
 * a prefix of unknown length (base64 of `user:password`) starts at one of three byte alignments.
 */
function base64Shifted(value: string, shift: number): string {
  const bytes = Buffer.from(value, 'utf8')
  return (bytes.length > shift ? bytes.subarray(shift) : bytes).toString('base64')
}

/** The encoders HostContext registers, in its order. */
const valueEncoders: ReadonlyArray<(value: string) => string> = [
  (v) => base64Shifted(v, 0),
  (v) => base64Shifted(v, 1),
  (v) => base64Shifted(v, 2),
  (v) => v.replaceAll("'", "''"), // ExpressionStringEscape
  jsonStringEscape,
  uriDataEscape,
  xmlDataEscape,
  (v) => (v.length > 8 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : ''), // TrimDoubleQuotes
]

/** Every string SecretMasker.AddValue(value) will replace: the value and its encoded forms. */
export function encodedForms(value: string): string[] {
  if (value === '') return []
  const forms = new Set<string>([value])
  for (const encode of valueEncoders) {
    const encoded = encode(value)
    if (encoded !== '') forms.add(encoded)
  }
  return [...forms]
}

/**
 * The values one `::add-mask::` registers: the whole value and, for a multi-line value, each
 * non-empty trimmed line (child output reaches the log one line at a time).
 */
export function maskValuesFor(value: string): string[] {
  if (value.trim() === '') return []
  const values = [value]
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/[\r\n]/)) {
      const trimmed = line.trim()
      if (trimmed !== '' && !values.includes(trimmed)) values.push(trimmed)
    }
  }
  return values
}

/** A job-wide masker: what the runner's HostContext.SecretMasker holds. */
export class SecretMasker {
  readonly #originals = new Set<string>()
  readonly #patterns = new Set<string>()

  /** SecretMasker.AddValue: the value plus its encoded forms; empty values are ignored. */
  addValue(value: string): void {
    if (value === '' || this.#originals.has(value)) return
    this.#originals.add(value)
    for (const form of encodedForms(value)) this.#patterns.add(form)
  }

  /** What `::add-mask::value` registers (whole value and each trimmed line). */
  addMask(value: string): void {
    for (const v of maskValuesFor(value)) this.addValue(v)
  }

  get size(): number {
    return this.#patterns.size
  }

  /**
   * SecretMasker.MaskSecrets: find every occurrence of every pattern, merge overlapping ranges,
   * replace each merged range with `***`.
   */
  mask(input: string): string {
    if (input === '' || this.#patterns.size === 0) return input
    const ranges: Array<[number, number]> = []
    for (const pattern of this.#patterns) {
      let at = input.indexOf(pattern)
      while (at >= 0) {
        ranges.push([at, at + pattern.length])
        at = input.indexOf(pattern, at + 1)
      }
    }
    if (ranges.length === 0) return input
    ranges.sort((a, b) => a[0] - b[0])
    let out = ''
    let cursor = 0
    let current: [number, number] | undefined
    for (const range of ranges) {
      if (current && range[0] <= current[1]) {
        current[1] = Math.max(current[1], range[1])
        continue
      }
      if (current) {
        out += input.slice(cursor, current[0]) + '***'
        cursor = current[1]
      }
      current = [range[0], range[1]]
    }
    if (current) {
      out += input.slice(cursor, current[0]) + '***'
      cursor = current[1]
    }
    return out + input.slice(cursor)
  }
}

/**
 * Mask one line as the runner would once each of `masks` had been registered through
 * `::add-mask::`: the value, each trimmed line of a multi-line value, their base64 (three
 * alignments), expression-, JSON-, URI- and XML-escaped forms; overlapping matches merge into one
 * `***`.
 */
export function applyMasks(line: string, masks: readonly string[]): string {
  const masker = new SecretMasker()
  for (const mask of masks) masker.addMask(mask)
  return masker.mask(line)
}

/** What @actions/core does to a command's data (toCommandValue + escapeData). */
export function escapeCommandData(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A')
}

const ADD_MASK = '::add-mask::'

/** The forms of a secret a leak check looks for: raw, base64 (three alignments), JSON, URI. */
function leakForms(secret: string): string[] {
  const forms = new Set<string>([secret])
  // Shifted base64 of a very short value is too short to mean anything.
  if (secret.length >= 8) {
    for (const shift of [0, 1, 2]) forms.add(base64Shifted(secret, shift))
  }
  forms.add(jsonStringEscape(secret))
  forms.add(uriDataEscape(secret))
  forms.delete('')
  return [...forms]
}

/**
 * The secrets that appear in `text` anywhere other than their own `::add-mask::<secret>` line
 * (raw, or base64-, JSON- or URI-encoded). The add-mask line is recognised as @actions/core writes
 * it, with the command's data escaping and optional leading whitespace.
 */
export function findLeaks(text: string, secrets: readonly string[]): string[] {
  const leaks: string[] = []
  for (const secret of secrets) {
    if (secret === '') continue
    const ownData = escapeCommandData(secret)
    const rest = text
      .split('\n')
      .filter((line) => {
        const trimmed = line.replace(/\r$/, '').trimStart()
        const isOwnMaskLine =
          trimmed.slice(0, ADD_MASK.length).toLowerCase() === ADD_MASK &&
          trimmed.slice(ADD_MASK.length) === ownData
        return !isOwnMaskLine
      })
      .join('\n')
    if (leakForms(secret).some((form) => rest.includes(form))) leaks.push(secret)
  }
  return leaks
}
