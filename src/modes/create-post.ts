import { removeConfigFile, type WrittenFile } from '../config-file.ts'
import { isoSeconds, parseKeyName } from '../core/key-name.ts'
import type { Runner } from '../runner.ts'
import type { VastClient } from '../core/vast/client.ts'
import { VastApiError } from '../core/vast/errors.ts'
import { accessHint, deleteKey } from '../core/vast/keys.ts'
import { readJson, STATE, type CreateState } from './mint.ts'
import { deleteLateKeys } from '../core/step-keys.ts'

/**
 * The post step of create (and of a rotation that did not finish): delete the key main made, by
 * id (a rotation's key once written to the secret stays); after an uncertain create, also every key of this step found by name, looking again once
 * Vast can no longer apply a request that got no answer. Says in the log and the job summary what
 * became of each key, and what to do when a key could not be deleted.
 */

export interface PostBudget {
  /** Nothing is started past this moment (epoch ms); a cancel moves it earlier. */
  deadline(): number
  /** Aborts waits when the budget (or the runner's grace after a cancel) is over. */
  signal?: AbortSignal
}

/** What the post step needs: the runner, a client for the parent key, and its budget. */
export interface CreatePostDeps {
  runner: Runner
  makeClient: (state: CreateState) => Promise<VastClient>
  budget: PostBudget
}

/** Room kept at the end of the budget for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000

/** Post step: delete the key made in main (by id, and by name if its creation was uncertain). */
export async function runCreatePost(deps: CreatePostDeps): Promise<void> {
  const { runner, budget } = deps
  removeExportedConfig(runner)
  const state = readJson<CreateState>(runner.getState(STATE.create))
  if (!state) {
    runner.info('Nothing to delete: the main step stopped before it created a key.')
    return
  }
  const keyId = Number(runner.getState(STATE.keyId)) || undefined
  const pending = runner.getState(STATE.pending) === 'true'
  // A rotation that wrote (or may have written) its key into the secret: that key stays; only
  // the strays of an uncertain create of it go.
  const rotated = runner.getState(STATE.mode) === 'rotated'
  if (rotated && !pending) {
    runner.info('Nothing to clean up: the rotation completed.')
    return
  }
  const kept = state.revoke === 'never' || rotated ? keyId : undefined
  if (!keyId && !pending) {
    runner.info('Nothing to delete: the main step created no key.')
    return
  }
  if (state.revoke === 'never' && keyId && !pending) {
    runner.info(
      `revoke: never — key ${keyId} stays; a sweep after its deadline or a delete step ends it.`,
    )
    return
  }
  const summary: string[] = []
  const failures: string[] = []
  const fail = (message: string) => {
    failures.push(message)
    summary.push(`- ⚠️ ${message}`)
  }
  let client: VastClient | undefined
  try {
    client = await deps.makeClient(state)
  } catch (error) {
    fail(cannotDelete(state, keyId, error))
  }

  if (client && keyId && state.revoke === 'post' && !rotated) {
    try {
      const result = await deleteKey(client, keyId)
      const said =
        result === 'deleted'
          ? `Deleted Vast.ai key ${keyId}.`
          : `Vast.ai key ${keyId} was already gone.`
      runner.info(said)
      summary.push(`- ${said}`)
    } catch (error) {
      fail(cannotDelete(state, keyId, error))
    }
  }

  if (client && pending) {
    // A create request got no answer: Vast may have applied it, now or a little later. The key
    // handed out with revoke: never, or written into a rotation's secret, stays; every other key
    // of this step goes.
    const sentAt = Number(runner.getState(STATE.sentAt)) || 0
    const uncertainAt = Number(runner.getState(STATE.uncertainAt)) || sentAt
    try {
      const result = await deleteLateKeys({
        client,
        stepName: state.name,
        ...(kept ? { except: kept } : {}),
        uncertainAt,
        requestTimeoutMs: state.requestTimeoutMs,
        lastLookBy: () => budget.deadline() - LAST_LOOK_RESERVE_MS,
        log: (message) => runner.info(message),
        ...(budget.signal ? { signal: budget.signal } : {}),
      })
      const ids = result.deleted.map((key) => key.id)
      const said =
        ids.length > 0
          ? `Deleted ${ids.length} key(s) left by an uncertain or cancelled create (${ids.join(', ')}).`
          : 'No key was left by the uncertain or cancelled create.'
      runner.info(said)
      summary.push(`- ${said}`)
      if (!result.covered) {
        const late = `Vast could still apply the create request until ${isoSeconds(new Date(result.windowEnd))}, after this step had to stop looking. ${nextStep(state)}`
        runner.warning(late)
        summary.push(`- ⚠️ ${late}`)
      }
    } catch (error) {
      fail(cannotDelete(state, undefined, error))
    }
  }

  if (rotated && keyId) {
    const said = `Key ${keyId}, which the rotation wrote to the secret, stays.`
    runner.info(said)
    summary.push(`- ${said}`)
  } else if (state.revoke === 'never' && keyId) {
    const said = `revoke: never — key ${keyId} stays; a sweep after its deadline or a delete step ends it.`
    runner.info(said)
    summary.push(`- ${said}`)
  }
  runner.appendSummary(`### Vast.ai scoped key: post step\n\n${summary.join('\n')}\n`)
  for (const message of failures) {
    if (state.cleanupFailure === 'fail') runner.setFailed(message)
    else runner.warning(message)
  }
}

/**
 * The message for a key that could not be deleted: which key, why, and what to do next. A sweep
 * is named only when it can work: a parent key refused here is refused in a sweep too.
 */
function cannotDelete(state: CreateState, keyId: number | undefined, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error)
  const hint = accessHint(error)
  const what =
    keyId !== undefined
      ? `Could not delete the Vast.ai key ${keyId} ("${state.name}")`
      : `Could not check whether a create request left a Vast.ai key named "${state.name}"`
  const cancelled = error instanceof VastApiError && error.kind === 'aborted'
  return `${what}: ${reason}${cancelled ? ' (the runner ends the step soon after a cancel)' : ''}. ${hint ? `${hint}. ` : ''}${nextStep(state, keyId, !hint)}`
}

function nextStep(state: CreateState, keyId?: number, sweepCanWork = true): string {
  const fields = parseKeyName(state.name)
  const deadline = fields ? isoSeconds(fields.expiresAt) : 'its deadline'
  const byHand =
    keyId !== undefined
      ? `delete it with a step using mode: delete and key-id: ${keyId}, or in the Vast console (Account, API keys)`
      : `look for keys with that name in the Vast console (Account, API keys) and delete them`
  if (!sweepCanWork) return `${byHand[0]?.toUpperCase()}${byHand.slice(1)}.`
  const early =
    fields?.kind === 'job'
      ? ', or as soon as this run has completed when it is given github-token (docs/reliability.md)'
      : ''
  return `A scheduled sweep (mode: sweep) deletes it after its deadline ${deadline}${early}; or ${byHand}.`
}

/** Removes the file export-config wrote in main, if it is still that file. */
export function removeExportedConfig(runner: Runner): void {
  const file = readJson<WrittenFile>(runner.getState(STATE.configFile))
  if (!file) return
  try {
    const result = removeConfigFile(file)
    if (result === 'removed') runner.info(`Removed ${file.path}.`)
    if (result === 'replaced') {
      runner.warning(`${file.path} is no longer the file this action wrote; left it alone.`)
    }
  } catch (error) {
    runner.warning(
      `Could not remove ${file.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
}
