import { describe, expect, it } from '@jest/globals'
import { formatKeyName, parseKeyName } from '../src/core/key-name.ts'
import { shown, type Scenario } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'

// Issue 18, findings 4 to 8, through dist/ as the runner runs it: answers from Vast and GitHub
// are checked before the action acts on them.

const HOUR = 3_600_000
const REPO = 'octo-org/gpu-trainer'
const TOKEN = 'ghs_answers_test_token_0001'

const { start, startGitHub } = useScenarios()

/** Every DELETE the emulator saw, by key id. */
const deletedIds = (s: Scenario) =>
  s.emulator.requests
    .filter((r) => r.route === 'delete')
    .map((r) => Number(/(\d+)\/$/.exec(r.path)?.[1]))

describe('a hostile create answer is refused (finding 4)', () => {
  // Each answer belongs to a create that Vast did apply: the key it made must go too.
  const cases: [string, (s: Scenario) => Record<string, unknown>, RegExp][] = [
    [
      "the parent key's id",
      (s) => ({ id: s.emulator.parentKeyId }),
      /the answer names the parent key's id/,
    ],
    ['id 0', () => ({ id: 0 }), /no key id that is a positive whole number/],
    ['a negative id', () => ({ id: -7 }), /no key id that is a positive whole number/],
    ['an id as a string', () => ({ id: '12' }), /no key id that is a positive whole number/],
    ['a fractional id', () => ({ id: 2.5 }), /no key id that is a positive whole number/],
    ['the parent key as the key', (s) => ({ key: s.emulator.parentKey }), /is the parent key/],
    ['a one-character key', () => ({ key: 'e' }), /1 characters long, shorter than any/],
    ['a 200 kB key', () => ({ key: 'a'.repeat(200_000) }), /200000 characters long, longer/],
    ['a key with a %', () => ({ key: `${'b'.repeat(30)}%0A` }), /characters no Vast key has/],
    ['another name', () => ({ name: 'someone else' }), /names another key than the one asked/],
  ]
  it.each(cases)(
    '%s: main fails, nothing handed out or masked, no key left',
    async (_, fields, why) => {
      const s = await start()
      const bystander = s.emulator.addKey({ name: 'bystander', permissions: { api: { misc: {} } } })
      const fieldsSent = fields(s)
      s.emulator.inject('create', { type: 'rewrite', fields: fieldsSent })
      const main = await s.job.runMain({ inputs: s.inputs({ 'export-env': 'true' }) })
      expect(main.conclusion).toBe('failure')
      expect(shown(main)).toMatch(why)
      expect(shown(main)).toMatch(
        /the answer was refused and no key was handed out; deleted the key it made \(\d+\)/,
      )
      expect(main.outputs['api-key']).toBeUndefined()
      expect(main.exportedEnv.VAST_API_KEY).toBeUndefined()
      // only the parent key is masked: a one-letter mask would hide that letter everywhere
      expect(main.masks).toEqual([s.emulator.parentKey])
      const post = await s.job.runPost({ inputs: s.inputs() })
      expect(post.conclusion).toBe('success')
      // the key the create made is gone; the parent and the bystander are live and never deleted
      expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId, bystander.id])
      expect(deletedIds(s)).not.toContain(s.emulator.parentKeyId)
      expect(deletedIds(s)).not.toContain(bystander.id)
      expect(s.leaks()).toEqual([])
    },
  )
})

