/**
 * Explains why a text is not valid JSON in the words of the mistakes people make when they write
 * JSON by hand in workflow YAML: single quotes, a trailing comma, an unquoted name, with the line
 * and column where the parser stopped (1-based). JSON's grammar: RFC 8259 (strings and names take
 * double quotes only; no comma before `}` or `]`).
 *
 * @param text the text given to `JSON.parse`
 * @param error what `JSON.parse` threw (its message carries "at position N" on Node 20 and later)
 * @returns e.g. `line 1, column 2: names and strings take double quotes ("api"), not single quotes`
 */
export function explainJsonError(text: string, error: unknown): string {
  const message = String((error as Error)?.message ?? error).split('\n')[0] ?? ''
  const at = /at position (\d+)/.exec(message)
  const position = at ? Number(at[1]) : text.length
  const { line, column } = lineAndColumn(text, position)
  const where = `line ${line}, column ${column}`
  const hint = likelyMistake(text, position)
  return hint ? `${where}: ${hint}` : `${where}: ${message.replace(/ in JSON at position.*$/, '')}`
}

function lineAndColumn(text: string, position: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(position, text.length)))
  const lines = before.split('\n')
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 }
}

function likelyMistake(text: string, position: number): string | undefined {
  const rest = text.slice(position)
  const before = text.slice(0, position)
  if (rest.startsWith("'")) {
    return 'names and strings take double quotes ("api"), not single quotes'
  }
  if (/,\s*$/.test(before) && /^\s*[}\]]/.test(rest)) {
    return 'remove the comma before this closing bracket (JSON allows no trailing comma)'
  }
  if (/^[A-Za-z_]/.test(rest) && /[{,]\s*$/.test(before)) {
    const name = /^[A-Za-z_]\w*/.exec(rest)?.[0] ?? ''
    return `put the name in double quotes ("${name}")`
  }
  if (position >= text.length) {
    return 'the text ends early: a closing } or ] or a value is missing'
  }
  return undefined
}
