import { formatDuration } from '../core/duration.ts'
import type { SweepSettings } from '../inputs/index.ts'
import { isoSeconds, parseKeyName } from '../core/key-name.ts'
import type { Runner } from '../runner.ts'
import { markdownTable } from '../summary.ts'
import type { VastClient } from '../core/vast/client.ts'
import { VastApiError } from '../core/vast/errors.ts'
import {
  deleteKey,
  listKeys,
  requireParentKeyId,
  withAccessHint,
  type KeyInfo,
} from '../core/vast/keys.ts'
import type { RunReader } from '../github/runs.ts'
import { lookUpRuns, runKeyCandidates } from './sweep-runs.ts'

/**
 * `mode: sweep`, meant for a schedule: deletes the managed keys whose deadline has passed, for
 * the keys whose post step never ran (a lost runner, `revoke: never`). With `github-token`, also
 * the `job` keys whose workflow run attempt has completed, whatever their deadline (run-aware).
 */

/** Why a sweep deletes a key. */
export type SweepReason = 'deadline' | 'run-completed'

export interface ExpiredKey {
  id: number
  name: string
  expiresAt: Date
  /** Negative when the deadline is still ahead (a key of a completed run). */
  overdueMs: number
  reason: SweepReason
  /** For `run-completed`: which run attempt, and how it ended. */
  run?: string
}

export interface Selection {
  parentId: number
  repository: string
  scope: 'repository' | 'account'
  graceMs: number
  now: Date
}

/** Managed, in scope, past deadline + grace, not the parent key; oldest deadline first. */
export function selectExpiredKeys(keys: KeyInfo[], selection: Selection): ExpiredKey[] {
  const repository = selection.repository.toLowerCase()
  const now = selection.now.getTime()
  const expired: ExpiredKey[] = []
  for (const key of keys) {
    if (key.id === selection.parentId) continue
    const fields = parseKeyName(key.name)
    if (!fields) continue
    if (selection.scope === 'repository' && fields.repository.toLowerCase() !== repository) continue
    const overdueMs = now - fields.expiresAt.getTime()
    if (overdueMs < selection.graceMs || overdueMs <= 0) continue
    expired.push({
      id: key.id,
      name: key.name,
      expiresAt: fields.expiresAt,
      overdueMs,
      reason: 'deadline',
    })
  }
  return expired.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id)
}

const SUMMARY_ROWS = 200

/** What a sweep needs; `runs` only with github-token (run-aware). */
export interface SweepDeps {
  runner: Runner
  client: VastClient
  now: () => Date
  signal?: AbortSignal
  /** Given with github-token: reads whether a run attempt has completed. */
  runs?: RunReader
}

export async function runSweep(settings: SweepSettings, deps: SweepDeps): Promise<void> {
  const { runner, client } = deps
  const parentId = await withAccessHint(requireParentKeyId(client, 'sweep'))
  const keys = await withAccessHint(listKeys(client))
  const expired = selectExpiredKeys(keys, {
    parentId,
    repository: settings.context.repository,
    scope: settings.scope,
    graceMs: settings.graceMs,
    now: deps.now(),
  })
  const where =
    settings.scope === 'account' ? 'on the account' : `of ${settings.context.repository}`
  runner.info(
    `${keys.length} keys on the account; ${expired.length} managed key(s) ${where} past their deadline${settings.graceMs ? ` + ${formatDuration(settings.graceMs)} grace` : ''}.`,
  )
  if (deps.runs) {
    expired.push(...(await completedRunKeys(settings, deps, deps.runs, keys, parentId, expired)))
  }

  const deleted: ExpiredKey[] = []
  const failed: { key: ExpiredKey; message: string }[] = []
  let stoppedBy = ''
  if (settings.dryRun) {
    for (const key of expired) runner.info(`Would delete ${describe(key)}`)
  } else {
    for (const key of expired) {
      if (deps.signal?.aborted) {
        stoppedBy = 'the step was cancelled'
        break
      }
      try {
        const result = await withAccessHint(deleteKey(client, key.id))
        deleted.push(key)
        runner.info(`${result === 'deleted' ? 'Deleted' : 'Already gone:'} ${describe(key)}`)
      } catch (error) {
        if (
          error instanceof VastApiError &&
          (error.kind === 'budget' || error.kind === 'aborted')
        ) {
          stoppedBy = error.kind === 'budget' ? 'sweep-budget ran out' : 'the step was cancelled'
          break
        }
        const message = error instanceof Error ? error.message : String(error)
        failed.push({ key, message })
        runner.warning(`Could not delete ${describe(key)}: ${message}`)
      }
    }
  }

  const remaining = expired.length - deleted.length
  runner.setOutput('deleted-count', String(deleted.length))
  runner.setOutput(
    'deleted-keys',
    JSON.stringify(
      (settings.dryRun ? [] : deleted).map((key) => ({ id: key.id, reason: key.reason })),
    ),
  )
  runner.setOutput('remaining-count', String(remaining))
  runner.setOutput('failed-count', String(failed.length))
  const verb = settings.dryRun ? 'Dry run: would delete' : 'Deleted'
  runner.info(
    `${verb} ${settings.dryRun ? expired.length : deleted.length} key(s)${reasons(settings.dryRun ? expired : deleted)}; ${remaining} key(s) to delete remain` +
      (failed.length ? `, ${failed.length} failed` : '') +
      (stoppedBy ? ` (stopped: ${stoppedBy}; the next sweep goes on)` : '') +
      '.',
  )
  runner.appendSummary(summary(settings, settings.dryRun ? expired : deleted, failed, remaining))
}

