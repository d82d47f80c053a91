import { removeConfigFile, type WrittenFile } from '../config-file.ts'
import { NETWORK_STATE } from '../../core/network-fingerprint.ts'
import type { Runner } from '../runner.ts'

/**
 * Every name the post step reads from state, in one table, and main's first act: saving each of
 * them. The runner starts a post step's environment from the env context, where any step of the
 * job can put `STATE_<name>` lines through `$GITHUB_ENV`, and then applies `STATE_<name>` only for
 * the names main saved (actions/runner `src/Runner.Worker/ActionRunner.cs`, "Apply action's
 * intra-action state at last"; docs/runner-protocol.md). A name main saved, even as '', therefore
 * always reaches post with main's value; a name it did not save can be anything another step
 * wrote. So main saves every name here before it reads a single input, in every mode and path.
 * Nothing here is secret: the runner logs state with debug on.
 */
export const STATE = {
  /** 'none' until main makes or asks for a key: 'create', 'rotated' or 'broker'. */
  mode: 'mode',
  /** {@link CreateState} as JSON. */
  create: 'create',
  /** The id of the key main made (create, rotate) or got (broker): a positive integer. */
  keyId: 'key-id',
  /** 'true' while a create may have made a key whose id we do not know (post looks by name). */
  pending: 'create-pending',
  /** When the latest create request was sent (epoch ms), saved before it goes out. */
  sentAt: 'create-sent-at',
  /**
   * When the last create request that got no answer was sent (epoch ms); saved when main knows.
   * Until `request-timeout` (and a margin) after it, Vast may still apply that request.
   */
  uncertainAt: 'create-uncertain-at',
  /** The file export-config wrote (config-file.ts `WrittenFile`, as JSON). */
  configFile: 'config-file',
  /** {@link BrokerState} as JSON (create mode with broker-url). */
  broker: 'broker',
  /** The digest of what steers main's connections (src/core/network-fingerprint.ts). */
  network: NETWORK_STATE,
  /** The job's instance label (create mode), saved before the key is made (instances-post.ts). */
  instanceLabel: 'instance-label',
} as const

/** The value of `mode` until main makes a key: the post step has nothing to delete. */
export const NO_KEY_MODE = 'none'

/** What the post step needs from main in create and rotate; nothing secret. */
export interface CreateState {
  apiUrl: string
  name: string
  revoke: 'post' | 'never'
  cleanupFailure: 'warn' | 'fail'
  requestTimeoutMs: number
  maxAttempts: number
}

/** What the post step needs from main with broker-url; nothing secret. */
export interface BrokerState {
  url: string
  audience: string
  cleanupFailure: 'warn' | 'fail'
  requestTimeoutMs: number
}

/**
 * Main's first act, before inputs are read: every name of {@link STATE} saved with a neutral
 * value (`mode` 'none', the others ''), so no `STATE_*` line another step writes to `$GITHUB_ENV`
 * reaches post. Later saves of the same name replace these (the runner keeps the last).
 */
export function saveEveryStateName(runner: Pick<Runner, 'saveState'>): void {
  for (const name of Object.values(STATE)) {
    runner.saveState(name, name === STATE.mode ? NO_KEY_MODE : '')
  }
}

/** A state value written as JSON; undefined when absent or unreadable. */
export function readJson<T>(raw: string): T | undefined {
  if (!raw) return undefined
  try {
    return JSON.parse(raw) as T
  } catch {
    return undefined
  }
}

/**
 * A key id as main saves it: '' (no key) gives `undefined`; a positive safe integer in plain
 * decimal gives the number; anything else gives 'invalid' (main never writes that: post then
 * deletes nothing on its word).
 */
export function readKeyId(raw: string): number | undefined | 'invalid' {
  if (raw === '') return undefined
  if (!/^[1-9]\d{0,15}$/.test(raw)) return 'invalid'
  const id = Number(raw)
  return Number.isSafeInteger(id) ? id : 'invalid'
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
    if (result === 'refused') {
      runner.warning(
        `The saved config file path (${String(file.path)}) is not a key file this action writes (…/vastai/vast_api_key); left it alone.`,
      )
    }
  } catch (error) {
    runner.warning(
      `Could not remove ${file.path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
}
