import { createHash } from 'node:crypto'
import { formatInstanceLabel, parseInstanceLabel } from '../core/instance-label.ts'
import { parseKeyName } from '../core/key-name.ts'
import type { VastClient } from '../core/vast/client.ts'
import { VastApiError } from '../core/vast/errors.ts'
import { destroyIfStillLabelled, listInstances } from '../core/vast/instances.ts'

/**
 * The key broker's side of "instances die with the job" (docs/instances.md): a rule with
 * `destroy-instances: true` hands the job an instance label with its key, and the DELETE that
 * ends the key destroys the instances with exactly that label. The broker stores nothing, so the
 * label is derived from the key's name (which carries the repository, run, attempt, job, deadline
 * and a random nonce): the DELETE recomputes it from the key Vast holds, and nothing the job sends
 * chooses what is destroyed.
 */

/** The instance label of a broker key, or undefined when the name is not a managed job key's. */
export function instanceLabelForKey(name: string): string | undefined {
  const fields = parseKeyName(name)
  if (fields?.kind !== 'job' || !/^\d{1,20}$/.test(fields.runId)) return undefined
  if (!/^\d{1,5}$/.test(fields.runAttempt)) return undefined
  return formatInstanceLabel({
    repository: fields.repository,
    runId: fields.runId,
    runAttempt: fields.runAttempt,
    job: fields.job,
    expiresAt: fields.expiresAt,
    nonce: createHash('sha256').update(`vski1 ${name}`).digest('hex').slice(0, 12),
  })
}

export interface InstancesOutcome {
  destroyed: number[]
  gone: number[]
  /** Vast's own words stay in the broker's log: a job gets the ids only. */
  failed: Array<{ id: number; reason: string }>
  /** False when the listing stopped early (a cursor named twice, the page cap): more may run. */
  complete: boolean
}

/**
 * Lists the instances with `label` (every page), keeps exact matches, destroys each; gone only
 * when Vast says so unambiguously (src/core/vast/instances.ts). One pass: the action's post step
 * calls DELETE when the job ends, and the broker's sweep catches what appears later.
 */
export async function destroyLabelled(
  client: VastClient,
  label: string,
): Promise<InstancesOutcome> {
  const listing = await listInstances(client, { label: { eq: label } })
  const outcome: InstancesOutcome = {
    destroyed: [],
    gone: [],
    failed: [],
    complete: listing.complete,
  }
  const seen = new Set<number>()
  for (const row of listing.rows.filter((r) => r.label === label)) {
    if (seen.has(row.id)) continue // a list that names an id twice: one destroy
    seen.add(row.id)
    // The list may be stale or wrong: only what Vast, asked by id, shows with the label goes.
    const result = await destroyIfStillLabelled(client, row.id, label)
    if (result.result === 'relabelled') continue
    if (result.result === 'destroyed') outcome.destroyed.push(row.id)
    else if (result.result === 'gone') outcome.gone.push(row.id)
    else outcome.failed.push({ id: row.id, reason: result.reason })
  }
  return outcome
}

/**
 * The broker's sweep over instances: every instance whose label is the action's format (any
 * repository) and whose deadline passed more than `graceMs` ago is destroyed. Rows already being
 * destroyed (`cur_state: unloaded`) are skipped. Stops at the budget.
 */
export async function sweepExpiredInstances(
  client: VastClient,
  graceMs: number,
  now: () => Date,
): Promise<{ destroyed: number[]; failed: number }> {
  const deadline = now().getTime() - graceMs
  const listing = await listInstances(client, undefined)
  const result = { destroyed: [] as number[], failed: 0 }
  for (const row of listing.rows) {
    const parsed = parseInstanceLabel(row.label)
    if (!parsed || row.curState === 'unloaded' || parsed.expiresAt.getTime() >= deadline) continue
    // The list may be stale or wrong: only what Vast, asked by id, shows with the label goes.
    const outcome = await destroyIfStillLabelled(client, row.id, row.label ?? '')
    if (outcome.result === 'relabelled') continue
    if (outcome.result === 'failed') {
      const error = outcome.error
      if (error instanceof VastApiError && (error.kind === 'budget' || error.kind === 'aborted'))
        break
      result.failed += 1
    } else result.destroyed.push(row.id)
  }
  return result
}
