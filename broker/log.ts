/**
 * The broker's log: one JSON object per line on stdout (what Cloud Run, Kubernetes and Fly
 * collect). A line carries the decision and its context, never a key or a token: the fields are
 * a fixed set of plain values, and no caller-supplied object is ever logged as it is.
 */

export interface LogFields {
  event: string
  decision?: 'allow' | 'deny' | 'error'
  reason?: string
  repository?: string
  run?: string
  key_id?: number
  /** The rule that decided (its name only). */
  rule?: string
  status?: number
  count?: number
  /** The id a refusal with status 502 or 500 gives the caller, to find this line. */
  request_id?: string
}

export type LogLine = LogFields & { time: string; level: 'info' | 'warn' | 'error' }

export interface Logger {
  info(fields: LogFields): void
  warn(fields: LogFields): void
  error(fields: LogFields): void
}

/** A logger writing JSON lines through `write` (default: stdout). */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (level: LogLine['level'], fields: LogFields) => {
    const line: LogLine = { time: new Date().toISOString(), level, ...fields }
    // One line, whatever a reason holds: JSON escapes control characters.
    write(JSON.stringify(line))
  }
  return {
    info: (fields) => emit('info', fields),
    warn: (fields) => emit('warn', fields),
    error: (fields) => emit('error', fields),
  }
}
