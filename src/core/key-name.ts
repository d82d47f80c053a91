import { createHash } from 'node:crypto'

/**
 * The managed key name: the only place a Vast key can carry its owner, its kind and its deadline,
 * since the API has no expiry and its list shows no creation time (vast-api.md, E2). A later
 * sweep, rotation or post step reads it back.
 *
 *   gha-train [vsk2 m=job exp=20261122T150000Z repo=octo-org/gpu-trainer run=1234567890-1 job=train n=3fa9c2]
 *   nightly [vsk2 m=rot exp=20261222T150000Z repo=octo-org/gpu-trainer run=77-1 job=rotate t=9f86d081884c n=7c1e]
 *
 * - `m=` the kind of key, which decides who may delete it before its deadline:
 *   `job` (create mode, deleted by its post step), `keep` (create mode with `revoke: never`: lives
 *   to its deadline), `rot` (rotate mode: retired only by a rotation of the same target).
 * - `t=` (rotation keys only): 12 hex characters of SHA-256 over the rotation's target (see
 *   {@link rotationTargetId}), so two targets that share a label never retire each other's keys.
 * - `n=` a random id per step run, saved in the step's state before the create is sent: it tells
 *   apart the steps of one job (matrix legs share the job id).
 *
 * Names made before `vsk2` (`[vsk1 exp=… repo=… run=… job=… n=…]`) still parse, as kind `legacy`:
 * a sweep ends them at their deadline, and nothing else deletes them early.
 *
 * The human part (the label) comes first so the Vast dashboard stays readable; the bracket is
 * parsed from the end, so the label may hold any printable text.
 */

/** Vast's limit on a key name (vast-api.md, E1: `name` max 255). */
export const MAX_NAME_LENGTH = 255
export const MAX_LABEL_LENGTH = 100

/** Who made a key and who may end it early; `legacy` is a name made before kinds existed. */
export type KeyKind = 'job' | 'keep' | 'rot'

export interface KeyNameFields {
  label: string
  kind: KeyKind | 'legacy'
  expiresAt: Date
  repository: string
  runId: string
  runAttempt: string
  job: string
  /** Rotation keys only: {@link rotationTargetId} of the secret the key was written to. */
  target?: string
  nonce: string
}

/** What {@link formatKeyName} needs: a legacy name is never written. */
export type NewKeyNameFields = Omit<KeyNameFields, 'kind'> & { kind: KeyKind }

const TAIL_V2 =
  / \[vsk2 m=(job|keep|rot) exp=(\d{8}T\d{6}Z) repo=([^\s\]]+) run=(\d+)-(\d+) job=([^\s\]]+)(?: t=([0-9a-f]{12}))? n=([0-9a-f]+)\]$/
const TAIL_V1 =
  / \[vsk1 exp=(\d{8}T\d{6}Z) repo=([^\s\]]+) run=(\d+)-(\d+) job=([^\s\]]+) n=([0-9a-f]+)\]$/

function compactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')
}

function parseCompactTime(text: string): Date {
  const iso = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(9, 11)}:${text.slice(11, 13)}:${text.slice(13, 15)}Z`
  return new Date(iso)
}

/** Replaces characters that would make the name unreadable or unparseable. */
function clean(text: string, pattern: RegExp): string {
  return text.replace(pattern, '-')
}

/**
 * The identity of a rotation target as 12 lower-case hex characters (48 bits of SHA-256).
 * `parts` are, in order, whatever names the secret: scope, organisation, environment, secret name.
 * Case-folded, since GitHub treats these names case-insensitively.
 */
export function rotationTargetId(parts: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify(parts.map((part) => part.toLowerCase())))
    .digest('hex')
    .slice(0, 12)
}

/**
 * Writes a `vsk2` name of at most {@link MAX_NAME_LENGTH} characters. When the name would be too
 * long, the job id is cut first (it is informational), then the label; never the fields that a
 * sweep or rotation matches on. Throws when a rotation key has no valid `target`.
 */
export function formatKeyName(fields: NewKeyNameFields): string {
  if (fields.kind === 'rot' ? !/^[0-9a-f]{12}$/.test(fields.target ?? '') : fields.target) {
    throw new Error('formatKeyName: a target is required for rotation keys, and only for them')
  }
  const repository = clean(fields.repository, /[^\w.\-/]/g)
  const target = fields.kind === 'rot' ? ` t=${fields.target}` : ''
  const tail = (job: string) =>
    ` [vsk2 m=${fields.kind} exp=${compactTime(fields.expiresAt)} repo=${repository} run=${fields.runId}-${fields.runAttempt} job=${job}${target} n=${fields.nonce}]`
  const room = MAX_NAME_LENGTH - tail('').length
  let label = clean(fields.label, /[\p{Cc}\p{Cf}]/gu)
  let job = clean(fields.job, /[^\w.-]/g) || 'job'
  if (label.length + job.length > room) job = job.slice(0, Math.max(1, room - label.length))
  if (label.length + job.length > room) label = label.slice(0, Math.max(0, room - job.length))
  return `${label}${tail(job)}`
}

/** Reads a managed name back (`vsk2`, or `vsk1` as kind `legacy`); `undefined` for any other. */
export function parseKeyName(name: string): KeyNameFields | undefined {
  // formatKeyName never writes control characters; a name that has them was not made by this
  // action (and printing it could smuggle a workflow command into the log).
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return undefined
  const v2 = TAIL_V2.exec(name)
  const v1 = v2 ? undefined : TAIL_V1.exec(name)
  const match = v2 ?? v1
  if (!match) return undefined
  const [kind, exp, repository, runId, runAttempt, job, target, nonce] = v2
    ? v2.slice(1)
    : ['legacy', ...match.slice(1, 6), undefined, match[6]]
  const expiresAt = parseCompactTime(exp ?? '')
  if (Number.isNaN(expiresAt.getTime())) return undefined
  const fields: KeyNameFields = {
    label: name.slice(0, match.index),
    kind: kind as KeyNameFields['kind'],
    expiresAt,
    repository: repository ?? '',
    runId: runId ?? '',
    runAttempt: runAttempt ?? '',
    job: job ?? '',
    nonce: nonce ?? '',
  }
  if (target) fields.target = target
  // A rotation key without its target (or any other key with one) was not written by this action.
  if ((fields.kind === 'rot') !== (target !== undefined)) return undefined
  return fields
}

/** ISO 8601 without milliseconds: the deadline as the name stores it. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The deadline at whole seconds, as it can be read back from the name. */
export function deadlineFrom(now: Date, ttlMs: number): Date {
  return new Date(Math.ceil((now.getTime() + ttlMs) / 1000) * 1000)
}
