/**
 * The broker's log: one JSON object per line on stdout, in the shape Cloud Logging reads as it is
 * (its "structured logging" special fields: `severity`, `message`, `httpRequest`,
 * `logging.googleapis.com/trace` and `…/spanId`) and Kubernetes collectors (Fluent Bit, Vector,
 * the OpenTelemetry collector) parse as JSON. A line carries the decision and its context, never a
 * key or a token: the fields are a fixed set of plain values, and no caller-supplied object is
 * ever logged as it is. Every line of one request carries its `request_id` (also in the answer's
 * `X-Request-Id` header and `request_id` body field) and its trace, when the request came with
 * `traceparent` (W3C Trace Context) or `X-Cloud-Trace-Context`.
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
  /** The id of the request this line is about (also in its answer). */
  request_id?: string
  /** Cloud Logging's HttpRequest: on the line that ends a request. */
  httpRequest?: HttpRequestLog
  /** The request's trace and span (hex), from traceparent or X-Cloud-Trace-Context. */
  trace_id?: string
  span_id?: string
}

/** Cloud Logging's `HttpRequest` (the fields the broker knows; `latency` as "0.123s"). */
export interface HttpRequestLog {
  requestMethod: string
  requestUrl: string
  status: number
  latency: string
  userAgent?: string
  remoteIp?: string
  protocol?: string
}

export type Severity = 'INFO' | 'WARNING' | 'ERROR'

export type LogLine = LogFields & {
  time: string
  severity: Severity
  message: string
  'logging.googleapis.com/trace'?: string
  'logging.googleapis.com/spanId'?: string
}

export interface Logger {
  info(fields: LogFields): void
  warn(fields: LogFields): void
  error(fields: LogFields): void
}

/** The one-line summary of a line (`message`): event, decision, status, reason. */
function summary(fields: LogFields): string {
  const parts = [fields.event]
  if (fields.decision) parts.push(fields.decision)
  if (fields.status !== undefined) parts.push(String(fields.status))
  const head = parts.join(' ')
  return fields.reason ? `${head}: ${fields.reason}` : head
}

/**
 * A logger writing JSON lines through `write` (default: stdout). `project` (the Google Cloud
 * project id, from GOOGLE_CLOUD_PROJECT) turns a line's trace into Cloud Logging's
 * `projects/<project>/traces/<trace id>`, which links it to Cloud Trace.
 */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  project?: string,
): Logger {
  const emit = (severity: Severity, fields: LogFields) => {
    const line: LogLine = {
      time: new Date().toISOString(),
      severity,
      message: summary(fields),
      ...fields,
    }
    if (project && fields.trace_id) {
      line['logging.googleapis.com/trace'] = `projects/${project}/traces/${fields.trace_id}`
      if (fields.span_id) line['logging.googleapis.com/spanId'] = fields.span_id
    }
    // One line, whatever a reason holds: JSON escapes control characters.
    write(JSON.stringify(line))
  }
  return {
    info: (fields) => emit('INFO', fields),
    warn: (fields) => emit('WARNING', fields),
    error: (fields) => emit('ERROR', fields),
  }
}

/** A logger that adds `context` (request id, trace) to every line. */
export function withContext(log: Logger, context: Partial<LogFields>): Logger {
  return {
    info: (fields) => log.info({ ...context, ...fields }),
    warn: (fields) => log.warn({ ...context, ...fields }),
    error: (fields) => log.error({ ...context, ...fields }),
  }
}

/**
 * The trace of a request, from `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`, W3C Trace Context)
 * or else `X-Cloud-Trace-Context` (`<32 hex>/<decimal span>;o=1`, what Google's front end adds).
 * Anything else is ignored: a header never reaches the log unless it has exactly this shape.
 */
export function traceOf(headers: Record<string, string | string[] | undefined>): {
  trace_id?: string
  span_id?: string
} {
  const parent = headers.traceparent
  const w3c =
    typeof parent === 'string'
      ? /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}$/.exec(parent.trim())
      : null
  if (w3c?.[1] && w3c[2] && !/^0+$/.test(w3c[1])) return { trace_id: w3c[1], span_id: w3c[2] }
  const cloud = headers['x-cloud-trace-context']
  const google = typeof cloud === 'string' ? /^([\da-f]{32})(?:\/(\d{1,20}))?/i.exec(cloud) : null
  if (google?.[1]) {
    const span = google[2] ? BigInt(google[2]).toString(16).padStart(16, '0').slice(-16) : undefined
    return { trace_id: google[1].toLowerCase(), ...(span ? { span_id: span } : {}) }
  }
  return {}
}
