import { formatDuration } from '../../core/duration.ts'
import { isLabelOf, parseInstanceLabel, repositoryHash } from '../../core/instance-label.ts'
import { isoSeconds } from '../../core/key-name.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { VastApiError } from '../../core/vast/errors.ts'
import {
  DESTROY_REFUSED,
  destroyIfStillLabelled,
  isRefusal,
  listInstances,
} from '../../core/vast/instances.ts'
import type { RunReader } from '../github/runs.ts'
import type { SweepSettings } from '../inputs/index.ts'
import type { Runner } from '../runner.ts'
import { markdownTable } from '../summary.ts'
import { MAX_RUN_LOOKUPS } from './sweep-runs.ts'

/**
 * `mode: sweep` with `instances: destroy`: destroys the GPU instances whose label is this action's
 * (docs/instances.md) for this repository (or, with sweep-scope: account, any repository) and
 * whose deadline has passed (plus `grace`); with github-token, also those whose run attempt has
 * completed, whatever their deadline: their post step has run or never will. Never touches an
 * instance whose label is not exactly the action's format; destroys, never stops; counts gone only
 * when Vast says so unambiguously. `dry-run` lists what it would destroy.
 */

export interface InstanceSweepDeps {
  runner: Runner
  client: VastClient
  now: () => Date
  signal?: AbortSignal
  runs?: RunReader
}

interface Due {
  id: number
  label: string
  expiresAt: Date
  reason: 'deadline' | 'run-completed'
  why: string
}

