import { appendFileSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { EOL } from 'node:os'
import { Secret } from '../core/secret.ts'

/**
 * The runner's side of a JavaScript action, reduced to what this action uses, and the one place
 * where the action's text reaches the runner.
 *
 * `@actions/core` does the same job, but importing it loads its OIDC HTTP client and with it a
 * copy of undici (about 1 MB) before the first line runs; the protocol itself is small and
 * documented (workflow commands on stdout, file commands in GITHUB_OUTPUT/STATE/ENV and the step
 * summary), so it lives here. `__tests__/runner-conformance.test.ts` drives the same calls through
 * this file and through `@actions/core` and compares the bytes; docs/runner-protocol.md lists
 * the differences that are kept on purpose.
 *
 * **The chokepoint.** Every method that writes text (info, debug, notice, warning, error,
 * setFailed, setOutput, exportVariable, appendSummary, annotation properties) passes it through
 * `present()`: every registered secret is scrubbed (see {@link SecretScrubber}), then every form of
 * workflow command the runner would read in it is neutralised (see {@link neutraliseCommands}).
 * Only the action's own fixed command lines (`::add-mask::`, and the `::name::` wrapper of an
 * annotation or debug line) are written around it. Nothing else under src/ may write to stdout,
 * stderr or the console: eslint.config.js refuses it, and __tests__/runner-chokepoint.test.ts
 * checks that rule.
 */
export interface Runner {
  /** The raw input value as the runner passed it (`INPUT_<NAME>`), trimmed. */
  getInput(name: string): string
  getState(name: string): string
  /**
   * Asks the runner to mask `value` (`::add-mask::`) and registers it, each of its trimmed lines
   * and their encoded forms with the scrubber. An empty or whitespace-only value is not sent: the
   * runner refuses it with a warning annotation and masks nothing. A line of a multi-line value
   * shorter than {@link MIN_SECRET_LINE} is neither registered nor sent: such a value is sent line
   * by line, its long lines only (the runner would mask a short line everywhere).
   */
  setSecret(value: string): void
  /**
   * A step output. A `Secret` is written as it is (the output hands the key out; it is masked
   * first); any other text goes through the chokepoint.
   */
  setOutput(name: string, value: string | Secret): void
  /** State for the post step: the action's own values, written exactly (they must round-trip). */
  saveState(name: string, value: string): void
  /** An environment variable for this and later steps; a `Secret` is written as it is. */
  exportVariable(name: string, value: string | Secret): void
  appendSummary(markdown: string): void
  isDebug(): boolean
  debug(message: string): void
  info(message: string): void
  notice(message: string, properties?: AnnotationProperties): void
  warning(message: string, properties?: AnnotationProperties): void
  error(message: string, properties?: AnnotationProperties): void
  setFailed(message: string): void
}

/** The annotation properties the runner reads (`@actions/core`'s AnnotationProperties). */
export interface AnnotationProperties {
  title?: string
  file?: string
  line?: number
  endLine?: number
  col?: number
  endColumn?: number
}

export interface RunnerIo {
  env: NodeJS.ProcessEnv
  write(line: string): void
  appendFile(path: string, text: string): void
  setExitCode(code: number): void
}

const defaultIo: RunnerIo = {
  env: process.env,
  write: (line) => process.stdout.write(line + EOL),
  appendFile: (path, text) => appendFileSync(path, text, { encoding: 'utf8' }),
  setExitCode: (code) => {
    process.exitCode = code
  },
}

/** A command's data, escaped as the runner unescapes it (ActionCommand._escapeDataMappings). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A command property, escaped as the runner unescapes it (_escapePropertyMappings). */
function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
}

/**
 * What breaks `::` and `##[`: a plain space, visible on purpose. Not a zero-width character: the
 * runner finds `::` and `##[` with .NET's culture-sensitive `StartsWith`/`IndexOf`, which on ICU
 * skip characters such as U+200B; a space is never skipped (and is no command character).
 */
const BREAK = ' '

/**
 * What the runner's `TrimStart()` may skip before `::` (.NET `char.IsWhiteSpace`: Unicode
 * separators, tab to CR, U+0085, U+00A0), widened to every control and format character.
 */
