import { describe, expect, it } from '@jest/globals'
import { parseKeyName } from '../src/core/key-name.ts'
import { keyStatus, shown } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'

// The committed dist/ run as the runner runs it (main, then post) against the Vast emulator.

const { start } = useScenarios()

describe('create mode, end to end', () => {
  it('mints a scoped key that works during the job and is dead after post', async () => {
    const s = await start()
    const before = Date.now()
    const main = await s.job.runMain({ inputs: s.inputs({ permissions: 'instance-manager' }) })
    const after = Date.now()
    expect(main.conclusion).toBe('success')

    const key = main.outputs['api-key'] ?? ''
    const record = s.emulator.findByValue(key)
    expect(record).toBeDefined()
    expect(record?.permissions).toEqual({
      api: { instance_read: {}, instance_write: {}, misc: {} },
    })
    expect(main.outputs['key-id']).toBe(String(record?.id))
    expect(main.outputs['key-name']).toBe(record?.name)
    expect(main.outputs.permissions).toBe(
      '{"api":{"instance_read":{},"instance_write":{},"misc":{}}}',
    )
    const name = parseKeyName(record?.name ?? '')
    expect(name).toMatchObject({
      label: 'gha-train',
      repository: 'octo-org/gpu-trainer',
      runId: '1234567890',
      runAttempt: '1',
      job: 'train',
    })
    expect(main.outputs['expires-at']).toBe(name?.expiresAt.toISOString().replace('.000', ''))
    // 6 h from a clock main read while it ran (between before and after), rounded to a second
    const deadline = name?.expiresAt.getTime() ?? 0
    expect(deadline).toBeGreaterThanOrEqual(before + 6 * 3_600_000 - 1000)
    expect(deadline).toBeLessThanOrEqual(after + 6 * 3_600_000 + 1000)

    // masked before anything else, and never in the log, state or summary
    expect(main.masks.slice(0, 2)).toEqual([s.emulator.parentKey, key])
    expect(Object.values(main.state).join('\n')).not.toContain(key)
    expect(main.summary).toContain(`| ${record?.id} |`)
    expect(main.summary).not.toContain(key)
    // a key without user_read is known but refused the scope: it authenticates
    expect(await keyStatus(s.emulator, key)).toBe(403)

    const post = await s.job.runPost({ inputs: s.inputs({ permissions: 'instance-manager' }) })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toContain(`Deleted Vast.ai key ${record?.id}.`)
    expect(await keyStatus(s.emulator, key)).toBe(401)
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
    // exactly one create, and in post one list (the key's name checked) and one delete by the
    // action, all with the Bearer header
    const byAction = s.emulator.requests.filter((r) => r.callerKeyId === s.emulator.parentKeyId)
    expect(byAction.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      // the parent key's id and Vast's clock, then the create
      'GET current 200',
      'POST create 200',
      'GET list 200',
      `DELETE delete 200`,
    ])
    expect(s.emulator.requests.every((r) => r.authVia === 'header')).toBe(true)
    expect(s.leaks()).toEqual([])
  })

  it('exports VAST_API_KEY to later steps when asked', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-env': 'true' }) })
    expect(main.exportedEnv.VAST_API_KEY).toBe(main.outputs['api-key'])
    expect(s.leaks()).toEqual([])
  })

  it('does not export VAST_API_KEY by default', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs() })
    expect(main.exportedEnv).toEqual({})
  })

  it('keeps the key after the job with revoke: never', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs({ revoke: 'never' }) })
    const post = await s.job.runPost({ inputs: s.inputs({ revoke: 'never' }) })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/revoke: never/)
    expect(s.emulator.isLive(main.outputs['api-key'] ?? '')).toBe(true)
    expect(s.emulator.requestsFor('delete')).toHaveLength(0)
  })

  it('leaks nothing with step debug on', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs(), debug: true })
    const post = await s.job.runPost({ inputs: s.inputs(), debug: true })
    expect([main.conclusion, post.conclusion]).toEqual(['success', 'success'])
    expect(main.log.some((line) => line.includes('POST /api/v0/auth/apikeys/'))).toBe(true)
    expect(s.leaks()).toEqual([])
  })
})