/**
 * The keys of completed run attempts (kind `job` only), asked of GitHub run by run. Runs still
 * going, and runs GitHub cannot show, keep their keys (logged).
 */
async function completedRunKeys(
  settings: SweepSettings,
  deps: SweepDeps,
  runs: RunReader,
  keys: KeyInfo[],
  parentId: number,
  expired: ExpiredKey[],
): Promise<ExpiredKey[]> {
  const { runner } = deps
  const groups = runKeyCandidates(keys, {
    parentId,
    repository: settings.context.repository,
    scope: settings.scope,
    skip: new Set(expired.map((key) => key.id)),
  })
  const { outcomes, notAsked } = await lookUpRuns(groups, runs, () => deps.signal?.aborted === true)
  const now = deps.now().getTime()
  const found: ExpiredKey[] = []
  for (const outcome of outcomes) {
    const run = `run ${outcome.runId} attempt ${outcome.runAttempt} of ${outcome.repository}`
    const count = `${outcome.keys.length} key(s)`
    if (outcome.state.state === 'completed') {
      runner.info(`${run} completed (${outcome.state.conclusion}): its ${count} go now.`)
      for (const { key, expiresAt } of outcome.keys) {
        found.push({
          id: key.id,
          name: key.name,
          expiresAt,
          overdueMs: now - expiresAt.getTime(),
          reason: 'run-completed',
          run: `${run} completed (${outcome.state.conclusion})`,
        })
      }
    } else if (outcome.state.state === 'running') {
      runner.info(`${run} is ${outcome.state.status}: its ${count} stay.`)
    } else {
      runner.info(`${run}: ${outcome.state.reason}; its ${count} stay until their deadline.`)
    }
  }
  if (notAsked > 0) {
    runner.info(`${notAsked} more run attempt(s) were not asked about; the next sweep asks.`)
  }
  return found.sort((a, b) => a.id - b.id)
}

function describe(key: ExpiredKey): string {
  return key.reason === 'run-completed'
    ? `key ${key.id} "${key.name}" (${key.run ?? 'its run completed'})`
    : `key ${key.id} "${key.name}" (overdue by ${formatDuration(roundSeconds(key.overdueMs))})`
}

function reasons(keys: ExpiredKey[]): string {
  const done = keys.filter((key) => key.reason === 'run-completed').length
  return done ? ` (${keys.length - done} past their deadline, ${done} of completed runs)` : ''
}

function roundSeconds(ms: number): number {
  return Math.max(1000, Math.round(ms / 1000) * 1000)
}

function summary(
  settings: SweepSettings,
  listed: ExpiredKey[],
  failed: { key: ExpiredKey; message: string }[],
  remaining: number,
): string {
  const title = settings.dryRun ? 'would be deleted (dry run)' : 'deleted'
  const rows = listed
    .slice(0, SUMMARY_ROWS)
    .map((k) => [
      String(k.id),
      k.name,
      isoSeconds(k.expiresAt),
      k.reason === 'run-completed'
        ? (k.run ?? 'its run completed')
        : `deadline passed ${formatDuration(roundSeconds(k.overdueMs))} ago`,
    ])
  let text = `### Vast.ai key sweep\n\n${listed.length} key(s) ${title}${reasons(listed)}; ${remaining} key(s) to delete remain; ${failed.length} failed.\n\n`
  if (rows.length) text += markdownTable(['Key id', 'Name', 'Deadline', 'Why'], rows)
  if (listed.length > SUMMARY_ROWS) text += `\n…and ${listed.length - SUMMARY_ROWS} more.\n`
  if (failed.length) {
    text +=
      '\n**Failed**\n\n' +
      markdownTable(
        ['Key id', 'Name', 'Error'],
        failed.slice(0, SUMMARY_ROWS).map((f) => [String(f.key.id), f.key.name, f.message]),
      )
  }
  return text
}
