import { createHash } from 'node:crypto'

/**
 * The instance label of a job: the value users pass to `vastai create instance … --label`, so
 * that the post step can destroy what the job started, and a sweep what outlived its deadline.
 * Vast gives instances no owner but the account and no field naming the key that made them
 * (vast-instances-api.md, "Which API key owns an instance"): the label is the only mark a job can
 * leave, so it carries everything a cleanup needs, and a random part nobody can guess or repeat.
 *
 *   vski1:octo-org/gpu-trainer:1234567890.1:train:20261122T150000Z:3fa9c2d81e4b.9f86d081884c
 *
 *   vski1            this action's instance label, version 1
 *   octo-org/…       the repository, shown (cut to 32 characters; `_` and others become `-`)
 *   1234567890.1     the run id and the run attempt (a re-run never shares a label)
 *   train            the job id, shown (cut to 16 characters)
 *   20261122T…Z      the deadline (the key's): a sweep destroys the instance after it
 *   3fa9c2d81e4b     12 hex of SHA-256 of the repository, lower-cased: what a sweep matches on
 *                    (the shown part may be cut, or fold `a_b` and `a-b` together)
 *   9f86d081884c     the random part: 48 bits, saved in the main step's state
 *
 * Within the contract's safe limits for labels: at most 128 ASCII characters from
 * `[A-Za-z0-9._:/-]`, nothing to trim (the documented limits disagree, 256 at create and 1024 on
 * relabel, "ideally less than 128"; no character set is published). Matching is always the whole
 * label, byte for byte, on the action's side: never a prefix, never case-folded, never trimmed.
 */

export const INSTANCE_LABEL_PREFIX = 'vski1'
/** The contract's safe length (vast-instances-api.md, "Is destroy by label sound?", point 2). */
export const MAX_INSTANCE_LABEL_LENGTH = 128
const REPO_ROOM = 32
const JOB_ROOM = 16

export interface InstanceLabelFields {
  /** `owner/repo` as GitHub gives it (GITHUB_REPOSITORY). */
  repository: string
  /** Digits, at most 20. */
  runId: string
  /** Digits, at most 5. */
  runAttempt: string
  /** GITHUB_JOB. */
  job: string
  /** Whole seconds (milliseconds are dropped). */
  expiresAt: Date
  /** 12 lower-case hex characters. */
  nonce: string
}

/** What a label tells once parsed: the shown parts as written, and the repository's hash. */
export interface ParsedInstanceLabel {
  repositoryShown: string
  repositoryHash: string
  runId: string
  runAttempt: string
  jobShown: string
  expiresAt: Date
  nonce: string
}

const LABEL =
  /^vski1:([A-Za-z0-9./-]{1,32}):(\d{1,20})\.(\d{1,5}):([A-Za-z0-9.-]{1,16}):(\d{8}T\d{6}Z):([0-9a-f]{12})\.([0-9a-f]{12})$/

/** 12 hex of SHA-256 over the repository, case-folded (GitHub's names are case-insensitive). */
export function repositoryHash(repository: string): string {
  return createHash('sha256').update(repository.toLowerCase()).digest('hex').slice(0, 12)
}

function shown(text: string, allowed: RegExp, room: number, fallback: string): string {
  const cleaned = text.replace(allowed, '-').slice(0, room)
  return cleaned === '' ? fallback : cleaned
}

/** The repository as the label shows it. */
export function repositoryShown(repository: string): string {
  return shown(repository.toLowerCase(), /[^a-z0-9./-]/g, REPO_ROOM, 'repo')
}

function compactTime(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '')
}

/**
 * Writes a label of at most {@link MAX_INSTANCE_LABEL_LENGTH} characters from the safe set.
 * Throws (a bug, not a user error) when the run id, attempt or nonce are not what GitHub and the
 * action make: digits of at most 20 and 5, and 12 lower-case hex.
 */
export function formatInstanceLabel(fields: InstanceLabelFields): string {
  if (!/^\d{1,20}$/.test(fields.runId) || !/^\d{1,5}$/.test(fields.runAttempt)) {
    throw new Error('formatInstanceLabel: the run id and attempt must be digits (20 and 5 at most)')
  }
  if (!/^[0-9a-f]{12}$/.test(fields.nonce)) {
    throw new Error('formatInstanceLabel: the nonce must be 12 lower-case hex characters')
  }
  const job = shown(fields.job, /[^A-Za-z0-9.-]/g, JOB_ROOM, 'job')
  return [
    INSTANCE_LABEL_PREFIX,
    repositoryShown(fields.repository),
    `${fields.runId}.${fields.runAttempt}`,
    job,
    compactTime(fields.expiresAt),
    `${repositoryHash(fields.repository)}.${fields.nonce}`,
  ].join(':')
}

/** Reads a label back; `undefined` for anything this action did not write, look-alikes included. */
export function parseInstanceLabel(label: unknown): ParsedInstanceLabel | undefined {
  if (typeof label !== 'string' || label.length > MAX_INSTANCE_LABEL_LENGTH) return undefined
  const match = LABEL.exec(label)
  if (!match) return undefined
  const [, repo, runId, runAttempt, job, exp, hash, nonce] = match
  const e = exp ?? ''
  const expiresAt = new Date(
    `${e.slice(0, 4)}-${e.slice(4, 6)}-${e.slice(6, 8)}T${e.slice(9, 11)}:${e.slice(11, 13)}:${e.slice(13, 15)}Z`,
  )
  // A date that does not exist (month 13) is no deadline the action wrote.
  if (Number.isNaN(expiresAt.getTime()) || compactTime(expiresAt) !== e) return undefined
  return {
    repositoryShown: repo ?? '',
    repositoryHash: hash ?? '',
    runId: runId ?? '',
    runAttempt: runAttempt ?? '',
    jobShown: job ?? '',
    expiresAt,
    nonce: nonce ?? '',
  }
}

/**
 * Whether `label` is this action's label for `repository`: it parses, and both its hash and its
 * shown part are what the action writes for that repository. A sweep touches nothing else.
 */
export function isLabelOf(label: unknown, repository: string): ParsedInstanceLabel | undefined {
  const parsed = parseInstanceLabel(label)
  if (!parsed) return undefined
  if (parsed.repositoryHash !== repositoryHash(repository)) return undefined
  if (parsed.repositoryShown !== repositoryShown(repository)) return undefined
  return parsed
}

/** Whether `label` is the label of this very run attempt and job (the post step's check). */
export function isLabelOfJob(
  label: string,
  context: { repository: string; runId: string; runAttempt: string; job: string },
): boolean {
  const parsed = isLabelOf(label, context.repository)
  return (
    parsed !== undefined &&
    parsed.runId === context.runId &&
    parsed.runAttempt === context.runAttempt &&
    parsed.jobShown === shown(context.job, /[^A-Za-z0-9.-]/g, JOB_ROOM, 'job')
  )
}
