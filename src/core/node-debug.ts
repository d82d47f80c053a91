/**
 * `NODE_DEBUG` makes Node print its modules' internals to stderr, from the process's start
 * (Node reads it once, before any of the action's code runs: nothing can turn it off later).
 * For its network modules that is the request's headers (`Authorization`, `Proxy-Authorization:
 * Basic <user:password in base64>`, of which the runner's masks hide only part) and, through a
 * proxy, the proxy's raw answer to CONNECT, line by line: text from outside on a line of its own,
 * which the runner reads for workflow commands (`::stop-commands::`, then every later
 * `::add-mask::` of a minted key is printed as it is). Any step of the job can append
 * `NODE_DEBUG` to `$GITHUB_ENV` (the runner refuses only NODE_OPTIONS). Source: Node's
 * `lib/internal/util/debuglog.js` (`initializeDebugEnv`), `lib/https.js` (`onProxyData`).
 */

/** The debuglog sets of the modules a request passes through (node:http, https, http2, net, tls). */
export const NETWORK_DEBUG_SETS = ['http', 'https', 'http2', 'net', 'tls'] as const

/**
 * The network sets `value` turns on, matched as Node matches them (comma-separated names, `*` a
 * wildcard, case-insensitive, every other character literal); [] for unset or empty.
 */
export function networkDebugSets(value: string | undefined): string[] {
  if (!value) return []
  const pattern = value
    .replace(/[|\\{}()[\]^$+?.]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll(',', '$|^')
  let regex: RegExp
  try {
    regex = new RegExp(`^${pattern}$`, 'i')
  } catch {
    // Node would throw at start-up on such a value; a process that got here did not see it.
    return []
  }
  return NETWORK_DEBUG_SETS.filter((set) => regex.test(set))
}

/**
 * Throws, before any request is made, when `NODE_DEBUG` (in `env`, or in this process's own
 * environment, which is the one Node read) turns on the debug output of a network module.
 */
export function checkNodeDebug(env: NodeJS.ProcessEnv): void {
  const sets = [
    ...new Set([
      ...networkDebugSets(env['NODE_DEBUG']),
      ...networkDebugSets(process.env['NODE_DEBUG']),
    ]),
  ]
  if (sets.length === 0) return
  throw new Error(
    `NODE_DEBUG turns on Node's debug output for ${sets.join(', ')}: Node would print this step's requests (their credentials included) and a proxy's answers to the log, so no request is sent; remove NODE_DEBUG from the job's environment (another step may have written it to $GITHUB_ENV)`,
  )
}