const LEADING = /^[\s\p{Z}\p{Cc}\p{Cf}]*/u

/**
 * Neutralises every workflow command the runner would read in `text`, changing one character.
 *
 * The runner reads a step's stdout/stderr one line at a time, `StreamReader.ReadLine`, so a line
 * ends at LF, CR or CRLF (actions/runner src/Runner.Sdk/ProcessInvoker.cs, StartReadStream). A
 * line holding `##[` or `::` goes to ActionCommandManager.TryProcessCommand
 * (src/Runner.Worker/Handlers/OutputManager.cs, OnDataReceived), which tries two parsers
 * (src/Runner.Common/ActionCommand.cs):
 * - TryParseV2: `::name props::data` at the start of the line after `TrimStart()`;
 * - TryParse, the legacy form: `##[name props]data` **anywhere** in the line.
 * Command names are matched case-insensitively, and `stop-commands` adds its token as a command.
 * So in every line: a `::` that starts it after leading blanks gets a space between its colons
 * (`: :`), and every `##[` gets one before its bracket (`## [`). Line ends are kept as they are. The
 * runner's `%` escapes matter only inside a command line the action writes itself: its data and
 * properties are escaped there ({@link escapeData}), after this.
 */
export function neutraliseCommands(text: string): string {
  const parts = text.split(/(\r\n|\r|\n)/)
  for (let i = 0; i < parts.length; i += 2) {
    let line = (parts[i] ?? '').replaceAll('##[', `##${BREAK}[`)
    const lead = LEADING.exec(line)?.[0].length ?? 0
    if (line.startsWith('::', lead)) {
      line = `${line.slice(0, lead)}:${BREAK}${line.slice(lead + 1)}`
    }
    parts[i] = line
  }
  return parts.join('')
}

/** A run of this many characters of a secret (or of an encoded form) is scrubbed. */
export const SECRET_RUN = 12

/** Lower case, one UTF-16 unit for one: positions in the folded text match the original. */
function fold(text: string): string {
  // ASCII (most lines): lower case is one unit for one already, without a string per character.
  if (ASCII.test(text)) return text.toLowerCase()
  let out = ''
  for (const ch of text) {
    const lower = ch.toLowerCase()
    out += lower.length === ch.length ? lower : ch
  }
  return out
}

/**
 * The forms the runner's masker registers for a value (actions/runner HostContext: base64 at
 * three byte alignments, and the expression-, JSON-, URI- and XML-escaped strings).
 */
function encodedForms(value: string): string[] {
  const bytes = Buffer.from(value, 'utf8')
  const base64 = [0, 1, 2]
    .filter((shift) => bytes.length > shift + 2)
    .map((shift) => bytes.subarray(shift).toString('base64'))
  const json = JSON.stringify(value).slice(1, -1)
  const uri = encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  )
  const xml = value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;')
  return [value, ...base64, json, uri, xml, value.replaceAll("'", "''")]
}

/**
 * What may stand between the characters of a secret echoed back: line ends (a message put on one
 * line turns them into spaces), blanks, control and format characters (zero-width ones included).
 * The scrubber also matches a secret with any of these removed.
 */
const SEPARATOR = /[\s\p{Z}\p{Cc}\p{Cf}]/u
const SEPARATORS = new RegExp(`${SEPARATOR.source}+`, 'gu')
const ASCII = /^[\x00-\x7f]*$/

/**
 * A line of a multi-line secret shorter than this is not registered (nor sent to the runner on
 * its own: see {@link createRunner}'s setSecret). A line of a few characters gives little away
 * when it shows, while masking it would hide every occurrence of it in the log (a line `e` turns
 * every `e` into `***`) and show the secret by the holes it leaves. Same as the inputs'
 * MASKED_SECRET_LENGTH (src/action/inputs/settings.ts).
 */
export const MIN_SECRET_LINE = 8

/** The lines of a value worth masking on their own: trimmed, {@link MIN_SECRET_LINE} or longer. */
export function maskableLines(value: string): string[] {
  return value
    .split(/[\r\n]+/)
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_SECRET_LINE)
}

