import { describe, expect, it } from '@jest/globals'
import { formatKeyName } from '../src/core/key-name.ts'
import type { scenario } from './support/action.ts'
import { shown, type Scenario } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'

// mode: sweep and mode: delete, from dist/ against the emulator.

const { start } = useScenarios()

const HOUR = 3_600_000
const REPO = 'octo-org/gpu-trainer'

function managedName(label: string, deadlineOffsetMs: number, repository = REPO): string {
  return formatKeyName({
    label,
    kind: 'job',
    expiresAt: new Date(Math.floor((Date.now() + deadlineOffsetMs) / 1000) * 1000),
    repository,
    runId: '99',
    runAttempt: '1',
    job: 'train',
    nonce: Math.random().toString(16).slice(2, 10),
  })
}

/** An account with a bit of everything; returns the ids by role. */
async function mixedAccount(options: Parameters<typeof scenario>[0] = {}) {
  // The parent key's own name looks managed and long expired: it must still never be touched.
  const s = await start({
    ...options,
    emulator: { parentName: managedName('parent', -100 * HOUR), ...options.emulator },
  })
  const add = (name: string) => s.emulator.addKey({ name, permissions: { api: { misc: {} } } }).id
  const ids = {
    expiredOld: add(managedName('old', -48 * HOUR)),
    expiredMid: add(managedName('mid', -2 * HOUR)),
    expiredNew: add(managedName('new', -0.5 * HOUR)),
    live: add(managedName('live', 2 * HOUR)),
    otherRepo: add(managedName('other', -5 * HOUR, 'octo-org/other')),
    foreign: add('alice laptop'),
    lookalike: add('deploy [vsk1 exp=20200101T000000Z repo=octo-org/gpu-trainer]'),
  }
  return { s, ids }
}

const sweep = (s: Scenario, extra: Record<string, string> = {}) =>
  s.job.runMain({
    inputs: {
      'admin-api-key': s.emulator.parentKey,
      'api-url': s.emulator.url,
      mode: 'sweep',
      ...extra,
    },
  })

const live = (s: Scenario) => new Set(s.emulator.liveKeys().map((k) => k.id))

describe('sweep', () => {
  it('deletes only expired managed keys of this repository, oldest first', async () => {
    const { s, ids } = await mixedAccount()
    const result = await sweep(s)
    expect(result.conclusion).toBe('success')
    expect(s.emulator.requestsFor('delete').map((r) => r.path)).toEqual(
      [ids.expiredOld, ids.expiredMid, ids.expiredNew].map((id) => `/api/v0/auth/apikeys/${id}/`),
    )
    expect(live(s)).toEqual(
      new Set([s.emulator.parentKeyId, ids.live, ids.otherRepo, ids.foreign, ids.lookalike]),
    )
    expect(result.outputs).toMatchObject({
      'deleted-count': '3',
      'remaining-count': '0',
      'failed-count': '0',
    })
    expect(result.summary).toContain(`| ${ids.expiredOld} | old [vsk2`)
    expect(result.summary).toMatch(/\| deadline passed 2d\w* ago \|\n/) // overdue by ~48h
    // one list, one users/current: the account is read once
    expect(s.emulator.requestsFor('list')).toHaveLength(1)
    expect(s.emulator.requestsFor('current')).toHaveLength(1)
    expect(s.leaks()).toEqual([])
  })

  it('widens to the whole account with sweep-scope: account', async () => {
    const { s, ids } = await mixedAccount()
    const result = await sweep(s, { 'sweep-scope': 'account' })
    expect(result.outputs['deleted-count']).toBe('4')
    expect(live(s).has(ids.otherRepo)).toBe(false)
    expect(live(s).has(s.emulator.parentKeyId)).toBe(true)
  })

  it('leaves keys within the grace period', async () => {
    const { s, ids } = await mixedAccount()
    const result = await sweep(s, { grace: '1h' })
    expect(result.outputs['deleted-count']).toBe('2')
    expect(live(s).has(ids.expiredNew)).toBe(true)
  })

  it('deletes nothing in a dry run, and says what it would delete', async () => {
    const { s, ids } = await mixedAccount()
    const result = await sweep(s, { 'dry-run': 'true' })
    expect(result.conclusion).toBe('success')
    expect(s.emulator.requestsFor('delete')).toHaveLength(0)
    expect(result.outputs).toMatchObject({ 'deleted-count': '0', 'remaining-count': '3' })
    expect(shown(result)).toContain(`Would delete key ${ids.expiredOld}`)
    expect(result.summary).toMatch(/key sweep \(dry run\)\n\n3 keys would be deleted;/)
  })

  it('reports a failed delete, goes on with the others, then fails the step', async () => {
    const { s, ids } = await mixedAccount()
    s.emulator.inject('delete', { type: 'status', status: 400, body: { msg: 'nope' } })
    const result = await sweep(s)
    expect(result.conclusion).toBe('failure')
    expect(result.outputs).toMatchObject({
      'deleted-count': '2',
      'remaining-count': '1',
      'failed-count': '1',
    })
    expect(live(s).has(ids.expiredOld)).toBe(true)
    expect(result.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(/HTTP 400: nope/),
      }),
      expect.objectContaining({
        level: 'error',
        message: expect.stringMatching(
          /could not delete 1 of 3 keys \(failed-count 1.*The first error: .*HTTP 400: nope/,
        ),
      }),
    ])
  })

  it('paces its deletes to a rate limit instead of failing', async () => {
    const { s } = await mixedAccount({ emulator: { rateLimits: { scale: 0.25 } } })
    const result = await sweep(s, { 'sweep-scope': 'account' })
    expect(result.conclusion).toBe('success')
    expect(result.outputs['deleted-count']).toBe('4')
    const refused = s.emulator.requestsFor('delete').filter((r) => r.status === 429)
    // after the first refusal the client learns the interval and stops running into it
    expect(refused.length).toBeLessThanOrEqual(2)
  })

  it('stops at sweep-budget and leaves the rest for the next run', async () => {
    const { s } = await mixedAccount({ emulator: { rateLimits: { scale: 1 } } })
    const result = await sweep(s, { 'sweep-scope': 'account', 'sweep-budget': '3s' })
    expect(result.conclusion).toBe('success')
    const deleted = Number(result.outputs['deleted-count'])
    expect(deleted).toBeGreaterThanOrEqual(1)
    expect(deleted).toBeLessThan(4)
    expect(Number(result.outputs['remaining-count'])).toBe(4 - deleted)
    expect(shown(result)).toMatch(/sweep-budget ran out; the next sweep goes on/)
  })

  it('handles an account with 5,000 keys', async () => {
    const s = await start()
    s.emulator.seedKeys(5000, (i) =>
      i % 2 === 0 ? managedName(`k${i}`, -(i + 1) * 60_000) : managedName(`k${i}`, HOUR),
    )
    const result = await sweep(s)
    expect(result.conclusion).toBe('success')
    expect(result.outputs).toMatchObject({ 'deleted-count': '2500', 'remaining-count': '0' })
    expect(s.emulator.liveKeys()).toHaveLength(2501)
    expect(result.summary).toContain('…and 2300 more.')
  }, 120_000)
})

