import type { CommonSettings } from '../inputs/index.ts'
import { deadlineFrom, formatKeyName, isoSeconds, type KeyKind } from '../../core/key-name.ts'
import type { Permissions } from '../../core/permissions.ts'
import type { Runner } from '../runner.ts'
import type { Secret } from '../../core/secret.ts'
import { CANCEL_CLEANUP_BUDGET_MS } from '../signals.ts'
import type { VastClient } from '../../core/vast/client.ts'
import { VastApiError } from '../../core/vast/errors.ts'
import { accessHint, createKey, parentKeyIdIfKnown } from '../../core/vast/keys.ts'
import { clockWarning, vastTime } from '../../core/vast/clock.ts'
import { deleteLateKeys, deleteStepKeys, uncertaintyEnd } from '../../core/step-keys.ts'
import { STATE, type CreateState } from './state.ts'

/**
 * The life of one minted key, shared by create and rotate: its state for the post step, the
 * create request with lost answers resolved by name, cleanup after a cancel, and the post step
 * that deletes what main made.
 */

export { readJson, STATE, type CreateState } from './state.ts'

/** What minting needs: create mode's settings fit as they are. */
export interface MintRequest extends Pick<
  CommonSettings,
  'apiUrl' | 'requestTimeoutMs' | 'maxAttempts' | 'context'
> {
  permissions: Permissions
  label: string
  ttlMs: number
  revoke: CreateState['revoke']
  cleanupFailure: CreateState['cleanupFailure']
  /** Written into the name (`m=`): who may end the key before its deadline. */
  kind: KeyKind
  /** Rotation keys only: the target id written into the name (`t=`). */
  target?: string
}

export interface MintDeps {
  runner: Runner
  client: VastClient
  now: () => Date
  nonce: () => string
  /** A client for cleaning up after a cancel: not tied to the cancelled signal, short budget. */
  cleanupClient: () => Promise<VastClient>
}

export interface MintedKey {
  id: number
  key: Secret
  name: string
  expiresAt: Date
}

/** Creates the key (state first, so post can always find it), masks it, records its id. */
export async function mintKey(request: MintRequest, deps: MintDeps): Promise<MintedKey> {
  const { runner, client } = deps
  // The parent's id (an answer naming it is refused), and Vast's clock for the deadline.
  const parentKeyId = await parentKeyIdIfKnown(client)
  const skew = clockWarning(client, "the key's deadline")
  if (skew) runner.warning(skew)
  const expiresAt = deadlineFrom(vastTime(client, deps.now()), request.ttlMs)
  const name = formatKeyName({
    label: request.label,
    kind: request.kind,
    expiresAt,
    ...request.context,
    ...(request.target ? { target: request.target } : {}),
    nonce: deps.nonce(),
  })
  // Saved before the request goes out: if the answer never arrives (lost, cancelled, killed),
  // post can still find the key by its unique name.
  const state: CreateState = {
    apiUrl: request.apiUrl,
    name,
    revoke: request.revoke,
    cleanupFailure: request.cleanupFailure,
    requestTimeoutMs: request.requestTimeoutMs,
    maxAttempts: request.maxAttempts,
  }
  runner.saveState(STATE.mode, 'create')
  runner.saveState(STATE.create, JSON.stringify(state))
  runner.saveState(STATE.pending, 'true')

  let uncertain = false
  // The send time of the request in flight, and of the last one that got no answer.
  let sentAt = 0
  let uncertainAt = 0
  const onSend = () => {
    sentAt = Date.now()
    runner.saveState(STATE.sentAt, String(sentAt))
  }
  // The answer to a create was lost: find out by name whether it made the key, delete what it
  // made, and only then try again.
  const resolveLostCreate = async (error: VastApiError) => {
    uncertain = true
    uncertainAt = sentAt
    const removed = await deleteStepKeys(client, name)
    runner.info(
      `${error.message}; the request may have been applied: ${removed.length > 0 ? `deleted the ${removed.length} key(s) it made` : 'no key was made so far'}. Trying again.`,
    )
    return 'retry' as const
  }
  let created
  try {
    created = await createKey(
      client,
      { name, permissions: request.permissions, parentKeyId },
      resolveLostCreate,
      onSend,
    )
  } catch (error) {
    // An ambiguous create, even one followed by a definite error, may have left a key.
    const ambiguous = error instanceof VastApiError ? error.ambiguous : true
    if (ambiguous && sentAt) uncertainAt = sentAt
    uncertain ||= ambiguous
    if (!uncertain) runner.saveState(STATE.pending, 'false')
    else if (uncertainAt) runner.saveState(STATE.uncertainAt, String(uncertainAt))
    if (error instanceof VastApiError && error.kind === 'aborted' && uncertainAt) {
      await cleanUpAfterCancel(deps, name, uncertainAt, request.requestTimeoutMs)
    }
    throw explainCreateError(error, uncertain, Object.keys(request.permissions.api))
  }

  runner.setSecret(created.key.reveal())
  runner.saveState(STATE.keyId, String(created.id))
  // After an uncertain create, post also looks by name: an attempt the API applied only after
  // the action gave up on it (a timeout) can still appear later.
  runner.saveState(STATE.pending, uncertain ? 'true' : 'false')
  if (uncertain) runner.saveState(STATE.uncertainAt, String(uncertainAt))
  return { id: created.id, key: created.key, name, expiresAt }
}

