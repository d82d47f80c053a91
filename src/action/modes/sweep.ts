import { formatDuration } from '../../core/duration.ts'
import type { SweepSettings } from '../inputs/index.ts'
import { isoSeconds, parseKeyName } from '../../core/key-name.ts'
import type { Runner } from '../runner.ts'
import { markdownTable } from '../summary.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { VastApiError } from '../../core/vast/errors.ts'
import {
  deleteKey,
  listKeys,
  requireParentKeyId,
  withAccessHint,
  type KeyInfo,
} from '../../core/vast/keys.ts'
import { clockWarning, vastTime } from '../../core/vast/clock.ts'
import type { RunReader } from '../github/runs.ts'
import { lookUpRuns, MAX_RUN_LOOKUPS, runKeyCandidates } from './sweep-runs.ts'

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
  // Deadlines were written by Vast's clock (or by a runner's close to it): judged by Vast's.
  const skew = clockWarning(client, 'the sweep')
  if (skew) runner.warning(skew)
  const expired = selectExpiredKeys(keys, {
    parentId,
    repository: settings.context.repository,
    scope: settings.scope,
    graceMs: settings.graceMs,
    now: vastTime(client, deps.now()),
  })
  const where =
    settings.scope === 'account' ? 'on the account' : `of ${settings.context.repository}`
  runner.info(
    `${plural(keys.length, 'key')} on the account; ${plural(expired.length, 'managed key')} ${where} past ${expired.length === 1 ? 'its' : 'their'} deadline${settings.graceMs ? ` + ${formatDuration(settings.graceMs)} grace` : ''}.`,
  )
  runner.info(
    deps.runs
      ? 'Run-aware: yes (github-token is set): job keys of completed workflow runs go before their deadline.'
      : 'Run-aware: no (github-token is not set): keys go only after their deadline; see docs/reliability.md.',
  )
  if (deps.runs) {
    expired.push(...(await completedRunKeys(settings, deps, deps.runs, keys, parentId, expired)))
  }

  const deleted: ExpiredKey[] = []
  const gone: ExpiredKey[] = []
  const failed: Failure[] = []
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
        ;(result === 'deleted' ? deleted : gone).push(key)
        runner.info(
          result === 'deleted'
            ? `Deleted ${describe(key)}`
            : `Already gone (deleted by someone else; not counted in deleted-count): ${describe(key)}`,
        )
      } catch (error) {
        if (
          error instanceof VastApiError &&
          (error.kind === 'budget' || error.kind === 'aborted')
        ) {
          stoppedBy = error.kind === 'budget' ? 'sweep-budget ran out' : 'the step was cancelled'
          break
        }
        const message = error instanceof Error ? error.message : String(error)
        failed.push({ key, message, error })
        runner.warning(`Could not delete ${describe(key)}: ${message}`)
      }
    }
  }

  const remaining = expired.length - deleted.length - gone.length
  runner.setOutput('deleted-count', String(deleted.length))
  runner.setOutput(
    'deleted-keys',
    JSON.stringify(
      (settings.dryRun ? [] : deleted).map((key) => ({ id: key.id, reason: key.reason })),
    ),
  )
  runner.setOutput('remaining-count', String(remaining))
  runner.setOutput('failed-count', String(failed.length))
  const listed = settings.dryRun ? expired : deleted
  runner.info(
    `${settings.dryRun ? 'Dry run: would delete' : 'Deleted'} ${plural(listed.length, 'key')}${reasons(listed)}` +
      (gone.length ? `; ${gone.length} already gone` : '') +
      `; ${plural(remaining, 'key')} to delete remain${remaining === 1 ? 's' : ''}` +
      (failed.length ? `, ${failed.length} failed` : '') +
      (stoppedBy ? ` (stopped: ${stoppedBy}; the next sweep goes on)` : '') +
      '.',
  )
  runner.appendSummary(
    summary(settings, { listed, gone: gone.length, failed, remaining, stoppedBy }),
  )
  if (failed.length > 0) runner.setFailed(failureMessage(failed, expired.length))
}

interface Failure {
  key: ExpiredKey
  message: string
  error: unknown
}

/**
 * Why the step fails when deletes failed: how many, and the likely cause. A refusal (401/403) of
 * a delete means the parent key lacks user_write or the keys are not its account's (vast-api.md,
 * "Permissions" and E4).
 */