/** Lists every instance, picks those due, destroys them (or says it would); outputs and summary. */
export async function runInstanceSweep(
  settings: SweepSettings,
  deps: InstanceSweepDeps,
): Promise<void> {
  const { runner, client } = deps
  runner.info(
    "instances: destroy — the sweep also destroys this action's instances past their label's deadline; the parent key (admin-api-key) needs instance_read and instance_write.",
  )
  let listing
  try {
    listing = await listInstances(client, undefined)
  } catch (error) {
    const hint =
      error instanceof VastApiError && !error.edge && [401, 403, 404].includes(error.status ?? 0)
        ? ' The parent key (admin-api-key) must be a live key with instance_read and instance_write.'
        : ''
    runner.setFailed(
      `The sweep could not list instances: ${(error as Error).message.replace(/\.$/, '')}.${hint}`,
    )
    return
  }
  const now = deps.now().getTime()
  const due: Due[] = []
  const pending = new Map<string, Array<{ id: number; label: string; expiresAt: Date }>>()
  let unloaded = 0
  const seen = new Set<number>()
  for (const row of listing.rows) {
    if (seen.has(row.id)) continue // a list that names an id twice: one destroy, one count
    seen.add(row.id)
    const parsed =
      settings.scope === 'repository'
        ? isLabelOf(row.label, settings.context.repository)
        : parseInstanceLabel(row.label)
    if (!parsed || row.label === null) continue
    if (row.curState === 'unloaded') {
      unloaded += 1 // a destroy is already under way
      continue
    }
    const overdueMs = now - parsed.expiresAt.getTime()
    if (overdueMs > 0 && overdueMs >= settings.graceMs) {
      due.push({
        id: row.id,
        label: row.label,
        expiresAt: parsed.expiresAt,
        reason: 'deadline',
        why: `deadline passed ${formatDuration(Math.max(1000, Math.round(overdueMs / 1000) * 1000))} ago`,
      })
      continue
    }
    // The run can be asked about only when the repository is known whole: this repository, or a
    // shown name that was not cut or changed (its hash says so).
    const repository =
      settings.scope === 'repository'
        ? settings.context.repository
        : repositoryHash(parsed.repositoryShown) === parsed.repositoryHash
          ? parsed.repositoryShown
          : undefined
    if (!repository) continue
    const run = `${repository}\u0000${parsed.runId}\u0000${parsed.runAttempt}`
    const group = pending.get(run) ?? []
    group.push({ id: row.id, label: row.label, expiresAt: parsed.expiresAt })
    pending.set(run, group)
  }
  if (deps.runs) due.push(...(await completedRuns(deps, deps.runs, pending)))

  const destroyed: Due[] = []
  const gone: Due[] = []
  const failed: Array<{ item: Due; reason: string }> = []
  let stoppedBy = ''
  let spared = 0
  for (const item of settings.dryRun ? [] : due) {
    if (deps.signal?.aborted) {
      stoppedBy = 'the step was cancelled'
      break
    }
    // The list may be stale or wrong: only what Vast, asked by id, shows with the label goes.
    const outcome = await destroyIfStillLabelled(client, item.id, item.label)
    if (outcome.result === 'relabelled') {
      spared += 1
      runner.info(
        `Left Vast.ai instance ${item.id} alone: the list gave it the label ${item.label}, but Vast, asked for it by id, shows another label.`,
      )
      continue
    }
    if (outcome.result === 'failed') {
      const error = outcome.error
      if (error instanceof VastApiError && (error.kind === 'budget' || error.kind === 'aborted')) {
        stoppedBy = error.kind === 'budget' ? 'sweep-budget ran out' : 'the step was cancelled'
        break
      }
      failed.push({ item, reason: outcome.reason })
      runner.warning(
        `Could not destroy Vast.ai instance ${item.id} (${item.label}): ${outcome.reason}` +
          (isRefusal(error) ? `. ${DESTROY_REFUSED}` : ''),
      )
      continue
    }
    ;(outcome.result === 'destroyed' ? destroyed : gone).push(item)
    runner.info(
      outcome.result === 'destroyed'
        ? `Destroyed Vast.ai instance ${item.id} (${item.label}; ${item.why}).`
        : `Vast.ai instance ${item.id} (${item.label}) was already gone.`,
    )
  }
  if (settings.dryRun) {
    for (const item of due)
      runner.info(`Would destroy Vast.ai instance ${item.id} (${item.label}; ${item.why}).`)
  }
  const remaining = due.length - destroyed.length - gone.length - spared
  runner.setOutput(
    'destroyed-instances',
    JSON.stringify(destroyed.map((item) => ({ id: item.id, reason: item.reason }))),
  )
  const total =
    `${settings.dryRun ? 'Dry run: would destroy' : 'Destroyed'} ${settings.dryRun ? due.length : destroyed.length} instance(s)` +
    (gone.length ? `; ${gone.length} already gone` : '') +
    (settings.dryRun
      ? ''
      : `; ${remaining} to destroy remain${failed.length ? `, ${failed.length} failed` : ''}`) +
    (unloaded ? `; ${unloaded} already being destroyed` : '') +
    (listing.complete ? '' : '; the listing was cut short, the next sweep looks again') +
    (stoppedBy ? ` (stopped: ${stoppedBy}; the next sweep goes on)` : '') +
    '.'
  runner.info(total)
  const rows = (settings.dryRun ? due : destroyed).map((item) => [
    String(item.id),
    item.label,
    isoSeconds(item.expiresAt),
    item.why,
  ])
  runner.appendSummary(
    `### Vast.ai instance sweep${settings.dryRun ? ' (dry run)' : ''}\n\n${total}\n\n` +
      (rows.length
        ? markdownTable(['Instance id', 'Label', 'Deadline', 'Why'], rows.slice(0, 200))
        : '') +
      (failed.length
        ? '\n**Failed**\n\n' +
          markdownTable(
            ['Instance id', 'Label', 'Error'],
            failed.map(({ item, reason }) => [String(item.id), item.label, reason]),
          )
        : ''),
  )
  if (failed.length > 0) {
    runner.setFailed(
      `The sweep could not destroy ${failed.length} of ${due.length} instance(s) (see the warnings above); they still run and bill, and the next sweep tries again.`,
    )
  }
}

/** Instances of run attempts GitHub shows as completed; the rest keep to their deadline. */
async function completedRuns(
  deps: InstanceSweepDeps,
  runs: RunReader,
  pending: Map<string, Array<{ id: number; label: string; expiresAt: Date }>>,
): Promise<Due[]> {
  const found: Due[] = []
  let asked = 0
  for (const [key, group] of pending) {
    if (deps.signal?.aborted || runs.outOfTime || asked >= MAX_RUN_LOOKUPS) break
    const [repository = '', runId = '', attempt = ''] = key.split('\u0000')
    asked += 1
    const state = await runs.attempt(repository, runId, attempt)
    const run = `run ${runId} attempt ${attempt} of ${repository}`
    if (state.state !== 'completed') {
      deps.runner.info(
        `${run} ${state.state === 'running' ? `is ${state.status}` : `: ${state.reason}`}; its ${group.length} instance(s) stay.`,
      )
      continue
    }
    deps.runner.info(
      `${run} completed (${state.conclusion}): its ${group.length} instance(s) go now.`,
    )
    for (const item of group) {
      found.push({
        ...item,
        reason: 'run-completed',
        why: `${run} completed (${state.conclusion})`,
      })
    }
  }
  return found.sort((a, b) => a.id - b.id)
}
