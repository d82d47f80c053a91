import { checkApiUrl, withoutVastApiPath } from '../../core/api-url.ts'
import { readBroker } from './broker-client.ts'
import { Reader } from './reader.ts'
import { DEFAULTS, MODES, type Mode } from './settings.ts'

/**
 * The inputs the post step decides by. The runner gives a step its inputs as `INPUT_*` after the
 * env context (actions/runner: the handler adds inputs to the environment it was given), so no
 * `$GITHUB_ENV` line can change them; state, which another step can forge for names main did not
 * save, is checked against them (src/action/modes/state.ts). Read with main's own rules (api-url without
 * a trailing `/api/v0`, broker-audience defaulting to broker-url), never throws: a value main
 * would have refused comes back `undefined`, which matches no state.
 */
export interface PostInputs {
  /** `mode`, or undefined when it is no mode. */
  mode: Mode | undefined
  /** `api-url` as main normalises it; undefined when main would refuse it. */
  apiUrl: string | undefined
  /** `broker-url` and `broker-audience`; undefined without broker-url or when refused. */
  broker: { url: string; audience: string } | undefined
  /** `revoke` (create mode): 'post', 'never', or undefined for any other value. */
  revoke: 'post' | 'never' | undefined
  /** `cleanup-failure` (create mode): any value but 'warn' (or empty) counts as 'fail'. */
  cleanupFailure: 'warn' | 'fail'
}

/** Reads {@link PostInputs} through `getInput` (the runner's `INPUT_*`). */
export function readPostInputs(getInput: (name: string) => string): PostInputs {
  const read = new Reader({ getInput, env: {} })
  const modeText = read.text('mode', DEFAULTS.mode)
  const mode = (MODES as readonly string[]).includes(modeText) ? (modeText as Mode) : undefined
  const checked = checkApiUrl(read.text('api-url', DEFAULTS.apiUrl), DEFAULTS.apiUrl)
  const apiUrl = 'url' in checked ? (withoutVastApiPath(checked.url) ?? checked.url) : undefined
  const before = read.problems.length
  const broker = readBroker(read, false, mode)
  const brokerRefused = read.problems.length > before || (broker !== undefined && !broker.url)
  const revokeText = read.text('revoke', DEFAULTS.revoke)
  const cleanupText = read.text('cleanup-failure', DEFAULTS.cleanupFailure)
  return {
    mode,
    apiUrl,
    broker: broker && !brokerRefused ? { url: broker.url, audience: broker.audience } : undefined,
    revoke: revokeText === 'post' || revokeText === 'never' ? revokeText : undefined,
    cleanupFailure: cleanupText === 'warn' ? 'warn' : 'fail',
  }
}