function failureMessage(failed: Failure[], total: number): string {
  const refused = failed.filter(
    ({ error }) =>
      error instanceof VastApiError &&
      !error.edge &&
      (error.status === 401 || error.status === 403),
  )
  const cause = refused.length
    ? `Vast refused ${refused.length === failed.length ? 'them' : `${refused.length} of them`} (HTTP ${refused.map(({ error }) => (error as VastApiError).status).find(Boolean)}): the parent key (admin-api-key) lacks user_write, or is wrong or deleted. Give admin-api-key both user_read and user_write.`
    : `The first error: ${failed[0]?.message.replace(/\.$/, '')}.`
  return (
    `The sweep could not delete ${failed.length} of ${plural(total, 'key')} (failed-count ${failed.length}; see the warnings above). ${cause} ` +
    'The keys are still live; the next sweep tries again.'
  )
}

/** `1 key`, `2 keys`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`
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
  const { outcomes, notAsked } = await lookUpRuns(
    groups,
    runs,
    () => deps.signal?.aborted === true || runs.outOfTime,
  )
  const now = vastTime(deps.client, deps.now()).getTime()
  const found: ExpiredKey[] = []
  const refused: number[] = []
  for (const outcome of outcomes) {
    const run = `run ${outcome.runId} attempt ${outcome.runAttempt} of ${outcome.repository}`
    const count = plural(outcome.keys.length, 'key')
    const one = outcome.keys.length === 1
    if (outcome.state.state === 'completed') {
      runner.info(
        `${run} completed (${outcome.state.conclusion}): its ${count} ${one ? 'goes' : 'go'} now.`,
      )
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
      runner.info(`${run} is ${outcome.state.status}: its ${count} ${one ? 'stays' : 'stay'}.`)
    } else {
      if (outcome.state.refused) refused.push(outcome.state.refused)
      runner.info(
        `${run}: ${outcome.state.reason}; its ${count} ${one ? 'stays' : 'stay'} until ${one ? 'its' : 'their'} deadline.`,
      )
    }
  }
  if (refused.length > 0) {
    // One annotation however many runs: the cause is the token, not the run.
    runner.warning(
      `GitHub refused github-token (HTTP ${refused[0]}) when the sweep asked about ${plural(refused.length, 'workflow run')}: the token needs actions: read ` +
        "(add `permissions: actions: read` to the sweep job, or use a token that may read these repositories' runs). " +
        'Until then the run-aware part does nothing: job keys stay until their deadline.',
    )
  }
  if (notAsked > 0) {
    const why = deps.signal?.aborted
      ? 'the step was cancelled'
      : runs.outOfTime
        ? 'sweep-budget ran out'
        : `at most ${MAX_RUN_LOOKUPS} are asked per sweep`
    runner.info(
      `${plural(notAsked, 'more run attempt')} ${notAsked === 1 ? 'was' : 'were'} not asked about (${why}); the next sweep asks.`,
    )
  }
  return found.sort((a, b) => a.id - b.id)
}

function describe(key: ExpiredKey): string {
  return key.reason === 'run-completed'
    ? `key ${key.id} "${key.name}" (${key.run ?? 'its run completed'})`
    : `key ${key.id} "${key.name}" (overdue by ${formatDuration(roundSeconds(key.overdueMs))})`
}

/** `: 1 past its deadline, 2 of completed runs`, or '' when every key is past its deadline. */
function reasons(keys: ExpiredKey[]): string {
  const done = keys.filter((key) => key.reason === 'run-completed').length
  const late = keys.length - done
  return done
    ? ` (${late} past ${late === 1 ? 'its' : 'their'} deadline, ${done} of completed run${done === 1 ? '' : 's'})`
    : ''
}

function roundSeconds(ms: number): number {
  return Math.max(1000, Math.round(ms / 1000) * 1000)
}

function summary(
  settings: SweepSettings,
  result: {
    listed: ExpiredKey[]
    gone: number
    failed: Failure[]
    remaining: number
    stoppedBy: string
  },
): string {
  const { listed, failed, remaining } = result
  const title = settings.dryRun ? 'would be deleted' : 'deleted'
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
  let text =
    `### Vast.ai key sweep${settings.dryRun ? ' (dry run)' : ''}\n\n` +
    `${plural(listed.length, 'key')} ${title}${reasons(listed)}` +
    (result.gone ? `; ${result.gone} already gone` : '') +
    `; ${plural(remaining, 'key')} to delete remain${remaining === 1 ? 's' : ''}; ${failed.length} failed.\n\n`
  if (result.stoppedBy) {
    text +=
      `**Stopped early: ${result.stoppedBy}.** ${plural(remaining - failed.length, 'key')} past ${remaining - failed.length === 1 ? 'its' : 'their'} deadline or of completed runs ${remaining - failed.length === 1 ? 'was' : 'were'} not tried; the next sweep deletes ${remaining - failed.length === 1 ? 'it' : 'them'}` +
      (result.stoppedBy.startsWith('sweep-budget')
        ? ' (raise sweep-budget to finish in one run).\n\n'
        : '.\n\n')
  }
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