describe('delete mode', () => {
  const del = (s: Scenario, keyId: string) =>
    s.job.runMain({
      inputs: {
        'admin-api-key': s.emulator.parentKey,
        'api-url': s.emulator.url,
        mode: 'delete',
        'key-id': keyId,
      },
    })

  it('deletes a key by id', async () => {
    const { s, ids } = await mixedAccount()
    const result = await del(s, String(ids.live))
    expect(result.conclusion).toBe('success')
    expect(result.outputs['deleted-count']).toBe('1')
    expect(live(s).has(ids.live)).toBe(false)
    const post = await s.job.runPost({
      inputs: { 'admin-api-key': s.emulator.parentKey, mode: 'delete', 'key-id': String(ids.live) },
    })
    expect(shown(post)).toMatch(/Nothing to clean up/)
  })

  it('says so when the id is not on the account, and sends no delete', async () => {
    const { s } = await mixedAccount()
    const result = await del(s, '424242')
    expect(result.conclusion).toBe('success')
    expect(result.outputs['deleted-count']).toBe('0')
    expect(shown(result)).toMatch(/424242 is not on the account of admin-api-key/)
    expect(s.emulator.requestsFor('delete')).toHaveLength(0)
  })

  it.each(['foreign', 'lookalike'] as const)(
    'refuses a key the action did not make (%s), naming key-id and force',
    async (role) => {
      const { s, ids } = await mixedAccount()
      const result = await del(s, String(ids[role]))
      expect(result.conclusion).toBe('failure')
      expect(shown(result)).toMatch(
        new RegExp(`Input 'key-id': key ${ids[role]} was not made by this action.*force: true`),
      )
      expect(s.emulator.requestsFor('delete')).toHaveLength(0)
      expect(live(s).has(ids[role])).toBe(true)
      // a name the action did not write is outside text: never printed
      expect(shown(result)).not.toMatch(/alice laptop|deploy \[vsk1/)
    },
  )

  it('deletes a key the action did not make with force: true', async () => {
    const { s, ids } = await mixedAccount()
    const result = await s.job.runMain({
      inputs: {
        'admin-api-key': s.emulator.parentKey,
        'api-url': s.emulator.url,
        mode: 'delete',
        'key-id': String(ids.foreign),
        force: 'true',
      },
    })
    expect(result.conclusion).toBe('success')
    expect(result.outputs['deleted-count']).toBe('1')
    expect(live(s).has(ids.foreign)).toBe(false)
  })

  it('names user_read and admin-api-key when the parent key may not list keys', async () => {
    const { s, ids } = await mixedAccount()
    s.emulator.inject('list', { type: 'status', status: 403, body: { msg: 'Forbidden' } })
    const result = await del(s, String(ids.live))
    expect(result.conclusion).toBe('failure')
    expect(shown(result)).toMatch(/List API keys failed: HTTP 403.*lacks user_read.*admin-api-key/)
    expect(live(s).has(ids.live)).toBe(true)
  })

  it('refuses to delete the parent key', async () => {
    const { s } = await mixedAccount()
    const result = await del(s, String(s.emulator.parentKeyId))
    expect(result.conclusion).toBe('failure')
    expect(shown(result)).toMatch(/Input 'key-id': \d+ is the parent key .* refusing to delete it/)
    expect(s.emulator.requestsFor('delete')).toHaveLength(0)
    expect(live(s).has(s.emulator.parentKeyId)).toBe(true)
  })
})
