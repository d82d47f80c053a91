import { isLoopbackHost } from './api-url.ts'

/**
 * Which proxy, if any, a request goes through: the one answer for the Vast transport, the GitHub
 * client (rotate's secrets, the sweep's run look-ups) and the key broker client, all of which
 * send through `createFetch` (src/core/vast/transport.ts).
 *
 * The rules are the runner's and @actions/http-client's, read from their source:
 * - actions/runner `src/Runner.Sdk/RunnerWebProxy.cs`: `http_proxy`, then `HTTP_PROXY` when the
 *   lower-case one is unset or empty; the same for `https_proxy` and `no_proxy`;
 * - actions/toolkit `packages/http-client/src/proxy.ts` (`getProxyUrl`, `checkBypass`): the
 *   lower-case spelling wins (`no_proxy || NO_PROXY`, so an empty `no_proxy` falls back to
 *   `NO_PROXY`); a loopback host always bypasses; a `NO_PROXY` entry matches the host or the
 *   `host:port` (case-insensitive), any subdomain of it, an entry with a leading dot as a
 *   suffix, and `*` matches everything.
 * One difference, kept from the action's earlier releases: an https request with only
 * `HTTP_PROXY` set goes through that proxy (undici's EnvHttpProxyAgent does the same).
 * `ALL_PROXY` is not honoured, as neither the runner nor @actions/http-client honours it.
 *
 * A loopback target (127.0.0.0/8, [::1], `localhost`: {@link isLoopbackHost}) is never proxied,
 * whatever the variables say, Node's own `NODE_USE_ENV_PROXY` included (the transport passes an
 * explicit agent, so Node's global proxying never applies): a proxy is another machine, and plain
 * http to this one (allowed only there) would hand it the key in cleartext.
 */

export const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] as const

/** The first non-empty value of `names`, in order (the runner's "lower case, then upper"). */
function firstSet(env: NodeJS.ProcessEnv, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim()
    if (value) return value
  }
  return undefined
}

export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]?.trim()))
}

/**
 * The proxy URL for a request to `url` under `env`, or undefined to go direct. Throws when the
 * variable that would be used is not an http(s) URL (its value is not quoted: it may hold
 * credentials).
 */
export function proxyFor(url: string | URL, env: NodeJS.ProcessEnv): string | undefined {
  const target = typeof url === 'string' ? new URL(url) : url
  if (isLoopbackHost(target.hostname)) return undefined
  const proxy =
    target.protocol === 'https:'
      ? firstSet(env, 'https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY')
      : firstSet(env, 'http_proxy', 'HTTP_PROXY')
  if (!proxy || bypassed(target, firstSet(env, 'no_proxy', 'NO_PROXY') ?? '')) return undefined
  return proxy
}

/** Each proxy variable that is set must be an http(s) URL; throws an error naming it. */
export function checkProxyVariables(env: NodeJS.ProcessEnv): void {
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim()
    if (value && !/^https?:$/.test(safeProtocol(value))) {
      throw new Error(
        `${name} is not a proxy URL: write it with its scheme, like http://proxy.example.com:3128`,
      )
    }
    if (value && !decodable(value)) {
      // Node decodes them for Proxy-Authorization, and would throw at the first request.
      throw new Error(
        `${name} holds a user name or password that is not valid percent-encoding: write % as %25, like http://user:p%25ss@proxy.example.com:3128`,
      )
    }
  }
}

/** @actions/http-client's checkBypass, loopback excepted (handled first). */
function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toUpperCase()
  const port = target.port || (target.protocol === 'https:' ? '443' : '80')
  const hosts = [host, `${host}:${port}`]
  for (const item of noProxy.split(',').map((entry) => entry.trim().toUpperCase())) {
    if (!item) continue
    if (item === '*') return true
    const bare = item.replace(/^\[|\]$/g, '')
    if (
      hosts.some(
        (h) => h === bare || h.endsWith(`.${bare}`) || (bare.startsWith('.') && h.endsWith(bare)),
      )
    ) {
      return true
    }
  }
  return false
}

/** Whether a proxy URL's user name and password decode (decodeURIComponent, as Node does). */
function decodable(value: string): boolean {
  try {
    const { username, password } = new URL(value)
    decodeURIComponent(username)
    decodeURIComponent(password)
    return true
  } catch {
    return false
  }
}

function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol
  } catch {
    return ''
  }
}

/**
 * Credentials written into a proxy URL (`http://user:secret@proxy:3128`), to be masked before
 * anything could print them.
 */
export function proxySecrets(env: NodeJS.ProcessEnv): string[] {
  const secrets = new Set<string>()
  for (const name of PROXY_VARIABLES) {
    const value = env[name]
    if (!value) continue
    try {
      const { password } = new URL(value)
      if (password) {
        secrets.add(password)
        secrets.add(decodeURIComponent(password))
      }
    } catch {
      // not a URL: checkProxyVariables reports it when it is used
    }
  }
  return [...secrets]
}
