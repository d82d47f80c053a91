import { removeConfigFile, type WrittenFile } from '../config-file.ts'
import type { CommonSettings } from '../inputs/index.ts'
import { deadlineFrom, formatKeyName, type KeyKind } from '../key-name.ts'
import type { Permissions } from '../permissions.ts'
import type { Runner } from '../runner.ts'
import type { Secret } from '../secret.ts'
import type { VastClient } from '../vast/client.ts'
import { VastApiError } from '../vast/errors.ts'
import { createKey, deleteKey, deleteKeysNamed } from '../vast/keys.ts'

/**
 * The life of one minted key, shared by create and rotate: its state for the post step, the
 * create request with lost answers resolved by name, cleanup after a cancel, and the post step
 * that deletes what main made.
 */

/** What the post step needs from main; nothing secret (state is logged with debug on). */
export interface CreateState {
  apiUrl: string
  name: string
  revoke: 'post' | 'never'
  cleanupFailure: 'warn' | 'fail'
  requestTimeoutMs: number
  maxAttempts: number
}

export const STATE = {
  mode: 'mode',
  create: 'create',
  keyId: 'key-id',
  /** 'true' while a create may have made a key whose id we do not know (post looks by name). */
  pending: 'create-pending',
  configFile: 'config-file',
} as const

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
  const expiresAt = deadlineFrom(deps.now(), request.ttlMs)
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
  // The answer to a create was lost: find out by name whether it made the key, delete what it
  // made, and only then try again.
  const resolveLostCreate = async (error: VastApiError) => {
    uncertain = true
    const removed = await deleteKeysNamed(client, name)
    runner.info(
      `${error.message}; the request may have been applied: ${removed > 0 ? `deleted the ${removed} key(s) it made` : 'no key was made'}. Trying again.`,
    )
    return 'retry' as const
  }
  let created
  try {
    created = await createKey(client, { name, permissions: request.permissions }, resolveLostCreate)
  } catch (error) {
    // An ambiguous create, even one followed by a definite error, may have left a key.
    uncertain ||= error instanceof VastApiError ? error.ambiguous : true
    if (!uncertain) runner.saveState(STATE.pending, 'false')
    if (error instanceof VastApiError && error.kind === 'aborted') {
      await cleanUpAfterCancel(deps, name)
    }
    throw explainCreateError(error, uncertain)
  }

  runner.setSecret(created.key.reveal())
  runner.saveState(STATE.keyId, String(created.id))
  // After an uncertain create, post also looks by name: an attempt the API applied only after
  // the action gave up on it (a timeout) can still appear later.
  runner.saveState(STATE.pending, uncertain ? 'true' : 'false')
  return { id: created.id, key: created.key, name, expiresAt }
}

/**
 * Cancelled while the create was in flight: the key may exist. Look for it now, within the
 * runner's grace period; the post step looks again in case it appears later.
 */
async function cleanUpAfterCancel(deps: MintDeps, name: string): Promise<void> {
  try {
    const removed = await deleteKeysNamed(await deps.cleanupClient(), name)
    deps.runner.info(
      `Cancelled during the create request; ${removed > 0 ? `deleted the key it made` : 'no key was made so far'}. The post step checks again.`,
    )
  } catch (error) {
    deps.runner.info(
      `Cancelled during the create request; could not check for a key now (${(error as Error).message}). The post step looks for it by name.`,
    )
  }
}

function explainCreateError(error: unknown, uncertain: boolean): unknown {
  if (!(error instanceof VastApiError)) return error
  if (error.kind === 'aborted') return error
  if (uncertain) {
    return new Error(
      `${error.message}. A create request may have made the key; the post step looks for it by name and deletes it.`,
    )
  }
  if (error.status === 429) {
    return new Error(
      `${error.message}. Still rate limited when create-budget ran out: every job sharing one parent key shares Vast's create rate ` +
        '(about one key per 2 s). Raise create-budget, or run fewer jobs at once (strategy.max-parallel).',
    )
  }
  if (
    error.operation.startsWith('Create') &&
    !error.edge &&
    (error.status === 401 || error.status === 403)
  ) {
    return new Error(
      `${error.message}. The parent key (admin-api-key) was refused: it is wrong or deleted, lacks user_write, ` +
        'or does not hold every permission asked for (a key cannot grant more than it holds).',
    )
  }
  return error
}

export interface CreatePostDeps {
  runner: Runner
  makeClient: (state: CreateState) => Promise<VastClient>
}

/** Post step: delete the key made in main (by id, and by name if its creation was uncertain). */
export async function runCreatePost(deps: CreatePostDeps): Promise<void> {
  const { runner } = deps
  removeExportedConfig(runner)
  const state = readJson<CreateState>(runner.getState(STATE.create))
  if (!state) {
    runner.info('Nothing to delete: the main step stopped before it created a key.')
    return
  }
  const keyId = Number(runner.getState(STATE.keyId)) || undefined
  const pending = runner.getState(STATE.pending) === 'true'
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
  try {
    const client = await deps.makeClient(state)
    if (keyId && state.revoke === 'post') {
      const result = await deleteKey(client, keyId)
      runner.info(
        result === 'deleted'
          ? `Deleted Vast.ai key ${keyId}.`
          : `Vast.ai key ${keyId} was already gone.`,
      )
    }
    if (pending) {
      // With revoke: never, the key handed out stays; only strays of an uncertain create go.
      const keep = state.revoke === 'never' ? keyId : undefined
      const removed = await deleteKeysNamed(client, state.name, keep)
      runner.info(
        removed > 0
          ? `Deleted ${removed} key(s) left by an uncertain or cancelled create.`
          : 'No key was left by the uncertain or cancelled create.',
      )
    }
  } catch (error) {
    const message = `Could not delete the Vast.ai key ${keyId ?? `named ${state.name}`}: ${(error as Error).message}. A sweep deletes it after its deadline.`
    if (state.cleanupFailure === 'fail') runner.setFailed(message)
    else runner.warning(message)
  }
}

function removeExportedConfig(runner: Runner): void {
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

function readJson<T>(raw: string): T | undefined {
  if (!raw) return undefined
  try {
    return JSON.parse(raw) as T
  } catch {
    return undefined
  }
}
