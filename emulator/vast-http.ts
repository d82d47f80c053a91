// The answers the emulator sends, as plain values so that handlers stay free of node:http, and
// the few node:http chores around them.

import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Reply {
  status: number
  headers: Record<string, string>
  body: string
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(value),
  }
}

export function text(
  status: number,
  body: string,
  contentType = 'text/plain; charset=utf-8',
  headers: Record<string, string> = {},
): Reply {
  return { status, headers: { 'content-type': contentType, ...headers }, body }
}

/** The usual Vast error envelope. */
export function vastError(status: number, error: string, msg: string): Reply {
  return json(status, { success: false, error, msg })
}

export type TooManyForm = 'plain' | 'text' | 'threshold' | 'msg' | 'json' | 'retry-after'

export const TOO_MANY_FORMS: readonly TooManyForm[] = [
  'plain',
  'text',
  'threshold',
  'msg',
  'json',
  'retry-after',
]

/**
 * A 429 in one of the forms Vast is known to use (vast-api.md): plain text without (`plain`) or
 * with the interval (`text`: "API requests too frequent endpoint threshold=2.0", `threshold`: the
 * same with a colon), JSON `msg` or `detail` (`msg`, `json`), or the token-bucket form of an
 * unmerged docs branch with `Retry-After` and `X-RateLimit-*` (`retry-after`).
 * `intervalMs` only feeds the `threshold=` text, as Vast prints its interval there.
 */
export function tooManyRequests(
  form: TooManyForm,
  intervalMs: number,
  retryAfterSeconds: number,
): Reply {
  const threshold = `threshold=${formatSeconds(intervalMs)}`
  const message = `API requests too frequent endpoint ${threshold}`
  switch (form) {
    case 'plain':
      return text(429, 'API requests too frequent')
    case 'text':
      return text(429, message)
    case 'threshold':
      return text(429, `API requests too frequent: endpoint ${threshold}`)
    case 'msg':
      return json(429, { success: false, error: 'rate_limited', msg: message })
    case 'json':
      return json(429, { detail: message })
    case 'retry-after': {
      const seconds = Math.max(0, Math.ceil(retryAfterSeconds))
      return json(
        429,
        { detail: message },
        {
          'retry-after': String(seconds),
          'x-ratelimit-limit': '1',
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(seconds),
        },
      )
    }
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000
  return Number.isInteger(seconds) ? seconds.toFixed(1) : String(seconds)
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The parsed value, or undefined when the text is empty or not JSON. */
export function parseJson(raw: string): unknown {
  if (raw.trim() === '') return undefined
  try {
    return JSON.parse(raw) as unknown
  } catch {
    return undefined
  }
}

const MAX_BODY_BYTES = 1024 * 1024

/** The whole request body as text; null when it exceeds 1 MiB. */
export async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size <= MAX_BODY_BYTES) chunks.push(chunk)
  }
  return size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')
}

/** Sends a reply unless the socket is gone; returns whether it was sent. */
export function writeReply(res: ServerResponse, reply: Reply): boolean {
  if (res.destroyed || res.headersSent || res.socket?.destroyed === true) return false
  res.writeHead(reply.status, {
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
  })
  res.end(reply.body)
  return true
}

/** Starts listening (port 0: a free one) and returns the base URL, e.g. http://127.0.0.1:41234. */
export async function listen(server: Server, options: { host?: string; port?: number }) {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

/** A sleep that shutDown can end early (so close() never waits on a delay fault). */
export function trackedSleep(
  sleeps: Set<{ timer: NodeJS.Timeout; resolve: () => void }>,
  ms: number,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const sleep = {
      timer: setTimeout(() => {
        sleeps.delete(sleep)
        resolve()
      }, ms),
      resolve,
    }
    sleeps.add(sleep)
  })
}

/** Ends pending sleeps, then closes the server and every open connection. */
export async function shutDown(
  server: Server,
  sleeps: Set<{ timer: NodeJS.Timeout; resolve: () => void }>,
): Promise<void> {
  for (const sleep of sleeps) {
    clearTimeout(sleep.timer)
    sleep.resolve()
  }
  sleeps.clear()
  const closed = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeAllConnections()
  await closed
}