/**
 * `text` without separators, and for each of its UTF-16 units the index it came from. Found run
 * by run rather than character by character: a long text (a sweep's deleted-keys output) costs
 * one array and one string, not a string per character (issue 20: the sweep's peak memory).
 */
function compact(text: string): { text: string; at: number[] } {
  const at: number[] = []
  let kept = 0
  let found = false
  for (const run of text.matchAll(SEPARATORS)) {
    for (let i = kept; i < run.index; i++) at.push(i)
    kept = run.index + run[0].length
    found = true
  }
  for (let i = kept; i < text.length; i++) at.push(i)
  return { text: found ? text.replace(SEPARATORS, '') : text, at }
}

/** A number for the {@link SECRET_RUN} units of `text` from `from` (a polynomial, mod 2^32). */
function runHash(text: string, from: number): number {
  let hash = 0
  for (let k = from; k < from + SECRET_RUN; k++)
    hash = (Math.imul(hash, 31) + text.charCodeAt(k)) | 0
  return hash
}

/** 31 ** (SECRET_RUN - 1), mod 2^32: what the first unit of a run weighs in its hash. */
const RUN_LEAD = Array.from({ length: SECRET_RUN - 1 }).reduce<number>(
  (power) => Math.imul(power, 31),
  1,
)

/**
 * The secrets this step registered, and their removal from text. A value is registered whole,
 * with each of its trimmed lines of {@link MIN_SECRET_LINE} or more characters (as `::add-mask::`
 * does, less the short lines) and the encoded forms the runner also masks. In text, letter case
 * is ignored, and every run of {@link SECRET_RUN} or more consecutive characters of a form is
 * replaced: a message that quotes a key cut short, or upper-cased, shows `***` too. Forms shorter
 * than that are replaced where they occur whole. Separators ({@link SEPARATOR}) are ignored on
 * both sides: a key echoed cut into lines, or with spaces or zero-width characters between its
 * characters, is matched as if they were not there, and replaced from its first character to its
 * last. Overlapping matches merge into one `***`, as the runner's masker does.
 */
export class SecretScrubber {
  readonly #runs = new Set<string>()
  /** The hashes of #runs: most positions of a text are ruled out without a string made. */
  readonly #runHashes = new Set<number>()
  readonly #short = new Set<string>()
  readonly #values = new Set<string>()

