import type { CreateSettings } from '../inputs.ts'
import { formatKeyName, deadlineFrom, isoSeconds } from '../key-name.ts'
import { permissionsJson } from '../permissions.ts'
import type { Runner } from '../runner.ts'
import { markdownTable } from '../summary.ts'
import type { VastClient } from '../vast/client.ts'
import { VastApiError } from '../vast/errors.ts'
import { createKey, deleteKey, deleteKeysNamed } from '../vast/keys.ts'

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
  ambiguous: 'create-ambiguous',
} as const

export interface CreateDeps {
  runner: Runner
  client: VastClient
  now: () => Date
  nonce: () => string
}

/** Main step: mint the scoped key, mask it, hand it out, remember its id. */
export async function runCreate(settings: CreateSettings, deps: CreateDeps): Promise<void> {
  const { runner, client } = deps
  const expiresAt = deadlineFrom(deps.now(), settings.ttlMs)
  const name = formatKeyName({
    label: settings.label,
    expiresAt,
    ...settings.context,
    nonce: deps.nonce(),
  })
  // Saved before the request goes out: if the answer never arrives (lost, cancelled), post can
  // still find the key by its unique name.
  const state: CreateState = {
    apiUrl: settings.apiUrl,
    name,
    revoke: settings.revoke,
    cleanupFailure: settings.cleanupFailure,
    requestTimeoutMs: settings.requestTimeoutMs,
    maxAttempts: settings.maxAttempts,
  }
  runner.saveState(STATE.mode, 'create')
  runner.saveState(STATE.create, JSON.stringify(state))

  let created
  let uncertain = false
  try {
    created = await createKey(
      client,
      { name, permissions: settings.permissions },
      async (error) => {
        uncertain = true
        runner.saveState(STATE.ambiguous, 'true')
        const removed = await deleteKeysNamed(client, name)
        runner.info(
          `${error.message}; the request may have been applied: ${removed > 0 ? `deleted the ${removed} key(s) it made` : 'no key was made'}. Trying again.`,
        )
        return 'retry'
      },
    )
  } catch (error) {
    if (error instanceof VastApiError && error.ambiguous) uncertain = true
    if (uncertain) runner.saveState(STATE.ambiguous, 'true')
    throw explainCreateError(error, uncertain)
  }

  runner.setSecret(created.key.reveal())
  runner.saveState(STATE.keyId, String(created.id))

  const permissions = permissionsJson(settings.permissions)
  runner.setOutput('api-key', created.key.reveal())
  runner.setOutput('key-id', String(created.id))
  runner.setOutput('key-name', name)
  runner.setOutput('expires-at', isoSeconds(expiresAt))
  runner.setOutput('permissions', permissions)
  if (settings.exportEnv) runner.exportVariable('VAST_API_KEY', created.key.reveal())

  const categories = Object.keys(settings.permissions.api).join(', ')
  runner.info(
    `Created Vast.ai key ${created.id} (${categories}), deadline ${isoSeconds(expiresAt)}; ` +
      (settings.revoke === 'post'
        ? 'it is deleted when the job ends.'
        : 'revoke: never, so a sweep or a delete step must end it.'),
  )
  runner.appendSummary(
    `### Vast.ai scoped key\n\n` +
      markdownTable(
        ['Key id', 'Name', 'Permissions', 'Deadline', 'Deleted'],
        [
          [
            String(created.id),
            name,
            permissions,
            isoSeconds(expiresAt),
            settings.revoke === 'post' ? 'when the job ends' : 'by a sweep or delete step',
          ],
        ],
      ),
  )
}

function explainCreateError(error: unknown, uncertain: boolean): unknown {
  if (!(error instanceof VastApiError)) return error
  if (uncertain) {
    return new Error(
      `${error.message}. A create request may have made the key; the post step looks for it by name and deletes it.`,
    )
  }
  if (error.operation.startsWith('Create') && (error.status === 401 || error.status === 403)) {
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
  const state = readState(runner)
  if (!state) {
    runner.info('Nothing to delete: the main step stopped before it created a key.')
    return
  }
  const keyId = Number(runner.getState(STATE.keyId)) || undefined
  const ambiguous = runner.getState(STATE.ambiguous) === 'true'
  if (!keyId && !ambiguous) {
    runner.info('Nothing to delete: the main step created no key.')
    return
  }
  if (state.revoke === 'never') {
    runner.info(
      `revoke: never — key ${keyId ?? state.name} stays; a sweep after its deadline or a delete step ends it.`,
    )
    return
  }
  try {
    const client = await deps.makeClient(state)
    if (keyId) {
      const result = await deleteKey(client, keyId)
      runner.info(
        result === 'deleted'
          ? `Deleted Vast.ai key ${keyId}.`
          : `Vast.ai key ${keyId} was already gone.`,
      )
    }
    if (ambiguous) {
      const removed = await deleteKeysNamed(client, state.name)
      if (removed > 0) runner.info(`Deleted ${removed} key(s) left by an uncertain create.`)
    }
  } catch (error) {
    const message = `Could not delete the Vast.ai key ${keyId ?? `named ${state.name}`}: ${(error as Error).message}. A sweep deletes it after its deadline.`
    if (state.cleanupFailure === 'fail') runner.setFailed(message)
    else runner.warning(message)
  }
}

function readState(runner: Runner): CreateState | undefined {
  const raw = runner.getState(STATE.create)
  if (!raw) return undefined
  try {
    return JSON.parse(raw) as CreateState
  } catch {
    return undefined
  }
}
