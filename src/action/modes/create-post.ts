import { isoSeconds, parseKeyName } from '../../core/key-name.ts'
import type { PostInputs } from '../inputs/post.ts'
import type { Runner } from '../runner.ts'
import { markdownText } from '../summary.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { VastApiError } from '../../core/vast/errors.ts'
import { accessHint, deleteKey, listKeys } from '../../core/vast/keys.ts'
import { readJson, readKeyId, removeExportedConfig, STATE, type CreateState } from './state.ts'
import { deleteLateKeys, sameStep } from '../../core/step-keys.ts'

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

/** What the post step needs: the runner, its inputs, a client for the parent key, its budget. */
export interface CreatePostDeps {
  runner: Runner
  /** The inputs post decides by (src/action/inputs/post.ts); state must agree with them. */
  inputs: PostInputs
  /** A parent-key client for `apiUrl` (always the api-url input's), with state's timeouts. */
  makeClient: (apiUrl: string, state: CreateState) => Promise<VastClient>
  budget: PostBudget
}

/** Room kept at the end of the budget for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000

/**
 * Post step: delete the key made in main (by id, and by name if its creation was uncertain).
 * State is main's (src/action/modes/state.ts), and is still checked against the inputs before the parent
 * key is sent anywhere: see {@link stateProblems}. The key deleted by id must be listed under the
 * name main gave it, so a create answer naming another key (the parent, another job's) deletes
 * nothing.
 */
export async function runCreatePost(deps: CreatePostDeps): Promise<void> {
  const { runner, budget, inputs } = deps
  removeExportedConfig(runner)
  const mode = runner.getState(STATE.mode)
  const state = readJson<CreateState>(runner.getState(STATE.create))
  const savedId = readKeyId(runner.getState(STATE.keyId))
  const problems = stateProblems(mode, state, savedId, inputs)
  if (!state || problems.length > 0) {
    if (problems.length === 0) {
      runner.info('Nothing to delete: the main step stopped before it created a key.')
      return
    }
    // Nothing is sent, so the parent key goes nowhere a forged value names.
    const strict = inputs.mode === 'create' && inputs.cleanupFailure === 'fail'
    const message = untrusted(problems, savedId)
    runner.appendSummary(`### Vast.ai scoped key: post step\n\n- ⚠️ ${markdownText(message)}\n`)
    if (strict || state?.cleanupFailure === 'fail') runner.setFailed(message)
    else runner.warning(message)
    return
  }
  const keyId = typeof savedId === 'number' ? savedId : undefined
  const pending = runner.getState(STATE.pending) === 'true'
  // A rotation that wrote (or may have written) its key into the secret: that key stays; only
  // the strays of an uncertain create of it go.
  const rotated = mode === 'rotated'
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
  const cleanupFailure =
    inputs.mode === 'create' && inputs.cleanupFailure === 'fail' ? 'fail' : state.cleanupFailure
  const summary: string[] = []
  const failures: string[] = []
  const fail = (message: string) => {
    failures.push(message)
    summary.push(`- ⚠️ ${markdownText(message)}`)
  }
  const said = (message: string) => {
    runner.info(message)
    summary.push(`- ${markdownText(message)}`)
  }
  let client: VastClient | undefined
  try {
    // The input's api-url (equal to the state's, checked above): never a URL state alone names.
    client = await deps.makeClient(inputs.apiUrl ?? '', state)
  } catch (error) {
    fail(cannotDelete(state, keyId, error))
  }

  if (client && keyId && state.revoke === 'post' && !rotated) {
    try {
      // Deleted only when Vast lists it under the name main gave it: a create answer that named
      // another key (the parent, another job's) deletes nothing.
      const listed = (await listKeys(client)).find((key) => key.id === keyId)
      if (!listed) {
        said(`Vast.ai key ${keyId} was already gone (the parent key's list no longer has it).`)
      } else if (!sameStep(listed.name, state.name)) {
        fail(
          `Did not delete Vast.ai key ${keyId}: Vast lists it as "${listed.name}", not under the name the main step gave its key ("${state.name}"), so it is not this step's key. ` +
            `The create answer named another key; look for keys named "${state.name}" in the Vast console (Account, API keys) and delete them, or let a scheduled sweep (mode: sweep) delete them after their deadline.`,
        )
      } else {
        const result = await deleteKey(client, keyId)
        said(
          result === 'deleted'
            ? `Deleted Vast.ai key ${keyId}.`
            : `Vast.ai key ${keyId} was already gone.`,
        )
      }
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
      said(
        ids.length > 0
          ? `Deleted ${ids.length} key(s) left by an uncertain or cancelled create (${ids.join(', ')}).`
          : 'No key was left by the uncertain or cancelled create.',
      )
      if (!result.covered) {
        const late = `Vast could still apply the create request until ${isoSeconds(new Date(result.windowEnd))}, after this step had to stop looking. ${nextStep(state)}`
        runner.warning(late)
        summary.push(`- ⚠️ ${markdownText(late)}`)
      }
    } catch (error) {
      fail(cannotDelete(state, undefined, error))
    }
  }

  if (rotated && keyId) {
    said(`Key ${keyId}, which the rotation wrote to the secret, stays.`)
  } else if (state.revoke === 'never' && keyId) {
    said(`revoke: never — key ${keyId} stays; a sweep after its deadline or a delete step ends it.`)
  }
  runner.appendSummary(`### Vast.ai scoped key: post step\n\n${summary.join('\n')}\n`)
  for (const message of failures) {
    if (cleanupFailure === 'fail') runner.setFailed(message)
    else runner.warning(message)
  }
}

