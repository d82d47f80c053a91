import { afterEach, beforeAll, expect } from '@jest/globals'
import { expectSilentConsole } from './silent-console.ts'
import sodium from 'libsodium-wrappers'
import { GitHubEmulator } from '../../emulator/github.ts'
import type { GitHubEmulatorOptions, ScopeRef } from '../../emulator/github.ts'

// What the GitHub emulator's own tests (github-emulator-*.test.ts) share: emulators with the same
// repositories and tokens, closed after each test, a silent console, and real HTTP calls.

export const ADMIN = 'ghs_admin'
export const READER = 'ghs_reader'
export const APP_ONLY = 'ghs_app_only'

/**
 * Call at the top of a test file. `start` gives an emulator with acme/app (environments
 * production, staging), acme/lib, other/tool and the three tokens, closed after its test; the
 * file fails if the emulator printed anything (it handles secrets). Waits for libsodium.
 */
export function useGitHubEmulators(): (options?: GitHubEmulatorOptions) => Promise<GitHubEmulator> {
  const started: GitHubEmulator[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()))
  })
  beforeAll(async () => {
    await sodium.ready
  })
  expectSilentConsole()
  return async (options?: GitHubEmulatorOptions) => {
    const emulator = await GitHubEmulator.start(options)
    started.push(emulator)
    emulator.addRepository('acme/app', { environments: ['production', 'staging'] })
    emulator.addRepository('acme/lib')
    emulator.addRepository('other/tool')
    emulator.addToken(ADMIN, { secretsWrite: true, orgSecretsWrite: true })
    emulator.addToken(READER, { secretsWrite: false })
    emulator.addToken(APP_ONLY, { secretsWrite: true, repositories: ['acme/app'] })
    return emulator
  }
}

export interface Answer {
  status: number
  headers: Headers
  text: string
  body: Record<string, unknown>
}

export interface CallOptions {
  /** Default ADMIN; null for no Authorization header. */
  token?: string | null
  /** Default 'Bearer'. */
  scheme?: string
  body?: unknown
  raw?: string
  signal?: AbortSignal
}

/** One real HTTP call to `emulator.url + path`; a body that is not JSON leaves `body` empty. */
export async function gh(
  emulator: GitHubEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const token = options.token === undefined ? ADMIN : options.token
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' }
  if (token !== null) headers['authorization'] = `${options.scheme ?? 'Bearer'} ${token}`
  const payload = options.body === undefined ? options.raw : JSON.stringify(options.body)
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(emulator.url + path, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    // not JSON: body stays empty
  }
  return { status: response.status, headers: response.headers, text, body }
}

/** `value` sealed (libsodium crypto_box_seal) to a base64 public key, base64. */
export function seal(value: string, publicKey: string): string {
  const key = sodium.from_base64(publicKey, sodium.base64_variants.ORIGINAL)
  return sodium.to_base64(sodium.crypto_box_seal(value, key), sodium.base64_variants.ORIGINAL)
}

/** The three scopes as paths (public key at `${base}/public-key`) and as emulator references. */
export const SCOPES: {
  label: string
  base: string
  ref: ScopeRef
  extra: Record<string, unknown>
}[] = [
  {
    label: 'repository',
    base: '/repos/acme/app/actions/secrets',
    ref: { repository: 'acme/app' },
    extra: {},
  },
  {
    label: 'environment',
    base: '/repos/acme/app/environments/production/secrets',
    ref: { repository: 'acme/app', environment: 'production' },
    extra: {},
  },
  {
    label: 'organization',
    base: '/orgs/acme/actions/secrets',
    ref: { organization: 'acme' },
    extra: { visibility: 'private' },
  },
]

/** Fetches the scope's public key over HTTP, seals `value` to it and PUTs it. */
export async function putSecret(
  emulator: GitHubEmulator,
  base: string,
  name: string,
  value: string,
  extra: Record<string, unknown> = {},
  token: string = ADMIN,
): Promise<Answer> {
  const key = await gh(emulator, 'GET', `${base}/public-key`, { token })
  expect(key.status).toBe(200)
  const body = {
    encrypted_value: seal(value, key.body['key'] as string),
    key_id: key.body['key_id'],
    ...extra,
  }
  return gh(emulator, 'PUT', `${base}/${name}`, { token, body })
}

/** The x-ratelimit-* headers GitHub sends on every answer, for the core resource. */
export function expectRateLimitHeaders(answer: Answer): void {
  for (const name of ['limit', 'remaining', 'reset', 'used']) {
    expect(answer.headers.get(`x-ratelimit-${name}`)).toMatch(/^\d+$/)
  }
  expect(answer.headers.get('x-ratelimit-resource')).toBe('core')
}
