import { afterEach, describe, expect, it } from '@jest/globals'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { TlsFront } from '../emulator/tls.ts'
import { RunnerJob } from '../harness/runner.ts'
import type { Fault, VastVariants } from '../emulator/vast.ts'
import { formatKeyName } from '../src/core/key-name.ts'
import { USER_AGENT } from '../src/core/version.ts'
import { ACTION_YML, keyStatus, scenario, shown, type Scenario } from './support/action.ts'

// Vast's answers in every form its documents show (vast-api.md, "Answers that may differ"), each
// switched on in the emulator and run end to end through dist/ as the runner runs it.
// docs/vast-api-variants.md says what the action assumes for each.

let current: Scenario | undefined
let proxy: LoopbackProxy | undefined
afterEach(async () => {
  await current?.close()
  await proxy?.close()
  current = undefined
  proxy = undefined
})

async function start(variants: VastVariants, env: Record<string, string> = {}) {
  current = await scenario({ emulator: { variants }, job: { env } })
  return current
}

const onlyParent = (s: Scenario) =>
  expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])

/** main then post of create mode; both must succeed and leave only the parent key. */
async function lifecycle(s: Scenario, extra: Record<string, string> = {}) {
  const main = await s.job.runMain({ inputs: s.inputs(extra) })
  expect(shown(main)).not.toMatch(/error:/)
  expect(main.conclusion).toBe('success')
  const key = main.outputs['api-key'] ?? ''
  expect(s.emulator.isLive(key)).toBe(true)
  const post = await s.job.runPost({ inputs: s.inputs(extra) })
  expect(post.conclusion).toBe('success')
  expect(s.emulator.isLive(key)).toBe(false)
  onlyParent(s)
  expect(s.leaks()).toEqual([])
  return { main, post, key }
}

const HOUR = 3_600_000
function managedName(label: string, deadlineOffsetMs: number): string {
  return formatKeyName({
    label,
    kind: 'job',
    expiresAt: new Date(Math.floor((Date.now() + deadlineOffsetMs) / 1000) * 1000),
    repository: 'octo-org/gpu-trainer',
    runId: '99',
    runAttempt: '1',
    job: 'train',
    nonce: Math.random().toString(16).slice(2, 10),
  })
}

describe('key values and create answers', () => {
  it('handles vast- key values and "permissions": false: masked, handed out, deleted', async () => {
    const s = await start({ keyFormat: 'vast', createPermissions: 'false' })
    expect(s.emulator.parentKey).toMatch(/^vast-[A-Za-z0-9]{40}$/)
    const { main, key } = await lifecycle(s, { 'export-env': 'true' })
    expect(key).toMatch(/^vast-[A-Za-z0-9]{40}$/)
    expect(main.masks.slice(0, 2)).toEqual([s.emulator.parentKey, key])
    expect(main.exportedEnv.VAST_API_KEY).toBe(key)
    expect(await keyStatus(s.emulator, key)).toBe(401) // deleted by post
    // The permissions output says what was asked for, not what the answer echoed (false).
    expect(main.outputs.permissions).toBe('{"api":{"instance_read":{}}}')
    expect(main.rawStdout.split(key).length - 1).toBe(1) // only its ::add-mask:: line
  })

  it('resolves a lost create by name when list items carry no rights', async () => {
    const s = await start({ keyFormat: 'vast', listRights: 'absent' })
    s.emulator.inject('create', { type: 'lost' })
    // A short request-timeout: post waits that long (+2 s) for a late apply of the lost create.
    const { main } = await lifecycle(s, { 'request-timeout': '1s' })
    expect(shown(main)).toMatch(/deleted the 1 key\(s\) it made/)
  })
})