/**
 * Why the post step cannot act on state, or []: each check compares what main saved with the
 * inputs post runs with, which no other step can change (src/action/inputs/post.ts). Main saves every
 * state name first (src/action/modes/state.ts), so a mismatch means the inputs changed between the two
 * steps (an expression over something another step wrote) or state was not main's.
 */
export function stateProblems(
  mode: string,
  state: CreateState | undefined,
  keyId: number | undefined | 'invalid',
  inputs: PostInputs,
): string[] {
  const problems: string[] = []
  const expected =
    inputs.mode === 'rotate' ? ['create', 'rotated'] : inputs.mode === 'create' ? ['create'] : []
  if (!expected.includes(mode) || (inputs.mode === 'create' && inputs.broker)) {
    problems.push(
      `the saved mode '${mode}' does not fit mode: ${inputs.mode ?? '(not a mode)'}${inputs.broker ? ' with broker-url' : ''}`,
    )
  }
  if (keyId === 'invalid') problems.push('the saved key id is not a positive integer')
  if (!state) {
    if (keyId !== undefined) problems.push('a key id was saved without the key it belongs to')
    return problems
  }
  if (typeof state.apiUrl !== 'string' || state.apiUrl !== inputs.apiUrl) {
    problems.push(
      `the saved API URL (${String(state.apiUrl)}) is not the api-url input (${inputs.apiUrl ?? 'not a valid URL'})`,
    )
  }
  const fields = typeof state.name === 'string' ? parseKeyName(state.name) : undefined
  const kind = inputs.mode === 'rotate' ? ['rot'] : inputs.revoke === 'never' ? ['keep'] : ['job']
  if (!fields || !kind.includes(fields.kind)) {
    problems.push('the saved key name is not one this mode gives its keys')
  }
  const revoke = inputs.mode === 'rotate' ? 'post' : inputs.revoke
  if (state.revoke !== revoke) {
    problems.push(
      `the saved revoke (${String(state.revoke)}) is not the revoke input (${revoke ?? 'not post or never'})`,
    )
  }
  if (
    !Number.isSafeInteger(state.requestTimeoutMs) ||
    state.requestTimeoutMs <= 0 ||
    !Number.isSafeInteger(state.maxAttempts) ||
    state.maxAttempts <= 0
  ) {
    problems.push('the saved request-timeout or max-attempts is not a positive integer')
  }
  return problems
}

/** The warning when state is not acted on: what did not match, which key, and what to do. */
function untrusted(problems: string[], keyId: number | undefined | 'invalid'): string {
  const key = typeof keyId === 'number' ? `Vast.ai key ${keyId}` : 'any key the main step made'
  return (
    `The post step deleted nothing and sent the parent key nowhere: the state it was given does not match its inputs (${problems.join('; ')}). ` +
    `If the main step made a key, ${key} stays until a scheduled sweep (mode: sweep) deletes it after its deadline; or delete it in the Vast console (Account, API keys).`
  )
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
