import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { VastEmulator } from '../emulator/vast.ts'
import { Secret } from '../src/core/secret.ts'
import { clockWarning, vastTime } from '../src/core/vast/clock.ts'
import { VastClient } from '../src/core/vast/client.ts'
import { VastApiError } from '../src/core/vast/errors.ts'
import {
  createKey,
  deleteKey,
  KEY_VALUE_LENGTH,
  keyValueProblem,
  saysKeyNotFound,
} from '../src/core/vast/keys.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { rateLimitWaitMs } from '../src/action/github/runs.ts'

// Answers from outside, checked before use (issue 18, findings 4 to 6 and 8): the client against
// the real emulator over HTTP, and generated hostile answers.

let emulator: VastEmulator
beforeAll(async () => {
  emulator = await VastEmulator.start()
})
afterAll(async () => {
  await emulator.close()
})

async function client(): Promise<VastClient> {
  return new VastClient({
    baseUrl: emulator.url,
    apiKey: new Secret(emulator.parentKey),
    requestTimeoutMs: 5000,
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
    fetch: await createFetch({}),
  })
}

const PERMISSIONS = { api: { misc: {} } }
let serial = 0
const uniqueName = () => `answers-${(serial += 1)}-${Math.random().toString(16).slice(2)}`
const headersOf = (values: Record<string, string>) => ({
  get: (name: string) => values[name.toLowerCase()] ?? null,
})

/** Ids an answer may carry; an id another live key has is left to post's name check. */
const hostileId = (parentId: number) =>
  fc.oneof(
    fc.constant(undefined), // the real id is kept
    fc.constant(parentId),
    fc.integer({ min: -1_000_000, max: 0 }),
    fc.double({ noNaN: false }).filter((n) => !Number.isSafeInteger(n) || n <= 0),
    fc.constant(2 ** 60),
    fc.string({ maxLength: 12 }),
    fc.integer({ min: 1, max: 1000 }).map(String),
    fc.constant(null),
    fc.constant(true),
  )

const hostileKey = (parentKey: string) =>
  fc.oneof(
    fc.constant(undefined), // the real key is kept
    fc.constant(parentKey),
    fc.string({ maxLength: 20 }),
    fc.string({ minLength: 16, maxLength: 80 }),
    fc.constantFrom('e', '*', '%', '\n', ' '.repeat(20)),
    fc.integer({ min: 513, max: 300_000 }).map((n) => 'a'.repeat(n)),
    fc
      .tuple(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 20, maxLength: 40 }),
        fc.constantFrom('\n', ' ', '%', '"'),
      )
      .map(([hex, bad]) => `${hex}${bad}${hex}`),
    fc.constant(12345),
  )

describe('create answers (finding 4), generated against the emulator', () => {
  it('an accepted key is safe to mask and hand out; nothing but the key made is ever deleted', async () => {
    const c = await client()
    const parentId = emulator.parentKeyId
    const bystander = emulator.addKey({ name: 'bystander', permissions: PERMISSIONS })
    await fc.assert(
      fc.asyncProperty(
        hostileId(parentId),
        hostileKey(emulator.parentKey),
        fc.oneof(fc.constant(undefined), fc.constant('sent'), fc.string({ maxLength: 30 })),
        async (id, key, name) => {
          const requestName = uniqueName()
          const fields: Record<string, unknown> = {}
          if (id !== undefined) fields.id = id
          if (key !== undefined) fields.key = key
          if (name !== undefined) fields.name = name === 'sent' ? requestName : name
          emulator.inject('create', { type: 'rewrite', fields })
          const before = emulator.requests.length
          let accepted: { id: number; key: Secret } | undefined
          let refusal: unknown
          try {
            accepted = await createKey(
              c,
              { name: requestName, permissions: PERMISSIONS, parentKeyId: parentId },
              () => Promise.resolve('stop'),
            )
          } catch (error) {
            refusal = error
          }
          const made = emulator.keys().find((k) => k.name === requestName)
          if (accepted) {
            const value = accepted.key.reveal()
            expect(Number.isSafeInteger(accepted.id) && accepted.id > 0).toBe(true)
            expect(accepted.id).not.toBe(parentId)
            expect(value.length).toBeGreaterThanOrEqual(KEY_VALUE_LENGTH.min)
            expect(value.length).toBeLessThanOrEqual(KEY_VALUE_LENGTH.max)
            expect(value).toMatch(/^[\x21-\x24\x26-\x7e]+$/)
            expect(value).not.toBe(emulator.parentKey)
            // accepted: the key made stays, for the caller to hand out and post to delete
            expect(made?.deletedAt).toBeNull()
            made!.deletedAt = Date.now()
          } else {
            expect(refusal).toBeInstanceOf(VastApiError)
            const message = (refusal as Error).message
            expect(message).toMatch(/the answer was refused and no key was handed out/)
            if (typeof key === 'string' && key.length >= 8) expect(message).not.toContain(key)
            expect(message).not.toContain(emulator.parentKey)
            // refused: the key the create made is deleted at once
            expect(made?.deletedAt).not.toBeNull()
          }
          // never a delete of anything but the key this create made
          const deletes = emulator.requests
            .slice(before)
            .filter((r) => r.route === 'delete')
            .map((r) => Number(/(\d+)\/$/.exec(r.path)?.[1]))
          expect(deletes.every((deleted) => deleted === made?.id)).toBe(true)
          expect(emulator.isLive(emulator.parentKey)).toBe(true)
          expect(bystander.deletedAt).toBeNull()
        },
      ),
      { numRuns: 60 },
    )
  })

  it('keyValueProblem: Vast’s forms pass; short, long and unsafe values do not', () => {
    expect(keyValueProblem('0123456789abcdef'.repeat(4))).toBeUndefined()
    expect(keyValueProblem(`vast-${'A1'.repeat(20)}`)).toBeUndefined()
    expect(keyValueProblem('e')).toMatch(/1 characters long, shorter/)
    expect(keyValueProblem('x'.repeat(513))).toMatch(/longer than any Vast key/)
    expect(keyValueProblem(`${'a'.repeat(20)}\n`)).toMatch(/characters no Vast key has/)
    expect(keyValueProblem(42)).toBe('the answer has no key value')
  })
})

