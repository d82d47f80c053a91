/**
 * An API base URL (Vast's, GitHub's). A key or token goes wherever this points, so it is checked before any
 * request: https anywhere, plain http only to this machine (the emulator, a local tunnel).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  )
}

/** Returns the normalised base (no trailing slash, path prefix kept) or a reason it is refused. */
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
    return {
      problem: `plain http is only allowed to a loopback host (127.0.0.1, ::1, localhost); use https://${url.host}${url.pathname === '/' ? '' : url.pathname}`,
    }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { problem: `'${url.protocol}' is not supported; use https://` }
  }
  return { url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` }
}
