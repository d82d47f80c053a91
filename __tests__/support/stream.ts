import { parseCommand, parseLegacyCommand } from '../../harness/commands.ts'
import type { StepResult } from '../../harness/runner.ts'

/**
 * The invariant of issue 11, checked on the raw bytes a step wrote, the way the runner reads them
 * (actions/runner: ProcessInvoker splits at LF, CR or CRLF; OutputManager hands a line holding
 * `::` or `##[` to ActionCommand.TryParseV2, then TryParse). Independent of src/action/runner.ts: it
 * shares no code with the chokepoint it checks.
 *
 * - The only commands are the action's own, written at the start of a line with no properties:
 *   `::add-mask::` (of a known secret), `::debug::`, `::warning::`, `::error::`, `::notice::`. Any
 *   other line the runner would read as a command (either syntax, any case) is an injection.
 * - No secret shows outside its own `::add-mask::` line: not whole, not a run of 12 or more of
 *   its characters, in no letter case, and not base64-, JSON- or URI-encoded, even with blanks,
 *   line ends or invisible characters between its characters.
 */

const OWN = ['add-mask', 'debug', 'warning', 'error', 'notice']
const RUN = 12

/** Lines as the runner reads them. */
export function runnerLines(raw: string): string[] {
  return raw.split(/\r\n|\r|\n/)
}

function fold(text: string): string {
  return [...text].map((c) => (c.toLowerCase().length === c.length ? c.toLowerCase() : c)).join('')
}

function forms(secret: string): string[] {
  const bytes = Buffer.from(secret)
  return [
    secret,
    ...[0, 1, 2]
      .filter((s) => bytes.length > s + 8)
      .map((s) => bytes.subarray(s).toString('base64').replace(/=+$/, '')),
    JSON.stringify(secret).slice(1, -1),
    encodeURIComponent(secret),
  ]
}

/** Blanks, line ends, control and format characters: what may be put between a secret's characters. */
const SEPARATORS = /[\s\p{Z}\p{Cc}\p{Cf}]/gu

/**
 * The first form of `secret` that `text` shows (a 12-character run, or the whole when shorter),
 * separators removed on both sides: a key cut into lines or spaced out shows all the same.
 */
export function shownForm(text: string, secret: string): string | undefined {
  const haystack = fold(text).replace(SEPARATORS, '')
  for (const form of forms(secret).map((f) => fold(f).replace(SEPARATORS, ''))) {
    if (form === '') continue
    if (form.length < RUN) {
      if (haystack.includes(form)) return form
      continue
    }
    for (let i = 0; i + RUN <= form.length; i++) {
      const run = form.slice(i, i + RUN)
      if (haystack.includes(run)) return run
    }
  }
  return undefined
}

/**
 * Problems in one stream (stdout or stderr) of a step; empty when the invariant holds. With
 * `ownProperties`, the action's own annotations may carry properties (`::warning title=..::`).
 */
export function streamProblems(
  raw: string,
  secrets: readonly string[],
  { ownProperties = false } = {},
): string[] {
  const problems: string[] = []
  const live = secrets.filter((s) => s.trim() !== '')
  const log: string[] = []
  for (const line of runnerLines(raw)) {
    const own = OWN.find(
      (name) => line.startsWith(`::${name}::`) || (ownProperties && line.startsWith(`::${name} `)),
    )
    const parsed = parseCommand(line) ?? parseLegacyCommand(line)
    if (own === 'add-mask') {
      const data = parsed?.data ?? ''
      if (!live.includes(data)) problems.push(`an add-mask of something not a secret: ${line}`)
      continue
    }
    if (!own && parsed) {
      problems.push(`text became the command '${parsed.command}': ${JSON.stringify(line)}`)
      continue
    }
    // What the runner shows: a command's unescaped data, or the line itself.
    const shown = own && parsed ? parsed.data : line
    log.push(shown)
    for (const secret of live) {
      const form = shownForm(shown, secret)
      if (form) problems.push(`a secret shows (${JSON.stringify(form)}): ${JSON.stringify(line)}`)
    }
  }
  // A secret cut across lines shows in the log all the same, one piece under the other.
  for (const secret of live) {
    const form = problems.length ? undefined : shownForm(log.join('\n'), secret)
    if (form) problems.push(`a secret shows across lines (${JSON.stringify(form)})`)
  }
  return problems
}

/**
 * Both streams of a step, plus what it wrote for the runner to show or keep (summary, state, and
 * outputs other than `api-key`, which hands the key out by design).
 */
export function stepProblems(result: StepResult, secrets: readonly string[]): string[] {
  const problems = [
    ...streamProblems(result.rawStdout, secrets).map((p) => `stdout: ${p}`),
    ...streamProblems(result.rawStderr, secrets).map((p) => `stderr: ${p}`),
  ]
  const kept = {
    summary: result.summary,
    state: JSON.stringify(result.state),
    outputs: JSON.stringify({ ...result.outputs, 'api-key': undefined }),
  }
  for (const [where, text] of Object.entries(kept)) {
    for (const secret of secrets.filter((s) => s.trim() !== '')) {
      const form = shownForm(text, secret)
      if (form) problems.push(`${where}: a secret shows (${JSON.stringify(form)})`)
    }
  }
  return problems
}