describe('a 404 on delete is "gone" only when it is (finding 5)', () => {
  it('a 404 saying the session expired is a failure: cleanup-failure: fail fails post', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs({ 'cleanup-failure': 'fail' }) })
    expect(main.conclusion).toBe('success')
    const id = Number(main.outputs['key-id'])
    s.emulator.inject('delete', { type: 'status', status: 404, body: { msg: 'Session expired' } })
    const post = await s.job.runPost({ inputs: s.inputs({ 'cleanup-failure': 'fail' }) })
    expect(post.conclusion).toBe('failure')
    expect(shown(post)).not.toMatch(/already gone/)
    expect(shown(post)).toMatch(
      new RegExp(
        `Could not delete the Vast.ai key ${id} .*HTTP 404, the answer does not say the key is gone, but the key is still listed: Session expired`,
      ),
    )
    expect(s.emulator.liveKeys().map((k) => k.id)).toContain(id)
  })

  it('a 404 without words (an HTML page) on a live key is a failure, not "already gone"', async () => {
    // (a key that really went is "already gone" after the second look: __tests__/answers.test.ts)
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs({ 'cleanup-failure': 'fail' }) })
    const id = Number(main.outputs['key-id'])
    s.emulator.inject('delete', {
      type: 'status',
      status: 404,
      body: '<html><body>404</body></html>',
    })
    const post = await s.job.runPost({ inputs: s.inputs({ 'cleanup-failure': 'fail' }) })
    expect(post.conclusion).toBe('failure')
    expect(shown(post)).not.toMatch(/already gone/)
    expect(shown(post)).toMatch(
      /HTTP 404, the answer does not say the key is gone, but the key is still listed/,
    )
    expect(s.emulator.requests.map((r) => `${r.route} ${r.status}`).slice(-2)).toEqual([
      'delete 404',
      'list 200',
    ])
    expect(s.emulator.liveKeys().map((k) => k.id)).toContain(id)
  })

  it('delete mode: a 404 about something else is not "already gone"', async () => {
    const s = await start()
    const key = s.emulator.addKey({
      name: formatKeyName({
        label: 'kept',
        kind: 'keep',
        expiresAt: new Date(Date.now() + HOUR),
        repository: REPO,
        runId: '1',
        runAttempt: '1',
        job: 'train',
        nonce: 'ab12',
      }),
      permissions: { api: { misc: {} } },
    })
    s.emulator.inject('delete', { type: 'status', status: 404, body: 'Not Found' })
    const result = await s.job.runMain({
      inputs: { ...s.inputs(), mode: 'delete', 'key-id': String(key.id) },
    })
    expect(result.conclusion).toBe('failure')
    expect(result.outputs['deleted-count']).toBe('0')
    expect(shown(result)).toMatch(/HTTP 404, the answer does not say the key is gone/)
    expect(s.emulator.liveKeys().map((k) => k.id)).toContain(key.id)
  })
})

describe("deadlines follow Vast's clock (finding 6)", () => {
  it("a runner 2 h behind writes its deadline by Vast's clock, and says its clock is wrong", async () => {
    const s = await start({ emulator: { variants: { clockSkewMs: 2 * HOUR } } })
    const before = Date.now()
    const main = await s.job.runMain({ inputs: s.inputs({ ttl: '1h' }) })
    const after = Date.now()
    expect(main.conclusion).toBe('success')
    const deadline = parseKeyName(main.outputs['key-name'] ?? '')?.expiresAt.getTime() ?? 0
    // Vast's clock is 2 h ahead: the deadline is 1 h ahead of Vast's, never in its past
    // (the header's whole seconds and the round trip: within 2 s)
    expect(deadline).toBeGreaterThanOrEqual(before + 3 * HOUR - 2000)
    expect(deadline).toBeLessThanOrEqual(after + 3 * HOUR + 2000)
    expect(main.annotations.map((a) => `${a.level}: ${a.message}`)).toContainEqual(
      expect.stringMatching(
        /^warning: The runner's clock is 2h behind Vast's \(the Date header of its answer\); the key's deadline follows Vast's clock\. Set the runner's clock right \(NTP\)\.$/,
      ),
    )
  })

  it("a sweep on a runner 2 h ahead keeps a running job's key", async () => {
    // Vast's clock is 2 h behind the runner's: a key made an hour ago by Vast's clock with a 2 h
    // ttl has an hour left, though the runner's clock says its deadline passed an hour ago.
    const s = await start({ emulator: { variants: { clockSkewMs: -2 * HOUR } } })
    const name = (deadline: number, n: string) =>
      formatKeyName({
        label: 'k',
        kind: 'job',
        expiresAt: new Date(Math.floor(deadline / 1000) * 1000),
        repository: REPO,
        runId: '9',
        runAttempt: '1',
        job: 'train',
        nonce: n,
      })
    const running = s.emulator.addKey({
      name: name(Date.now() - HOUR, 'aa'),
      permissions: { api: { misc: {} } },
    })
    const expired = s.emulator.addKey({
      name: name(Date.now() - 3 * HOUR, 'bb'),
      permissions: { api: { misc: {} } },
    })
    const result = await s.job.runMain({ inputs: { ...s.inputs(), mode: 'sweep' } })
    expect(result.conclusion).toBe('success')
    const live = s.emulator.liveKeys().map((k) => k.id)
    expect(live).toContain(running.id)
    expect(live).not.toContain(expired.id)
    expect(shown(result)).toMatch(/The runner's clock is 2h ahead of Vast's/)
  })
})

