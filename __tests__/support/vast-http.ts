import { afterEach, expect } from '@jest/globals'
import { expectSilentConsole } from './silent-console.ts'
import { VastEmulator } from '../../emulator/vast.ts'
import type { EmulatorOptions, Permissions } from '../../emulator/vast.ts'

// What the Vast emulator's own tests (emulator-*.test.ts) share: emulators closed after each test,
// a console that must stay silent, and one real HTTP call.

/**
 * Call at the top of a test file: every emulator `start` gives is closed after its test, and the
 * file fails if the emulator printed anything (it handles secrets). Returns `start`.
 */
export function useVastEmulators(): (options?: EmulatorOptions) => Promise<VastEmulator> {
  const started: VastEmulator[] = []
  afterEach(async () => {
    await Promise.all(started.splice(0).map((e) => e.close()))
  })
  expectSilentConsole()
  return async (options?: EmulatorOptions) => {
    const emulator = await VastEmulator.start(options)
    started.push(emulator)
    return emulator
  }
}

export interface Answer {
  status: number
  headers: Headers
  text: string
  body: unknown
}

export interface CallOptions {
  /** Bearer key; default the parent key, null for none. */
  key?: string | null
  body?: unknown
  raw?: string
  signal?: AbortSignal
}

/** One real HTTP call; `path` is under /api/v0/ unless it starts with '/'. */
export async function api(
  emulator: VastEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const key = options.key === undefined ? emulator.parentKey : options.key
  const headers: Record<string, string> = {}
  if (key !== null) headers['authorization'] = `Bearer ${key}`
  let payload: string | undefined = options.raw
  if (options.body !== undefined) payload = JSON.stringify(options.body)
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const url = path.startsWith('/') ? emulator.url + path : `${emulator.url}/api/v0/${path}`
  const response = await fetch(url, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const text = await response.text()
  let body: unknown
  try {
    body = JSON.parse(text) as unknown
  } catch {
    body = undefined
  }
  return { status: response.status, headers: response.headers, text, body }
}

export const perms = (api: Permissions['api']): Permissions => ({ api })
export const USER_RW = { user_read: {}, user_write: {} }

/** POST auth/apikeys/ (as `key`, default the parent); expects 200 and returns the new key. */
export async function createKey(
  emulator: VastEmulator,
  name: string,
  permissions: Permissions,
  key?: string,
): Promise<{ id: number; key: string }> {
  const answer = await api(emulator, 'POST', 'auth/apikeys/', {
    key,
    body: { name, permissions },
  })
  expect(answer.status).toBe(200)
  return answer.body as { id: number; key: string }
}