/** 404 bodies that do not say the key does not exist. */
const otherNotFound = fc.oneof(
  fc.constantFrom(
    '',
    'Not Found',
    '<html><body>404</body></html>',
    'Session expired',
    'Session not found',
    'Token not found',
    'User not found',
    'key_id not found in session',
    'Endpoint not found',
  ),
  fc.string({ maxLength: 60 }).filter((text) => !/key/i.test(text)),
)
const asBody = (text: string) =>
  fc.constantFrom<string | object>(
    text,
    { msg: text },
    { detail: text },
    { error: text },
    { success: false, msg: text },
  )

describe('a 404 on delete (finding 5), generated against the emulator', () => {
  it('is "already gone" exactly when the key is gone', async () => {
    const c = await client()
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        otherNotFound.chain(asBody),
        fc.boolean(),
        async (live, body, injected) => {
          const key = emulator.addKey({ name: uniqueName(), permissions: PERMISSIONS })
          if (!live) key.deletedAt = Date.now()
          // a deleted key gets the emulator's own 404 or an injected one; a live one only a
          // 404 that does not say the key is missing
          if (live || injected) emulator.inject('delete', { type: 'status', status: 404, body })
          let result: string
          try {
            result = await deleteKey(c, key.id)
          } catch (error) {
            expect(error).toBeInstanceOf(VastApiError)
            result = 'failed'
          }
          expect(result).toBe(live ? 'failed' : 'already-gone')
          if (live) expect(key.deletedAt).toBeNull()
          key.deletedAt ??= Date.now()
        },
      ),
      { numRuns: 60 },
    )
  })

  it("saysKeyNotFound: Vast's words, not a session's or an edge's", () => {
    expect(saysKeyNotFound('API Key not found.')).toBe(true)
    expect(saysKeyNotFound('api key does not exist')).toBe(true)
    expect(saysKeyNotFound('Session expired')).toBe(false)
    expect(saysKeyNotFound('API key not found in session')).toBe(false)
    expect(saysKeyNotFound('Not Found')).toBe(false)
    expect(saysKeyNotFound(undefined)).toBe(false)
  })
})

describe("Vast's clock (finding 6)", () => {
  it('reads the Date header of an answer, error answers included', async () => {
    const skewed = await VastEmulator.start({ variants: { clockSkewMs: -2 * 3_600_000 } })
    try {
      const c = new VastClient({
        baseUrl: skewed.url,
        apiKey: new Secret('f'.repeat(64)), // unknown: every answer is a 401
        requestTimeoutMs: 5000,
        retry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 20 },
        fetch: await createFetch({}),
      })
      expect(c.clockOffsetMs).toBeUndefined()
      await expect(
        c.call({ operation: 'x', method: 'GET', path: '/users/current', idempotent: true }),
      ).rejects.toThrow(/401/)
      const offset = c.clockOffsetMs ?? 0
      expect(Math.abs(offset + 2 * 3_600_000)).toBeLessThanOrEqual(2000)
      const local = new Date()
      expect(
        Math.abs(vastTime(c, local).getTime() - (local.getTime() - 2 * 3_600_000)),
      ).toBeLessThanOrEqual(2000)
      expect(clockWarning(c, 'x')).toMatch(/^The runner's clock is 2h ahead of Vast's/)
    } finally {
      await skewed.close()
    }
  })

  it('a clock within the noise is not moved, and gets no warning', async () => {
    const c = await client()
    await c.call({ operation: 'x', method: 'GET', path: '/users/current', idempotent: true })
    const local = new Date()
    expect(vastTime(c, local)).toBe(local)
    expect(clockWarning(c, 'x')).toBeUndefined()
  })
})

describe("GitHub's rate-limit answers (finding 8)", () => {
  it('reads retry-after, and x-ratelimit-remaining: 0 with its reset; a plain 403 is not one', () => {
    const now = 1_000_000_000_000
    expect(rateLimitWaitMs(403, headersOf({ 'retry-after': '30' }), '', now)).toBe(30_000)
    expect(rateLimitWaitMs(429, headersOf({ 'retry-after': '2' }), '', now)).toBe(2000)
    const reset = String(now / 1000 + 60)
    expect(
      rateLimitWaitMs(
        403,
        headersOf({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
        '',
        now,
      ),
    ).toBe(61_000)
    expect(
      rateLimitWaitMs(
        403,
        headersOf({}),
        '{"message":"You have exceeded a secondary rate limit"}',
        now,
      ),
    ).toBe(60_000)
    expect(
      rateLimitWaitMs(
        403,
        headersOf({ 'x-ratelimit-remaining': '4999' }),
        '{"message":"Resource not accessible by integration"}',
        now,
      ),
    ).toBeUndefined()
    expect(rateLimitWaitMs(404, headersOf({ 'retry-after': '1' }), '', now)).toBeUndefined()
  })
})