describe('bad input: a message naming the input, and nothing sent', () => {
  it.each([
    [{ 'admin-api-key': '' }, /Input 'admin-api-key': it is empty.*fork/],
    [{ permissions: '' }, /Input 'permissions': it is required/],
    [{ permissions: '{"api":{"gpu":{}}}' }, /Input 'permissions': unknown category 'gpu'/],
    [{ permissions: 'user_write' }, /Input 'permissions': user_write would let a CI key mint/],
    [{ ttl: 'forever' }, /Input 'ttl': 'forever' is not a duration/],
    [{ mode: 'destroy' }, /Input 'mode': 'destroy' is not a mode/],
    [{ revoke: 'yes' }, /Input 'revoke': 'yes' is not allowed/],
    [{ 'export-env': 'yes' }, /Input 'export-env': 'yes' is not a boolean/],
    [{ 'max-attempts': 'many' }, /Input 'max-attempts'/],
    [{ 'request-timeout': '0s' }, /Input 'request-timeout'/],
    [{ 'api-url': 'http://vast.example.com' }, /Input 'api-url': plain http is only allowed/],
  ])('%j', async (override, message) => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs(override) })
    expect(main.conclusion).toBe('failure')
    expect(main.annotations.map((a) => a.message).join('\n')).toMatch(message)
    expect(shown(main)).not.toMatch(/at .*\.js:\d+/) // no stack trace
    expect(s.emulator.requests).toEqual([])
    const post = await s.job.runPost({ inputs: s.inputs(override) })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Nothing to clean up/)
    expect(s.emulator.requests).toEqual([])
    expect(s.leaks()).toEqual([])
  })

  it('refuses a wrong parent key with a message about the key', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs({ 'admin-api-key': 'f'.repeat(64) }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /Create API key failed: HTTP 401: Invalid user key\. The parent key \(admin-api-key\) is not a live Vast.ai key: it is wrong, cut short or deleted\. Check the secret\./,
    )
    expect(shown(main)).not.toContain('f'.repeat(64))
    expect(s.emulator.requestsFor('create')).toHaveLength(1)
    const post = await s.job.runPost({ inputs: s.inputs({ 'admin-api-key': 'f'.repeat(64) }) })
    expect(shown(post)).toMatch(/Nothing to delete/)
  })

  it('refuses permissions beyond the parent key', async () => {
    const s = await start({
      emulator: { parentPermissions: { api: { user_read: {}, user_write: {}, misc: {} } } },
    })
    const main = await s.job.runMain({ inputs: s.inputs({ permissions: 'instance_write' }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/HTTP 401.*does not hold every permission asked for/)
    // which ones: the new user's parent key lacked instance_write, and the message says it was asked
    expect(shown(main)).toContain(
      'does not hold every permission asked for (instance_write; a key cannot grant more than it holds)',
    )
    expect(s.emulator.liveKeys()).toHaveLength(1)
  })
})