  /** Registers a value (what `::add-mask::` registers: the whole and each long trimmed line). */
  add(value: string): void {
    const values = [value, ...maskableLines(value)]
    for (const one of values) {
      if (one.trim() === '' || this.#values.has(one)) continue
      this.#values.add(one)
      for (const form of encodedForms(one).map((f) => compact(fold(f)).text)) {
        if (form === '') continue
        // A multi-line value is matched whole; runs come from each of its lines.
        if (form.length < SECRET_RUN || /[\r\n]/.test(one)) {
          this.#short.add(form)
          continue
        }
        for (let i = 0; i + SECRET_RUN <= form.length; i++) {
          this.#runs.add(form.slice(i, i + SECRET_RUN))
          this.#runHashes.add(runHash(form, i))
        }
      }
    }
  }

  /** True when `value` is exactly a registered value. */
  has(value: string): boolean {
    return this.#values.has(value)
  }

  scrub(text: string): string {
    if (this.#values.size === 0 || text === '') return text
    const { text: folded, at } = compact(fold(text))
    const ranges: [number, number][] = []
    // A match in the compacted text covers the original from its first character to its last.
    const add = (from: number, to: number) => ranges.push([at[from] ?? 0, (at[to - 1] ?? 0) + 1])
    for (const form of this.#short) {
      for (let i = folded.indexOf(form); i >= 0; i = folded.indexOf(form, i + 1)) {
        add(i, i + form.length)
      }
    }
    // A rolling hash picks the positions worth a look; the look itself compares the strings.
    let hash = folded.length >= SECRET_RUN ? runHash(folded, 0) : 0
    for (let i = 0; i + SECRET_RUN <= folded.length; i++) {
      if (i > 0) {
        const dropped = Math.imul(folded.charCodeAt(i - 1), RUN_LEAD)
        hash = (Math.imul(hash - dropped, 31) + folded.charCodeAt(i + SECRET_RUN - 1)) | 0
      }
      if (this.#runHashes.has(hash) && this.#runs.has(folded.slice(i, i + SECRET_RUN))) {
        add(i, i + SECRET_RUN)
      }
    }
    if (ranges.length === 0) return text
    ranges.sort((a, b) => a[0] - b[0])
    let out = ''
    let cursor = 0
    let end = -1
    for (const [from, to] of ranges) {
      if (from > end) {
        if (end >= 0) out += '***'
        out += text.slice(cursor, from)
      }
      end = Math.max(end, to)
      cursor = end
    }
    return out + '***' + text.slice(cursor)
  }
}

export function createRunner(io: RunnerIo = defaultIo): Runner {
  const secrets = new SecretScrubber()
  /** The chokepoint: secrets out, then commands neutralised. */
  const present = (text: string) => neutraliseCommands(secrets.scrub(text))

  // The action's own command line: a fixed name, its properties and data escaped.
  const command = (name: string, message: string, properties: AnnotationProperties = {}) => {
    const props = Object.entries(properties)
      .filter(([, value]) => value !== undefined && value !== '' && value !== 0)
      .map(([key, value]) => `${key}=${escapeProperty(present(String(value)))}`)
      .join(',')
    io.write(`::${name}${props ? ' ' + props : ''}::${escapeData(present(message))}`)
  }

  // File commands use the heredoc form with a random delimiter, so no value can end its own entry.
  const fileCommand = (variable: string, name: string, value: string) => {
    const path = io.env[variable]
    if (!path) {
      command(
        'debug',
        `${variable} is not set; '${name}' was not written (not running under a runner?)`,
      )
      return
    }
    const delimiter = `ghadelimiter_${randomUUID()}`
    if (name.includes(delimiter) || value.includes(delimiter)) {
      throw new Error(`Unexpected delimiter in the value of '${name}'`)
    }
    io.appendFile(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`)
  }

  // A secret handed out (the api-key output, VAST_API_KEY) is written as it is, masked first.
  const valueOf = (value: string | Secret) => {
    if (!(value instanceof Secret)) return present(value)
    const revealed = value.reveal()
    if (!secrets.has(revealed)) setSecret(revealed)
    return revealed
  }

  // The runner masks the whole value and every trimmed line of it, however short. A value with a
  // short line is sent line by line instead, the short lines left out (docs/runner-protocol.md).
  const setSecret = (value: string) => {
    if (value.trim() === '') return
    secrets.add(value)
    const lines = value.split(/[\r\n]+/).filter((line) => line.trim() !== '')
    const long = maskableLines(value)
    for (const one of lines.length === long.length ? [value] : long) {
      io.write(`::add-mask::${escapeData(one)}`)
    }
  }

  return {
    getInput: (name) => (io.env[inputEnvName(name)] ?? '').trim(),
    getState: (name) => io.env[`STATE_${name}`] ?? '',
    setSecret,
    setOutput: (name, value) => fileCommand('GITHUB_OUTPUT', name, valueOf(value)),
    saveState: (name, value) => fileCommand('GITHUB_STATE', name, value),
    exportVariable: (name, value) => {
      const text = valueOf(value)
      io.env[name] = text
      fileCommand('GITHUB_ENV', name, text)
    },
    appendSummary: (markdown) => {
      const path = io.env.GITHUB_STEP_SUMMARY
      const text = present(markdown)
      if (path) io.appendFile(path, text.endsWith(EOL) ? text : text + EOL)
    },
    isDebug: () => io.env.RUNNER_DEBUG === '1',
    debug: (message) => command('debug', message),
    info: (message) => io.write(present(message)),
    notice: (message, properties) => command('notice', message, properties),
    warning: (message, properties) => command('warning', message, properties),
    error: (message, properties) => command('error', message, properties),
    setFailed: (message) => {
      io.setExitCode(1)
      command('error', message)
    },
  }
}