describe('the late-apply window has a margin (finding 7)', () => {
  it('a create applied 2 s after a 1 s request-timeout gave up is found and deleted by post', async () => {
    const s = await start()
    // the first create is answered (and applied) 3 s after it was sent: 2 s after the client
    // gave up on it; the retry is answered at once
    s.emulator.inject('create', { type: 'delay', ms: 3000 })
    const inputs = s.inputs({ 'request-timeout': '1s' })
    const main = await s.job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    const post = await s.job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(
      /Vast could still apply it until .* \(request-timeout 1s \+ a margin of 10s for a server still working on it\)\. Waiting \d+s to look again\./,
    )
    // the late key was made, and post deleted it: only the parent is left
    expect(s.emulator.keys().length).toBe(3)
    expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])
    expect(shown(post)).not.toMatch(/after this step had to stop looking/)
  })
})

describe("GitHub's rate limit in the run-aware sweep (finding 8)", () => {
  async function setUp() {
    const s = await start()
    const github = await startGitHub()
    github.addRepository(REPO)
    github.addToken(TOKEN, { secretsWrite: false })
    github.setRun(REPO, 100, [{ status: 'completed', conclusion: 'success' }])
    const key = s.emulator.addKey({
      name: formatKeyName({
        label: 'k',
        kind: 'job',
        expiresAt: new Date(Math.floor((Date.now() + 4 * HOUR) / 1000) * 1000),
        repository: REPO,
        runId: '100',
        runAttempt: '1',
        job: 'train',
        nonce: 'cc',
      }),
      permissions: { api: { misc: {} } },
    })
    const sweep = (extra: Record<string, string> = {}) =>
      s.job.runMain({
        inputs: {
          ...s.inputs(),
          mode: 'sweep',
          'github-token': TOKEN,
          'github-api-url': github?.url ?? '',
          ...extra,
        },
      })
    return { s, gh: github, key, sweep }
  }

  it.each([
    ['a secondary limit (403, retry-after)', { kind: 'secondary' as const, status: 403 as const }],
    ['a secondary limit (429, retry-after)', { kind: 'secondary' as const, status: 429 as const }],
    ['the primary limit (x-ratelimit-remaining: 0)', { kind: 'primary' as const }],
  ])('%s is waited out, then the run is asked about again', async (_, limit) => {
    const { s, gh, key, sweep } = await setUp()
    gh.inject('runAttempt', { type: 'rate-limit', retryAfterSeconds: 1, ...limit })
    const result = await sweep()
    expect(result.conclusion).toBe('success')
    expect(s.emulator.liveKeys().map((k) => k.id)).not.toContain(key.id)
    expect(shown(result)).toMatch(
      /rate limited.*GitHub's rate limit; waiting \d+ s, then asking again/,
    )
    expect(shown(result)).not.toMatch(/actions: read/)
  })

  it('says "rate limit", not "permission", when the wait outlasts sweep-budget', async () => {
    const { s, gh, key, sweep } = await setUp()
    gh.inject('runAttempt', {
      type: 'rate-limit',
      kind: 'secondary',
      status: 403,
      retryAfterSeconds: 3600,
    })
    const result = await sweep({ 'sweep-budget': '30s' })
    expect(result.conclusion).toBe('success')
    expect(s.emulator.liveKeys().map((k) => k.id)).toContain(key.id)
    expect(shown(result)).toMatch(
      /GitHub's rate limit asks to wait 3600 s, more than sweep-budget has left \(a rate limit, not a missing permission/,
    )
    expect(shown(result)).not.toMatch(/actions: read/)
  })
})
