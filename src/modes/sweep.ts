import { formatDuration } from '../duration.ts'
import type { SweepSettings } from '../inputs/index.ts'
import { isoSeconds, parseKeyName } from '../key-name.ts'
import type { Runner } from '../runner.ts'
import { markdownTable } from '../summary.ts'
import type { VastClient } from '../vast/client.ts'
import { VastApiError } from '../vast/errors.ts'
import { deleteKey, listKeys, requireParentKeyId, type KeyInfo } from '../vast/keys.ts'

/**
 * `mode: sweep`, meant for a schedule: deletes the managed keys whose deadline has passed, for
 * the keys whose post step never ran (a lost runner, `revoke: never`).
 */

export interface ExpiredKey {
  id: number
  name: string
  expiresAt: Date
  overdueMs: number
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
    expired.push({ id: key.id, name: key.name, expiresAt: fields.expiresAt, overdueMs })
  }
  return expired.sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id)
}

const SUMMARY_ROWS = 200

export async function runSweep(
  settings: SweepSettings,
  deps: { runner: Runner; client: VastClient; now: () => Date; signal?: AbortSignal },
): Promise<void> {
  const { runner, client } = deps
  const parentId = await requireParentKeyId(client, 'sweep')
  const keys = await listKeys(client)
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
        const result = await deleteKey(client, key.id)
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
  runner.setOutput('remaining-count', String(remaining))
  runner.setOutput('failed-count', String(failed.length))
  const verb = settings.dryRun ? 'Dry run: would delete' : 'Deleted'
  runner.info(
    `${verb} ${settings.dryRun ? expired.length : deleted.length} key(s); ${remaining} expired key(s) remain` +
      (failed.length ? `, ${failed.length} failed` : '') +
      (stoppedBy ? ` (stopped: ${stoppedBy}; the next sweep goes on)` : '') +
      '.',
  )
  runner.appendSummary(summary(settings, settings.dryRun ? expired : deleted, failed, remaining))
}

function describe(key: ExpiredKey): string {
  return `key ${key.id} "${key.name}" (overdue by ${formatDuration(roundSeconds(key.overdueMs))})`
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
      formatDuration(roundSeconds(k.overdueMs)),
    ])
  let text = `### Vast.ai key sweep\n\n${listed.length} key(s) ${title}; ${remaining} expired key(s) remain; ${failed.length} failed.\n\n`
  if (rows.length) text += markdownTable(['Key id', 'Name', 'Deadline', 'Overdue by'], rows)
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
