// The answer forms Vast is known to use besides the emulator's defaults (vast-api.md, "Answers that
// may differ from the emulator's defaults"). Every variant is off by default; tests, `npm run
// emulator -- --variants '<json>'` and `POST /__emulator/variants` switch them on.

import { randomBytes } from 'node:crypto'
import { isRecord, json, text } from './vast-http.ts'
import type { Reply, TooManyForm } from './vast-http.ts'
import { INSTANCE_VARIANT_CHOICES } from './vast-instances.ts'
import type { InstanceVariants } from './vast-instances.ts'

/**
 * Answer forms other than the defaults, each off (the default answer) when left out; the instance
 * routes' switches are in InstanceVariants (emulator/vast-instances.ts).
 */
export interface VastVariants extends InstanceVariants {
  /** Secret values: 64 lowercase hex (default) or `vast-` + 40 letters and digits (Vast's reference). */
  keyFormat?: 'hex' | 'vast'
  /** Create answers `"permissions": false` instead of echoing the rights (Vast's reference). */
  createPermissions?: 'object' | 'false'
  /** List items carry `rights` as an object (default), not at all, or as a JSON string. */
  listRights?: 'object' | 'absent' | 'string'
  /** An unknown or deleted key calling list: 401 (default) or 400. */
  unknownKeyOnList?: 401 | 400
  /** Delete of another user's live key: 404 (default), or 401 / 403 as Vast's specs say. */
  foreignKeyDelete?: 404 | 401 | 403
  /**
   * The form of the rate limiter's 429s, overriding `rateLimits.form`: `plain` "API requests too
   * frequent", `text` "... endpoint threshold=N", `threshold` "...: endpoint threshold=N", `msg`
   * and `json` the same text as JSON `msg` / `detail`, `retry-after` the token-bucket form.
   */
  tooManyForm?: TooManyForm
  /**
   * An edge (CDN, WAF) in front of the API that refuses, with 403 and an HTML or empty body,
   * requests without a User-Agent or with a runtime's default one (`node`, `undici`). Off by default.
   */
  edgeRequiresUserAgent?: false | 'html' | 'empty'
  /**
   * The body of a 404 for a key that does not exist (E3, E4): `{"msg": "API Key not found."}`
   * (default), the same text as `detail`, an empty body, or an edge's HTML page. Only the first
   * two say the key is gone; the client must confirm the others with a second look.
   */
  notFoundBody?: 'msg' | 'detail' | 'empty' | 'html'
  /**
   * How far (ms) the emulator's clock, as its `Date` header shows it, is ahead of the machine's
   * (negative: behind); default 0. Stands for a runner whose clock is wrong.
   */
  clockSkewMs?: number
}

const CHOICES: Record<keyof VastVariants, readonly unknown[] | 'ms'> = {
  ...INSTANCE_VARIANT_CHOICES,
  keyFormat: ['hex', 'vast'],
  createPermissions: ['object', 'false'],
  listRights: ['object', 'absent', 'string'],
  unknownKeyOnList: [401, 400],
  foreignKeyDelete: [404, 401, 403],
  tooManyForm: ['plain', 'text', 'threshold', 'msg', 'json', 'retry-after'],
  edgeRequiresUserAgent: [false, 'html', 'empty'],
  notFoundBody: ['msg', 'detail', 'empty', 'html'],
  clockSkewMs: [],
}

/** A clock skew of up to a year either way, in whole ms. */
function isSkew(value: unknown): boolean {
  return Number.isSafeInteger(value) && Math.abs(value as number) <= 365 * 86_400_000
}

/** Checks variants received as JSON; returns an error message or null. */
export function variantsProblem(value: unknown): string | null {
  if (!isRecord(value)) return 'variants must be a JSON object'
  for (const [name, setting] of Object.entries(value)) {
    const choices = CHOICES[name as keyof VastVariants] as readonly unknown[] | 'ms' | undefined
    if (choices === undefined) {
      return `unknown variant ${name}; known: ${Object.keys(CHOICES).join(', ')}`
    }
    if (name === 'clockSkewMs') {
      if (!isSkew(setting))
        return 'variant clockSkewMs must be a whole number of ms, at most a year'
      continue
    }
    if (choices === 'ms') {
      if (!(typeof setting === 'number' && Number.isFinite(setting) && setting >= 0)) {
        return `variant ${name} must be a number of milliseconds >= 0`
      }
    } else if (!choices.includes(setting)) {
      return `variant ${name} must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`
    }
  }
  return null
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A secret value as Vast's reference shows one: `vast-` followed by 40 letters and digits. */
export function vastStyleKey(): string {
  const bytes = randomBytes(40)
  let out = 'vast-'
  for (const byte of bytes) out += ALPHANUMERIC[byte % ALPHANUMERIC.length]
  return out
}

/** A 404 for a key that does not exist, in the form the notFoundBody variant says. */
export function notFoundReply(variants: VastVariants): Reply {
  switch (variants.notFoundBody ?? 'msg') {
    case 'detail':
      return json(404, { detail: 'API Key not found.' })
    case 'empty':
      return text(404, '', 'text/plain')
    case 'html':
      return text(404, '<html><body><h1>404 Not Found</h1></body></html>', 'text/html')
    default:
      return json(404, { msg: 'API Key not found.' })
  }
}

const RUNTIME_AGENTS = /^(node|undici|node-fetch)(\/|$)/i

/** The edge's refusal for a request whose User-Agent it does not accept, or null to let it in. */
export function edgeRefusal(variants: VastVariants, userAgent: string | undefined): Reply | null {
  const form = variants.edgeRequiresUserAgent
  if (!form) return null
  const agent = userAgent?.trim() ?? ''
  if (agent !== '' && !RUNTIME_AGENTS.test(agent)) return null
  if (form === 'empty') return text(403, '', 'text/plain')
  return text(
    403,
    '<html><head><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><p>Request blocked.</p></body></html>',
    'text/html; charset=utf-8',
  )
}