/** Room kept before the runner's SIGTERM for the last look and its deletes. */
const LAST_LOOK_RESERVE_MS = 2_000

/**
 * Cancelled while the create was in flight: the key may exist, or appear once Vast applies the
 * request. Look now and, when the window for a late apply ends within the runner's grace, wait
 * for it and look again; otherwise the post step looks again after the window.
 */
async function cleanUpAfterCancel(
  deps: MintDeps,
  name: string,
  uncertainAt: number,
  requestTimeoutMs: number,
): Promise<void> {
  const started = Date.now()
  const windowEnd = uncertaintyEnd(uncertainAt, requestTimeoutMs)
  const lastLookBy = started + CANCEL_CLEANUP_BUDGET_MS - LAST_LOOK_RESERVE_MS
  try {
    const client = await deps.cleanupClient()
    const result =
      windowEnd <= lastLookBy
        ? await deleteLateKeys({
            client,
            stepName: name,
            uncertainAt,
            requestTimeoutMs,
            lastLookBy: () => lastLookBy,
            log: (message) => deps.runner.info(message),
          })
        : { deleted: await deleteStepKeys(client, name), covered: false }
    deps.runner.info(
      `Cancelled during the create request; ${result.deleted.length > 0 ? `deleted the ${result.deleted.length} key(s) it made` : 'no key was made so far'}. ` +
        (result.covered
          ? 'Vast can no longer apply the request.'
          : `Vast could still apply the request until ${isoSeconds(new Date(windowEnd))}: the post step looks again (it can wait up to 48s; a key made later is left to a sweep).`),
    )
  } catch (error) {
    deps.runner.info(
      `Cancelled during the create request; could not check for a key now (${(error as Error).message}). The post step looks for it by name.`,
    )
  }
}

/** `asked`: the categories the new key asked for, named in a refusal (the parent must hold each). */
function explainCreateError(error: unknown, uncertain: boolean, asked: string[]): unknown {
  if (!(error instanceof VastApiError)) return error
  if (error.kind === 'aborted') return error
  const hint = accessHint(error)
  // The API's message may end its own sentence: never two full stops.
  const said = error.message.replace(/\.$/, '')
  if (uncertain && hint) {
    return new Error(
      `${said}. ${hint}. A create request may have made a key that this parent key cannot look for: ` +
        'the post step tries again, and if it cannot, delete it in the Vast console (Account, API keys)',
    )
  }
  if (uncertain) {
    return new Error(
      `${said}. A create request may have made the key; the post step looks for it by name and deletes it.`,
    )
  }
  if (error.status === 429) {
    return new Error(
      `${said}. Still rate limited when create-budget ran out: every job sharing one parent key shares Vast's create rate ` +
        '(about one key per 2 s). Raise create-budget, or run fewer jobs at once (strategy.max-parallel).',
    )
  }
  if (
    error.operation.startsWith('Create') &&
    !error.edge &&
    (error.status === 401 || error.status === 403)
  ) {
    // Vast answers 401 "Invalid user key" for a key it does not know (vast-api.md, E2/E6); any
    // other refusal of a known key is a missing scope or a grant beyond what it holds (E1).
    const unknownKey = /invalid user key/i.test(error.apiMessage ?? '')
    return new Error(
      unknownKey
        ? `${said}. The parent key (admin-api-key) is not a live Vast.ai key: it is wrong, cut short or deleted. Check the secret.`
        : `${said}. The parent key (admin-api-key) was refused: it lacks user_write, ` +
            `or does not hold every permission asked for (${asked.join(', ')}; a key cannot grant more than it holds).`,
    )
  }
  return error
}
