// The runner's file commands (actions/runner FileCommandManager.cs), read after the process exits.

export interface KeyValueParse {
  /** Pairs in file order; the runner applies each as it reads it, so pairs before an error count. */
  pairs: Array<[string, string]>
  /** The runner's message when the file is malformed; the step then fails. */
  error?: string
}

/** One line and the newline that ended it (null at end of text), as the runner's ReadLine on Linux. */
function readLine(
  text: string,
  index: number,
): { line: string; newline: string | null; next: number } | null {
  if (index >= text.length) return null
  const lf = text.indexOf('\n', index)
  if (lf < 0) return { line: text.slice(index), newline: null, next: text.length }
  return { line: text.slice(index, lf), newline: '\n', next: lf + 1 }
}

/**
 * EnvFileKeyValuePairs: `NAME=VALUE` or `NAME<<DELIMITER` ... `DELIMITER`. Whichever of `=` and `<<`
 * comes first decides the form. On Linux only LF ends a line (a CR stays in the value).
 */
export function parseKeyValueFile(raw: string): KeyValueParse {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw
  const pairs: Array<[string, string]> = []
  let index = 0
  let read = readLine(text, index)
  while (read) {
    index = read.next
    const line = read.line
    if (line !== '') {
      const equalsIndex = line.indexOf('=')
      const heredocIndex = line.indexOf('<<')
      if (equalsIndex >= 0 && (heredocIndex < 0 || equalsIndex < heredocIndex)) {
        // The runner's empty-name check tests the line, not the name, so `=value` passes.
        pairs.push([line.slice(0, equalsIndex), line.slice(equalsIndex + 1)])
      } else if (heredocIndex >= 0 && (equalsIndex < 0 || heredocIndex < equalsIndex)) {
        const name = line.slice(0, heredocIndex)
        const delimiter = line.slice(heredocIndex + 2)
        if (name === '' || delimiter === '') {
          return {
            pairs,
            error: `Invalid format '${line}'. Name must not be empty and delimiter must not be empty`,
          }
        }
        const start = index
        let end = index
        let value = readLine(text, index)
        while (value?.line !== delimiter) {
          if (!value) {
            return { pairs, error: `Invalid value. Matching delimiter not found '${delimiter}'` }
          }
          if (value.newline === null) {
            return { pairs, error: 'Invalid value. EOF marker missing new line.' }
          }
          index = value.next
          end = index - value.newline.length
          value = readLine(text, index)
        }
        index = value.next
        pairs.push([name, end > start ? text.slice(start, end) : ''])
      } else {
        return { pairs, error: `Invalid format '${line}'` }
      }
    }
    read = readLine(text, index)
  }
  return { pairs }
}

/** AddPathFileCommand: every non-empty line, in order. */
export function parsePathFile(raw: string): string[] {
  const text = raw.startsWith('\uFEFF') ? raw.slice(1) : raw
  return text.split(/\r\n|\r|\n/).filter((line) => line !== '')
}

/** CreateStepSummaryCommand refuses a summary above 1 MiB. */
export const STEP_SUMMARY_LIMIT = 1024 * 1024
