import { setTimeout as delay } from 'node:timers/promises'
import { isLabelOfJob } from '../../core/instance-label.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { VastApiError } from '../../core/vast/errors.ts'
import {
  DESTROY_REFUSED,
  destroyIfStillLabelled,
  isRefusal,
  listInstances,
  MAX_LIST_PAGES,
  type DestroyOutcome,
  type InstanceRow,
} from '../../core/vast/instances.ts'
import type { GitHubContext } from '../inputs/index.ts'
import type { InstancesSettings } from '../inputs/settings.ts'
import type { Runner } from '../runner.ts'
import { markdownTable, markdownText } from '../summary.ts'
import type { PostBudget } from './create-post.ts'
import { STATE } from './state.ts'

/**
 * `instances: destroy`, in the post step of create mode: destroy every GPU instance labelled with
 * this job's instance label (VAST_INSTANCE_LABEL), which main saved in its state. Runs after the
 * key's own cleanup: once the job's key is deleted nothing can start another instance with it, so
 * the listings that follow see all the job made, but for a create Vast lists late, which the
 * second listing after `instances-grace` is for. Never stops (a stopped instance still bills);
 * never touches a row whose label is not exactly the job's label, whatever the server's filter let
 * through; counts an instance gone only when Vast says so unambiguously (I6 `success: true`, or
 * I3 `{"instances": null}`); a 404 alone may be a bad key (vast-instances-api.md, "General").
 */

/** The state name main saves the label under, first thing in create mode. */
export const INSTANCE_LABEL_STATE = STATE.instanceLabel

/** Room kept at the end of post's budget for the second listing and its destroys. */
const SECOND_LOOK_RESERVE_MS = 8_000

export interface InstancesPostDeps {
  runner: Runner
  settings: InstancesSettings
  /** The post step's own run identity (GITHUB_REPOSITORY, _RUN_ID, _RUN_ATTEMPT, _JOB). */
  context: GitHubContext
  cleanupFailure: 'warn' | 'fail'
  makeClient: () => Promise<VastClient>
  budget: PostBudget
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
}

interface Handled {
  id: number
  outcome: DestroyOutcome
}

/**
 * Lists, destroys, waits the grace, lists and destroys again; then says what became of each
 * instance in the log and the job summary. A failure (a listing refused, a destroy not confirmed,
 * a label in the state that is not this job's) follows cleanup-failure.
 */
export async function runInstancesPost(deps: InstancesPostDeps): Promise<void> {
  const { runner, settings, budget } = deps
  if (settings.instances !== 'destroy') return
  const label = runner.getState(STATE.instanceLabel)
  if (!label) {
    runner.info('instances: destroy, but the main step made no instance label: nothing to destroy.')
    return
  }
  const failures: string[] = []
  const handled = new Map<number, Handled>()
  if (!isLabelOfJob(label, deps.context)) {
    failures.push(
      "The instance label in the state is not the label of this job (another repository, run, attempt or job, or not the action's format): destroying nothing. A scheduled sweep (mode: sweep) destroys the job's instances after their deadline.",
    )
    return report(deps, label, handled, failures, false)
  }
  runner.info(
    `instances: destroy — destroying every Vast.ai instance labelled ${label}. The parent key (admin-api-key) needs instance_read (to list them) and instance_write (to destroy them).`,
  )
  let secondLookDone = false
  let cutShort = false
  try {
    const client = await deps.makeClient()
    const firstLookAt = Date.now()
    cutShort = !(await destroyListed(runner, client, label, handled))
    const wait = Math.min(
      firstLookAt + settings.graceMs - Date.now(),
      budget.deadline() - SECOND_LOOK_RESERVE_MS - Date.now(),
    )
    if (firstLookAt + settings.graceMs - Date.now() > wait && settings.graceMs > 0) {
      runner.info(
        `Waiting only ${Math.max(0, Math.round(wait / 1000))} s of instances-grace: the post step's budget is short.`,
      )
    }
    if (wait > 0) {
      runner.info(`Listing again in ${Math.round(wait / 1000)} s, for instances Vast lists late.`)
      // In short steps: a cancel moves the budget's deadline earlier, and the wait with it.
      const until = Date.now() + wait
      const sleep = deps.sleep ?? realSleep
      for (;;) {
        const left = Math.min(until, budget.deadline() - SECOND_LOOK_RESERVE_MS) - Date.now()
        if (left <= 0 || budget.signal?.aborted) break
        await sleep(Math.min(left, 250), budget.signal)
      }
    }
    cutShort = !(await destroyListed(runner, client, label, handled)) || cutShort
    secondLookDone = true
  } catch (error) {
    failures.push(
      `Could not list or destroy the instances labelled ${label}: ${error instanceof Error ? error.message : String(error)}. ${accessHint(error)}`.trim(),
    )
  }
  if (cutShort) {
    // A cursor named twice (or past the page cap): rows on the pages not read may be the job's.
    failures.push(
      `The listing of the instances labelled ${label} was cut short (Vast named a page cursor it had named before, or there were more than ${MAX_LIST_PAGES} pages): instances on the pages not read may still run. A scheduled sweep (mode: sweep) destroys them after their label's deadline.`,
    )
  }
  for (const { id, outcome } of handled.values()) {
    if (outcome.result === 'failed') {
      const said = `Could not destroy Vast.ai instance ${id}: ${outcome.reason.replace(/\.$/, '')}.`
      failures.push(
        isRefusal(outcome.error)
          ? `${said} ${DESTROY_REFUSED} Give it instance_write (a sweep with this key cannot destroy it either), then run \`vastai destroy instance ${id} -y\`.`
          : `${said} A scheduled sweep (mode: sweep) destroys it after its label's deadline; or run \`vastai destroy instance ${id} -y\`.`,
      )
    }
  }
  report(deps, label, handled, failures, secondLookDone, cutShort)
}