describe('list answers', () => {
  it.each(['absent', 'string'] as const)(
    'sweeps expired keys when list rights are %s',
    async (listRights) => {
      const s = await start({ listRights })
      const expired = s.emulator.addKey({ name: managedName('old', -2 * HOUR) }).id
      const live = s.emulator.addKey({ name: managedName('live', 2 * HOUR) }).id
      const main = await s.job.runMain({
        inputs: { 'admin-api-key': s.emulator.parentKey, 'api-url': s.emulator.url, mode: 'sweep' },
      })
      expect(main.conclusion).toBe('success')
      expect(main.outputs['deleted-count']).toBe('1')
      expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId, live])
      expect(s.emulator.keys().find((k) => k.id === expired)?.deletedAt).not.toBeNull()
    },
  )

  it('stops at once, naming the key, when list answers an unknown key with 400', async () => {
    const s = await start({ unknownKeyOnList: 400, keyFormat: 'vast' })
    const stranger = `vast-${'Zz9'.repeat(13)}x`
    // users/current answered as if the key were known, so that sweep goes on to list
    s.emulator.inject('current', { type: 'status', status: 200, body: { id: 1, key_id: 999 } })
    const main = await s.job.runMain({
      inputs: { 'admin-api-key': stranger, 'api-url': s.emulator.url, mode: 'sweep' },
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/List API keys failed: HTTP 400: Invalid user key/)
    expect(s.emulator.requestsFor('list').map((r) => r.status)).toEqual([400])
    expect(main.rawStdout.split(stranger).length - 1).toBe(1) // its ::add-mask:: line only
  })
})

describe('429 answers', () => {
  const forms: Record<string, Fault> = {
    plain: { type: '429', form: 'plain' },
    'threshold (no colon)': { type: '429', form: 'text' },
    'threshold (colon)': { type: '429', form: 'threshold' },
    'JSON msg': { type: '429', form: 'msg' },
    'JSON detail': { type: '429', form: 'json' },
    'token bucket, Retry-After': { type: '429', form: 'retry-after', retryAfterSeconds: 1 },
  }
  it.concurrent.each(Object.keys(forms))(
    'waits out a 429 in the %s form and creates the key once',
    async (name) => {
      const s = await scenario()
      try {
        s.emulator.inject('create', forms[name] as Fault)
        const main = await s.job.runMain({ inputs: s.inputs(), debug: true })
        expect(main.conclusion).toBe('success')
        expect(s.emulator.requestsFor('create').map((r) => r.status)).toEqual([429, 200])
        const [refused, accepted] = s.emulator.requestsFor('create')
        // Retry-After (1 s) is a floor; the others wait at least half the 2 s documented interval
        expect((accepted?.time ?? 0) - (refused?.time ?? 0)).toBeGreaterThanOrEqual(950)
        await s.job.runPost({ inputs: s.inputs() })
        expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
        expect(s.leaks()).toEqual([])
      } finally {
        await s.close()
      }
    },
    30_000,
  )
})

