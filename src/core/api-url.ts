/**
 * An API base URL (Vast's, GitHub's). A key or token goes wherever this points, so it is checked
 * before any request: https anywhere, plain http only to this machine (the emulator, a local
 * tunnel).
 *
 * "This machine" means a literal loopback address (127.0.0.0/8, ::1) or the name `localhost`,
 * which is pinned to 127.0.0.1 here so that no lookup is made: a resolver or hosts file could
 * send `localhost` elsewhere, and other `*.localhost` names go through DNS in Node (RFC 6761 asks
 * resolvers to answer them with loopback, but nothing on the runner enforces it), so they are
 * refused for plain http.
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/**
 * Returns the normalised base (no trailing slash, path prefix kept, plain-http `localhost` as
 * 127.0.0.1) or a reason it is refused.
 */
export function checkApiUrl(text: string, example: string): { url: string } | { problem: string } {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return { problem: `'${text}' is not a URL; use an https URL such as ${example}` }
  }
  if (url.username || url.password) {
    return { problem: 'it must not carry credentials; keys and tokens go in their own inputs' }
  }
  if (url.search || url.hash) return { problem: 'it must not have a query string or a fragment' }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    const sub = url.hostname.toLowerCase().endsWith('.localhost')
      ? `; ${url.hostname} is not a loopback address (it would be looked up through DNS)`
      : ''
    return {
      problem: `plain http is only allowed to this machine (127.0.0.1, [::1] or localhost)${sub}; use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`,
    }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `'${url.protocol}' is not supported; use https://` }
  }
  if (url.protocol === 'http:' && url.hostname.toLowerCase() === 'localhost') {
    url.hostname = '127.0.0.1'
  }
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` }
}

/** The path Vast's docs write after the host; the client adds it to every route itself. */
const VAST_API_PATH = /\/api\/v0\/*$/i

/**
 * `api-url` as Vast's API docs write the base (`https://console.vast.ai/api/v0/`): without this,
 * requests would go to `/api/v0/api/v0/...`. Returns the base without it, or undefined when the
 * URL does not end so.
 */
export function withoutVastApiPath(url: string): string | undefined {
  return VAST_API_PATH.test(url) ? url.replace(VAST_API_PATH, '') : undefined
}