/**
 * One listing with the label filter: destroys every exact match not already destroyed or gone.
 * Returns whether the listing read every page (false: a cursor repeated, or the page cap).
 */
async function destroyListed(
  runner: Runner,
  client: VastClient,
  label: string,
  handled: Map<number, Handled>,
): Promise<boolean> {
  const listing = await listInstances(client, { label: { eq: label } })
  // The server's filter only narrows; the label must be exactly the job's, byte for byte.
  const matches = listing.rows.filter((row: InstanceRow) => row.label === label)
  for (const row of matches) {
    const before = handled.get(row.id)
    if (before && before.outcome.result !== 'failed') continue
    // The list may be stale or wrong: only what Vast, asked by id, shows with the label goes.
    const outcome = await destroyIfStillLabelled(client, row.id, label)
    if (outcome.result === 'relabelled') {
      runner.info(
        `Left Vast.ai instance ${row.id} alone: the list gave it the job's label, but Vast, asked for it by id, shows another label.`,
      )
      handled.delete(row.id)
      continue
    }
    handled.set(row.id, { id: row.id, outcome })
  }
  return listing.complete
}

/** Why a listing or destroy was refused, when it was: which scopes the parent key needs. */
function accessHint(error: unknown): string {
  if (!(error instanceof VastApiError) || error.edge) return ''
  if (error.status !== 401 && error.status !== 403 && error.status !== 404) return ''
  return 'The parent key (admin-api-key) must be a live key with instance_read and instance_write (Vast may answer 404 for a wrong or deleted key).'
}

function report(
  deps: InstancesPostDeps,
  label: string,
  handled: Map<number, Handled>,
  failures: string[],
  complete: boolean,
  cutShort = false,
): void {
  const { runner } = deps
  const rows: string[][] = []
  for (const { id, outcome } of [...handled.values()].sort((a, b) => a.id - b.id)) {
    const said =
      outcome.result === 'destroyed'
        ? `Destroyed Vast.ai instance ${id}.`
        : outcome.result === 'gone'
          ? `Vast.ai instance ${id} was already gone (Vast shows it no more).`
          : `Could not destroy Vast.ai instance ${id}.`
    if (outcome.result !== 'failed') runner.info(said)
    rows.push([
      String(id),
      outcome.result === 'destroyed'
        ? 'destroyed'
        : outcome.result === 'gone'
          ? 'already gone'
          : `not destroyed: ${outcome.reason}`,
    ])
  }
  const destroyed = [...handled.values()].filter((h) => h.outcome.result === 'destroyed').length
  const total =
    handled.size === 0
      ? cutShort
        ? `No instance labelled ${label} was found on the pages read (the listing was cut short).`
        : `No instance labelled ${label} was found${complete ? ' (listed twice)' : ''}.`
      : `Destroyed ${destroyed} of ${handled.size} instance(s) labelled ${label}.`
  runner.info(total)
  runner.appendSummary(
    `\n### Vast.ai instances: post step\n\n${total}\n\n` +
      (rows.length ? markdownTable(['Instance id', 'What became of it'], rows) : '') +
      // Failures carry Vast's own messages: outside text, so text, never Markdown.
      failures.map((f) => `\n- ⚠️ ${markdownText(f)}`).join('') +
      (failures.length ? '\n' : ''),
  )
  for (const message of failures) {
    if (deps.cleanupFailure === 'fail') runner.setFailed(message)
    else runner.warning(message)
  }
}

const realSleep = (ms: number, signal?: AbortSignal) =>
  delay(ms, undefined, signal ? { signal } : undefined).catch(() => undefined)
