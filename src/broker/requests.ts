import { parse as parseYaml } from 'yaml'
import { formatDuration, parseDuration } from '../core/duration.ts'
import { MAX_LABEL_LENGTH } from '../core/key-name.ts'
import {
  parsePermissions,
  PermissionsError,
  validatePermissions,
  type Permissions,
} from '../core/permissions.ts'
import { excessPermissions } from '../core/permissions-subset.ts'
import type { PolicyRule } from './policy-rule.ts'

/**
 * The body of `POST /v1/keys`, read and checked against the rule that matched. Every problem is a
 * {@link RequestError} that names the field and says what would be right.
 *
 *   {"permissions": "instance-manager", "ttl": "1h", "key-name": "gha-train", "job": "train"}
 *
 * `permissions` takes the action's forms (a preset, a list of categories, or a mapping; default:
 * everything the rule grants); `ttl` a duration (default: the rule's max-ttl); `key-name` the
 * label (default `gha-<job>`); `job` the job id, informational (default `job`).
 */

export const TTL_MIN_MS = 30_000
const FIELDS = new Set(['permissions', 'ttl', 'key-name', 'job'])

/** A request that cannot be served as it is; `status` 400 (malformed) or 403 (beyond the rule). */
export class RequestError extends Error {
  readonly status: 400 | 403
  constructor(message: string, status: 400 | 403 = 400) {
    super(message)
    this.status = status
  }
}

export interface KeyRequest {
  permissions: Permissions
  ttlMs: number
  label: string
  job: string
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parses the JSON body; raises RequestError for anything but a JSON object of known fields. */
export function parseBody(text: string): Record<string, unknown> {
  let body: unknown
  try {
    body = text.trim() ? JSON.parse(text) : {}
  } catch {
    throw new RequestError(
      'the body is not JSON; send {"permissions": ..., "ttl": ..., "key-name": ...}',
    )
  }
  if (!isObject(body)) throw new RequestError('the body must be a JSON object')
  const unknown = Object.keys(body).filter((key) => !FIELDS.has(key))
  if (unknown.length > 0) {
    throw new RequestError(
      `unknown field "${unknown[0]}"; the fields are permissions, ttl, key-name and job`,
    )
  }
  return body
}

/**
 * The request within `rule`, or RequestError: 400 for a malformed field, 403 naming every way the
 * request goes beyond the rule (permissions and ttl together), followed by `otherRules` (the
 * caller's own repository's other rules and why they did not decide, from decide()).
 */
export function checkRequest(
  body: Record<string, unknown>,
  rule: PolicyRule,
  otherRules: string[] = [],
): KeyRequest {
  let permissions = rule.permissions
  if (body.permissions !== undefined) {
    try {
      if (typeof body.permissions === 'string') {
        permissions = parsePermissions(body.permissions, (text) => parseYaml(text))
      } else if (isObject(body.permissions)) permissions = validatePermissions(body.permissions)
      else throw new PermissionsError('give a preset, a list of categories or a mapping')
    } catch (error) {
      if (error instanceof PermissionsError) throw new RequestError(`permissions: ${error.message}`)
      throw error
    }
  }
  // Everything beyond the rule is said at once: a job fixing permissions should not then learn
  // that its ttl is too long as well.
  const beyond: string[] = []
  const excess = excessPermissions(rule.permissions, permissions)
  if (excess.length > 0) {
    beyond.push(
      `permissions: rule "${rule.name}" does not grant ${excess.join(', ')}; it grants at most ${JSON.stringify(rule.permissions)}`,
    )
  }
  let ttlMs = rule.maxTtlMs
  if (body.ttl !== undefined) {
    const parsed = typeof body.ttl === 'string' ? parseDuration(body.ttl) : undefined
    if (parsed === undefined || parsed < TTL_MIN_MS) {
      throw new RequestError('ttl: expected a duration of at least 30s, such as "30m" or "2h"')
    }
    if (parsed > rule.maxTtlMs) {
      beyond.push(
        `ttl: ${formatDuration(parsed)} is longer than rule "${rule.name}" allows (max-ttl ${formatDuration(rule.maxTtlMs)}; leave ttl out to get the max-ttl)`,
      )
    }
    ttlMs = parsed
  }
  const job = body.job === undefined ? 'job' : body.job
  if (typeof job !== 'string' || !/^[\w.-]{1,100}$/.test(job)) {
    throw new RequestError(
      'job: expected the job id (GITHUB_JOB): letters, digits, ".", "_" or "-"',
    )
  }
  const label = body['key-name'] === undefined ? `gha-${job}` : body['key-name']
  if (
    typeof label !== 'string' ||
    !label ||
    label.length > MAX_LABEL_LENGTH ||
    /[\p{Cc}\p{Cf}]/u.test(label)
  ) {
    throw new RequestError(
      `key-name: expected printable text of 1 to ${MAX_LABEL_LENGTH} characters`,
    )
  }
  if (beyond.length > 0) {
    const others =
      otherRules.length > 0 ? `. Other rules for this repository: ${otherRules.join('; ')}` : ''
    throw new RequestError(`${beyond.join('; ')}${others}`, 403)
  }
  return { permissions, ttlMs, label, job }
}
