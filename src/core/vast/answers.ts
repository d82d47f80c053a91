// Reading what Vast (or whatever answered in its place) sent back: JSON or not, the message in it,
// the cause under a network error, and a message made safe to show.

/**
 * Anything shaped like a Vast key, whoever's: 64 hex characters, or `vast-` and letters and digits
 * as Vast's reference shows (vast-api.md). Scrubbed from API messages as well as the parent key.
 */
const KEY_LIKE = /\b[0-9a-f]{64}\b|\bvast-[A-Za-z0-9_-]{16,}/gi

/**
 * An API message made safe to show: on one line (a newline followed by `::command::` would be
 * read by the runner as a command), without `key` or anything shaped like a key, at most 300
 * characters. The key goes first, then the length: a cut must not leave part of the key behind.
 */
export function scrubMessage(message: string | undefined, key: string): string | undefined {
  const oneLine = message?.replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
  const scrubbed = oneLine && key ? oneLine.split(key).join('***') : oneLine
  return scrubbed?.replace(KEY_LIKE, '***').slice(0, 300)
}

/** The parsed JSON value, or undefined when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

/** Vast errors carry `msg`, sometimes `message`, `detail` or `error`; a 429 may be plain text. */
export function messageOf(data: unknown, text: string): string | undefined {
  if (typeof data === 'object' && data !== null) {
    const record = data as Record<string, unknown>
    for (const field of ['msg', 'message', 'detail', 'error']) {
      const value = record[field]
      if (typeof value === 'string' && value) return value.slice(0, 4000)
    }
    return undefined
  }
  if (typeof data === 'string') return data.slice(0, 4000)
  const plain = text.trim()
  return plain && !plain.startsWith('<') ? plain.split('\n')[0]?.slice(0, 4000) : undefined
}

/** The error code and message under fetch's "fetch failed" (or Node's own error). */
export function networkCause(error: unknown): { code: string; message: string } {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown }
    if (typeof code === 'string') {
      // A proxy URL in a message could carry credentials: drop them.
      const text = typeof message === 'string' ? message.replace(/\/\/[^/\s@]*@/g, '//***@') : ''
      return { code, message: text.slice(0, 200) }
    }
    current = (current as { cause?: unknown }).cause
  }
  return { code: 'unknown', message: '' }
}