describe('faults', () => {
  it('retries a 5xx and succeeds', async () => {
    const s = await start()
    s.emulator.inject('create', { type: 'status', status: 503, body: { msg: 'busy' } })
    const main = await s.job.runMain({ inputs: s.inputs({ 'request-timeout': '1s' }) })
    expect(main.conclusion).toBe('success')
    // a 5xx may have been applied by the backend: the action looked before sending again
    expect(s.emulator.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
      'current 200',
      'create 503',
      'list 200',
      'create 200',
    ])
    expect(s.emulator.liveKeys()).toHaveLength(2)
    await s.job.runPost({ inputs: s.inputs({ 'request-timeout': '1s' }) })
    expect(s.emulator.liveKeys()).toHaveLength(1)
  })

  it.each(['text', 'json', 'retry-after'] as const)(
    'waits out a 429 (%s) and succeeds',
    async (form) => {
      const s = await start()
      s.emulator.inject('create', { type: '429', form, retryAfterSeconds: 0 })
      const main = await s.job.runMain({ inputs: s.inputs() })
      expect(main.conclusion).toBe('success')
      expect(s.emulator.requests.map((r) => `${r.route} ${r.status}`)).toEqual([
        'current 200',
        'create 429',
        'create 200',
      ])
    },
  )

  it('recovers from a lost create answer without an orphan or a duplicate', async () => {
    const s = await start()
    s.emulator.inject('create', { type: 'lost' })
    const main = await s.job.runMain({ inputs: s.inputs({ 'request-timeout': '1s' }) })
    expect(main.conclusion).toBe('success')
    const live = s.emulator.liveKeys().filter((k) => k.id !== s.emulator.parentKeyId)
    expect(live.map((k) => k.key)).toEqual([main.outputs['api-key']])
    // the first key (made, answer lost) was found by its name and deleted
    expect(s.emulator.keys().filter((k) => k.deletedAt !== null)).toHaveLength(1)
    const post = await s.job.runPost({ inputs: s.inputs({ 'request-timeout': '1s' }) })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
    expect(s.leaks()).toEqual([])
  })

  it('cleans up in post when a lost create answer cannot be resolved in main', async () => {
    const s = await start()
    s.emulator.inject('create', { type: 'lost' })
    s.emulator.inject('list', { type: 'status', status: 400, body: { msg: 'nope' } })
    const main = await s.job.runMain({ inputs: s.inputs({ 'request-timeout': '1s' }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/the post step looks for it by name/i)
    expect(s.emulator.liveKeys()).toHaveLength(2)
    const post = await s.job.runPost({ inputs: s.inputs({ 'request-timeout': '1s' }) })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
  })

  it('takes a 404 on delete as already gone', async () => {
    const s = await start()
    await s.job.runMain({ inputs: s.inputs() })
    s.emulator.inject('delete', {
      type: 'status',
      status: 404,
      body: { msg: 'API Key not found.' },
    })
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/was already gone/)
  })

  it('retries a failing delete until it succeeds', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs() })
    s.emulator.inject('delete', { type: 'status', status: 500 }, 2)
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.requestsFor('delete').map((r) => r.status)).toEqual([500, 500, 200])
    expect(s.emulator.isLive(main.outputs['api-key'] ?? '')).toBe(false)
  })

  it.each([
    ['warn', 'success', 'warning'],
    ['fail', 'failure', 'error'],
  ] as const)('cleanup-failure: %s', async (mode, conclusion, level) => {
    const s = await start()
    await s.job.runMain({ inputs: s.inputs({ 'cleanup-failure': mode }) })
    s.emulator.inject('delete', { type: 'status', status: 403, body: { msg: 'denied' } })
    const post = await s.job.runPost({ inputs: s.inputs({ 'cleanup-failure': mode }) })
    expect(post.conclusion).toBe(conclusion)
    expect(post.annotations).toEqual([
      expect.objectContaining({
        level,
        message: expect.stringMatching(
          /Could not delete the Vast.ai key \d+ .*HTTP 403: denied.*lacks user_write.*admin-api-key.*key-id: \d+/,
        ),
      }),
    ])
  })

  it('bounds the post step when the API hangs', async () => {
    const s = await start()
    const inputs = s.inputs({ 'request-timeout': '300ms', 'max-attempts': '2' })
    await s.job.runMain({ inputs })
    // every delete is held with no answer, ever: post can only end by giving up on its own bound
    s.emulator.inject('delete', { type: 'hold' }, 10)
    const post = await s.job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    expect(post.timedOut).toBe(false)
    expect(shown(post)).toMatch(/no answer within/)
  })
})

describe('revoke: never after an uncertain create', () => {
  it('keeps the key it handed out and deletes only the stray', async () => {
    const s = await start()
    // the first create times out but lands later: a stray with the same name
    s.emulator.inject('create', { type: 'delay', ms: 1200 })
    const inputs = s.inputs({ revoke: 'never', 'request-timeout': '300ms' })
    const main = await s.job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    // wait for the event: the late create lands (at most one more second)
    const named = () => s.emulator.liveKeys().filter((k) => k.name === main.outputs['key-name'])
    while (named().length < 2) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(named()).toHaveLength(2)
    const post = await s.job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    const left = s.emulator.liveKeys().filter((k) => k.name === main.outputs['key-name'])
    expect(left.map((k) => k.key)).toEqual([main.outputs['api-key']])
  })
})
