export type FailureKind =
  | 'http' // the API answered with an error status
  | 'network' // connection refused, reset, DNS
  | 'timeout' // no answer within request-timeout
  | 'invalid-response' // an answer that is not the JSON the contract promises
  | 'aborted' // the step is being cancelled
  | 'budget' // the step's time budget ran out

/**
 * An error from the Vast API, built only from the operation, the HTTP status and the API's own
 * message: never from headers or request bodies, so it cannot carry a key.
 */
export class VastApiError extends Error {
  readonly operation: string
  readonly kind: FailureKind
  readonly status: number | undefined
  readonly apiMessage: string | undefined
  /** Worth another attempt (429, 5xx, network, timeout). */
  readonly retryable: boolean
  /**
   * The request may have been applied although no usable answer came back (a reset or timeout after
   * sending, a 5xx from the edge, a 200 that cannot be read). A non-idempotent call must find out
   * before it is sent again.
   */
  readonly ambiguous: boolean
  /** How long the API asked us to wait (a Retry-After header). */
  readonly retryAfterMs: number | undefined
  /** The route's minimum interval as a 429's body names it (`threshold=2.0`). */
  readonly intervalMs: number | undefined
  /**
   * The refusal came from something in front of Vast's API (a CDN, WAF or proxy: a 403 with an
   * HTML or empty body rather than Vast's JSON error), so it says nothing about the key.
   */
  readonly edge: boolean

  constructor(fields: {
    operation: string
    kind: FailureKind
    status?: number
    apiMessage?: string
    retryable: boolean
    ambiguous: boolean
    retryAfterMs?: number
    intervalMs?: number
    detail?: string
    edge?: boolean
  }) {
    const status = fields.status === undefined ? '' : `HTTP ${fields.status}`
    const said = fields.apiMessage ? `: ${fields.apiMessage}` : ''
    const detail = fields.detail ?? ''
    super(`${fields.operation} failed: ${[status, detail].filter(Boolean).join(', ')}${said}`)
    this.name = 'VastApiError'
    this.operation = fields.operation
    this.kind = fields.kind
    this.status = fields.status
    this.apiMessage = fields.apiMessage
    this.retryable = fields.retryable
    this.ambiguous = fields.ambiguous
    this.retryAfterMs = fields.retryAfterMs
    this.intervalMs = fields.intervalMs
    this.edge = fields.edge ?? false
  }
}
