/**
 * The managed key name: the only place a Vast key can carry its owner and deadline, since the API
 * has no expiry and its list shows no creation time. A later sweep reads it back.
 *
 *   gha-train [vsk1 exp=20261122T150000Z repo=octo-org/gpu-trainer run=1234567890-1 job=train n=3fa9c2]
 *
 * The human part comes first so the Vast dashboard stays readable; the bracket is parsed from the
 * end, so the human part may hold any printable text.
 */

export const MAX_NAME_LENGTH = 255
export const MAX_LABEL_LENGTH = 100

export interface KeyNameFields {
  label: string
  expiresAt: Date
  repository: string
  runId: string
  runAttempt: string
  job: string
  nonce: string
}

const TAIL =
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

export function formatKeyName(fields: KeyNameFields): string {
  const repository = clean(fields.repository, /[^\w.\-/]/g)
  const tail = (job: string) =>
    ` [vsk1 exp=${compactTime(fields.expiresAt)} repo=${repository} run=${fields.runId}-${fields.runAttempt} job=${job} n=${fields.nonce}]`
  // Keep within Vast's 255 characters: shorten the job id first (it is informational), then the
  // label; never the fields a sweep matches on.
  const room = MAX_NAME_LENGTH - tail('').length
  let label = clean(fields.label, /[\p{Cc}\p{Cf}]/gu)
  let job = clean(fields.job, /[^\w.-]/g) || 'job'
  if (label.length + job.length > room) job = job.slice(0, Math.max(1, room - label.length))
  if (label.length + job.length > room) label = label.slice(0, Math.max(0, room - job.length))
  return `${label}${tail(job)}`
}

export function parseKeyName(name: string): KeyNameFields | undefined {
  const match = TAIL.exec(name)
  if (!match) return undefined
  // formatKeyName never writes control characters; a name that has them was not made by this
  // action (and printing it could smuggle a workflow command into the log).
  if (/[\p{Cc}\p{Cf}]/u.test(name)) return undefined
  const [, exp, repository, runId, runAttempt, job, nonce] = match
  const expiresAt = parseCompactTime(exp ?? '')
  if (Number.isNaN(expiresAt.getTime())) return undefined
  return {
    label: name.slice(0, match.index),
    expiresAt,
    repository: repository ?? '',
    runId: runId ?? '',
    runAttempt: runAttempt ?? '',
    job: job ?? '',
    nonce: nonce ?? '',
  }
}

/** ISO 8601 without milliseconds: the deadline as the name stores it. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** The deadline at whole seconds, as it can be read back from the name. */
export function deadlineFrom(now: Date, ttlMs: number): Date {
  return new Date(Math.ceil((now.getTime() + ttlMs) / 1000) * 1000)
}