describe('delete refusals', () => {
  it('refuses to call the primary key deleted or gone', async () => {
    const s = await start({})
    const primary = s.emulator.addKey({ name: 'primary', primary: true })
    const main = await s.job.runMain({
      inputs: {
        'admin-api-key': s.emulator.parentKey,
        'api-url': s.emulator.url,
        mode: 'delete',
        'key-id': String(primary.id),
        force: 'true', // its name is not a managed name: without force it is refused before any delete
      },
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      new RegExp(`'key-id': ${primary.id} is the account's primary key, which Vast never deletes`),
    )
    expect(shown(main)).not.toMatch(/Deleted Vast.ai key|already gone/)
    expect(main.outputs['deleted-count']).toBe('0')
    expect(s.emulator.isLive(primary.key)).toBe(true)
  })

  it.each([401, 403, 404] as const)(
    "another user's key (the emulator answers its delete %s) is never reported deleted or gone",
    async (status) => {
      const s = await start({ foreignKeyDelete: status })
      const foreign = s.emulator.addKey({ name: 'bob', userId: 2002 })
      const main = await s.job.runMain({
        inputs: {
          'admin-api-key': s.emulator.parentKey,
          'api-url': s.emulator.url,
          mode: 'delete',
          'key-id': String(foreign.id),
          force: 'true',
        },
      })
      expect(s.emulator.isLive(foreign.key)).toBe(true)
      // Not in this account's key list: no delete is sent, and the step says so.
      expect(s.emulator.requestsFor('delete')).toHaveLength(0)
      expect(shown(main)).toMatch(
        new RegExp(`key ${foreign.id} is not on the account of admin-api-key.*nothing was deleted`),
      )
      expect(shown(main)).not.toMatch(/Deleted Vast.ai key|already gone/)
      expect(main.outputs['deleted-count']).toBe('0')
    },
  )

  it.each([401, 403] as const)(
    'a listed key whose delete Vast refuses with %s is never reported deleted',
    async (status) => {
      const s = await start({})
      const main = await s.job.runMain({ inputs: s.inputs({ revoke: 'never' }) })
      const keyId = main.outputs['key-id'] ?? ''
      s.emulator.inject('delete', {
        type: 'status',
        status,
        body: { success: false, msg: 'You do not have permission to delete this API Key.' },
      })
      const del = await s.job.runMain({
        inputs: {
          'admin-api-key': s.emulator.parentKey,
          'api-url': s.emulator.url,
          mode: 'delete',
          'key-id': keyId,
        },
      })
      expect(del.conclusion).toBe('failure')
      expect(shown(del)).toMatch(
        new RegExp(`HTTP ${status}: You do not have permission to delete this API Key\\.`),
      )
      expect(shown(del)).toMatch(/was not deleted and is not gone/)
      expect(shown(del)).not.toMatch(/Deleted Vast.ai key|already gone/)
      expect(del.outputs['deleted-count']).toBe('0')
      expect(s.emulator.liveKeys().map((k) => String(k.id))).toContain(keyId)
    },
  )
})

describe('User-Agent and edges', () => {
  it('passes an edge that refuses requests without a User-Agent', async () => {
    const s = await start({ edgeRequiresUserAgent: 'html' })
    await lifecycle(s)
    // the parent-key check and create; then post's list (the key's name checked) and delete
    expect(s.emulator.requests.map((r) => r.userAgent)).toEqual([
      USER_AGENT,
      USER_AGENT,
      USER_AGENT,
      USER_AGENT,
    ])
    expect(USER_AGENT).toMatch(/^vast-scoped-key\/\d+\.\d+\.\d+/)
  })

  it('sends it through an HTTP proxy too (inside the CONNECT tunnel)', async () => {
    proxy = await LoopbackProxy.start()
    const s = await start({ edgeRequiresUserAgent: 'empty' })
    // A name only the proxy resolves: the action sends loopback targets direct.
    const tls = await TlsFront.start(s.emulator.url)
    const job = new RunnerJob({
      actionYml: ACTION_YML,
      env: { NODE_EXTRA_CA_CERTS: tls.caFile, HTTP_PROXY: proxy.url },
    })
    try {
      const inputs = s.inputs({ 'api-url': `https://${PROXIED_HOST}:${new URL(tls.url).port}` })
      const main = await job.runMain({ inputs })
      const post = await job.runPost({ inputs })
      expect([main.conclusion, post.conclusion]).toEqual(['success', 'success'])
      expect(proxy.requests.map((r) => r.method)).toEqual([
        'CONNECT',
        'CONNECT',
        'CONNECT',
        'CONNECT',
      ])
      // Node's CONNECT carries no User-Agent; the requests in the tunnel do.
      expect(proxy.requests.map((r) => r.userAgent)).toEqual([null, null, null, null])
      expect(s.emulator.requests.map((r) => r.userAgent)).toEqual([
        USER_AGENT,
        USER_AGENT,
        USER_AGENT,
        USER_AGENT,
      ])
      onlyParent(s)
    } finally {
      await job.cleanup()
      await tls.close()
    }
  })

  it.each([
    ['an HTML', '<html><body>Access denied</body></html>'],
    ['an empty', ''],
  ])('says a 403 with %s body came from an edge, not the parent key', async (_, body) => {
    const s = await start({})
    s.emulator.inject('create', { type: 'status', status: 403, body })
    const main = await s.job.runMain({ inputs: s.inputs() })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/refused by an edge or proxy in front of Vast's API/)
    expect(shown(main)).not.toMatch(/parent key \(admin-api-key\) was refused/)
    expect(s.emulator.requestsFor('create')).toHaveLength(1)
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    onlyParent(s)
  })

  it("still blames the parent key for Vast's own JSON 403", async () => {
    const s = await start({})
    s.emulator.inject('create', {
      type: 'status',
      status: 403,
      body: { success: false, msg: 'Insufficient permissions' },
    })
    const main = await s.job.runMain({ inputs: s.inputs() })
    expect(shown(main)).toMatch(/parent key \(admin-api-key\) was refused/)
  })

  it('post warns, and never says deleted, when an edge refuses its delete', async () => {
    const s = await start({})
    const main = await s.job.runMain({ inputs: s.inputs() })
    s.emulator.inject('delete', { type: 'status', status: 403, body: '<html>blocked</html>' })
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(
      new RegExp(
        `warning: Could not delete the Vast.ai key ${main.outputs['key-id']} \\(.*\\): .*edge`,
      ),
    )
    expect(shown(post)).not.toMatch(/Deleted Vast.ai key|already gone/)
    expect(s.emulator.liveKeys()).toHaveLength(2)
  })
})
