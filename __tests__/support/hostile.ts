import fc from 'fast-check'

/**
 * Hostile text, as an attacker who controls an API answer or a key name would write it: workflow
 * commands in every form the runner reads (`::` after any leading blank, `##[` anywhere, any
 * letter case, with properties, `stop-commands` and its resume token), the escapes `%0A` `%0D`
 * `%25`, every line end the runner splits at, and pieces of the secrets: whole, cut to 12 or more
 * characters, in the other letter case, base64- and URI-encoded.
 */

const COMMANDS = [
  'stop-commands',
  'STOP-COMMANDS',
  'add-mask',
  'set-output',
  'save-state',
  'set-env',
  'add-path',
  'warning',
  'Warning',
  'error',
  'notice',
  'debug',
  'echo',
  'group',
  'endgroup',
  'add-matcher',
]

const fragment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('::', '##[', ']', '%', '%0A', '%0D', '%25', '%3A', ',') },
  { weight: 3, arbitrary: fc.constantFrom('\n', '\r', '\r\n', ' ', '\t', '\u00a0', '\u0085') },
  { weight: 2, arbitrary: fc.constantFrom('\u2028', '\u3000', '\ufeff', '\u200b', '\u001b[31m') },
  { weight: 4, arbitrary: fc.constantFrom(...COMMANDS) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '::stop-commands::pwned1234',
      '::pwned1234::',
      '##[stop-commands]pwned1234',
      '##[pwned1234]',
      '::set-output name=api-key::pwned',
      '::warning title=PWN,file=x.ts::pwned',
      '  ::error::pwned',
      '\t::notice::pwned',
      '##[error]pwned',
      '##[add-mask]x',
      '::echo::on',
      '::add-mask::pwned',
      '##[set-env name=NODE_OPTIONS]--require=/tmp/x',
      '::save-state name=key-id::1',
    ),
  },
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
)

/** What a message may put between a secret's characters: blanks, line ends, invisible characters. */
export const SEPARATORS = [
  ' ',
  '\n',
  '\r',
  '\r\n',
  '\t',
  '\u00a0',
  '\u0085',
  '\u2028',
  '\u200b',
  '\u200d',
  '\ufeff',
  '\u00ad',
  '\u0001',
  '\u001b',
] as const

/**
 * `secret` (or a piece of 12 or more of its characters, in either letter case) cut at random
 * points, with runs of separators between the pieces: a key echoed back cut into lines, or with
 * its line ends turned into spaces.
 */
export function splitSecret(secret: string): fc.Arbitrary<string> {
  const length = secret.length
  return fc
    .record({
      from: fc.nat({ max: Math.max(0, length - 12) }),
      upper: fc.boolean(),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, length - 1) }), {
        minLength: 1,
        maxLength: 8,
      }),
      gaps: fc.array(fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 3 }), {
        minLength: 8,
        maxLength: 8,
      }),
    })
    .map(({ from, upper, cuts, gaps }) => {
      const piece = upper ? secret.slice(from).toUpperCase() : secret.slice(from)
      const at = [0, ...cuts.filter((c) => c < piece.length).sort((a, b) => a - b), piece.length]
      return at
        .slice(1)
        .map((end, i) => piece.slice(at[i], end))
        .map((part, i) => (i === 0 ? part : (gaps[i - 1] ?? [' ']).join('') + part))
        .join('')
    })
}

/** A hostile string, optionally holding pieces of `secrets`. */
export function hostileText(secrets: readonly string[] = [], maxPieces = 12): fc.Arbitrary<string> {
  const pieces: fc.Arbitrary<string>[] = [fragment]
  for (const secret of secrets.filter((s) => s.length >= 12)) {
    pieces.push(
      fc.constantFrom(
        secret,
        secret.toUpperCase(),
        secret.slice(0, 12),
        secret.slice(-13).toUpperCase(),
        Buffer.from(secret).toString('base64'),
        encodeURIComponent(secret),
      ),
      splitSecret(secret),
    )
  }
  return fc
    .array(fc.oneof(...pieces), { minLength: 1, maxLength: maxPieces })
    .map((parts) => parts.join(''))
}
