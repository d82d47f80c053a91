/**
 * How requests leave the process. Without a proxy, Node's built-in fetch (undici, inside Node:
 * nothing to load). With HTTPS_PROXY / HTTP_PROXY set, the undici package is loaded on demand for
 * its EnvHttpProxyAgent, which also honours NO_PROXY; both spellings of each variable count.
 */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']

export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]))
}

export async function createFetch(env: NodeJS.ProcessEnv = process.env): Promise<FetchLike> {
  if (!proxyConfigured(env)) return (url, init) => fetch(url, init)
  const undici = await import('undici')
  const dispatcher = new undici.EnvHttpProxyAgent({
    httpProxy: env.http_proxy || env.HTTP_PROXY,
    httpsProxy: env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY,
    noProxy: env.no_proxy ?? env.NO_PROXY,
  })
  return (url, init) => undici.fetch(url, { ...(init as object), dispatcher })
}
