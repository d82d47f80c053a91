import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { formatKeyName, type KeyKind } from '../src/core/key-name.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// What a new user of sweep and delete mode met (a review of 1.0.0), from dist/ against the
// emulators: dry run in delete mode, failed sweeps that passed, a run-aware sweep that turned
// itself off quietly, refusals that read garbled, and a budget that did not bound GitHub.

const REPO = 'octo-org/gpu-trainer'
const TOKEN = 'ghs_sweep_review_token_0001'
const HOUR = 3_600_000

let current: { s: Scenario; github?: GitHubEmulator } | undefined
afterEach(async () => {
  await current?.s.close()
  await current?.github?.close()
  current = undefined
})

function name(label: string, deadlineMs: number, kind: KeyKind = 'job', runId = '99') {
  return formatKeyName({
    label,
    kind,
    expiresAt: new Date(Math.floor((Date.now() + deadlineMs) / 1000) * 1000),
    repository: REPO,
    runId,
    runAttempt: '1',
    job: 'train',
    nonce: Math.random().toString(16).slice(2, 10),
  })
}

async function setUp() {
  const s = await scenario()
  current = { s }
  const add = (n: string) => s.emulator.addKey({ name: n, permissions: { api: { misc: {} } } }).id
  return { s, add }
}

async function withGitHub(rights: { actionsRead: boolean }) {
  const { s, add } = await setUp()
  const github = await GitHubEmulator.start()
  if (current) current.github = github
  github.addRepository(REPO)
  github.addToken(TOKEN, { secretsWrite: false, ...rights })
  return { s, add, github }
}

const run = (s: Scenario, inputs: Record<string, string>) =>
  s.job.runMain({
    inputs: { 'admin-api-key': s.emulator.parentKey, 'api-url': s.emulator.url, ...inputs },
  })

const liveIds = (s: Scenario) => new Set(s.emulator.liveKeys().map((k) => k.id))

describe('delete mode: dry-run (finding 1)', () => {
  it('makes every check, says what it would delete, and deletes nothing', async () => {
    const { s, add } = await setUp()
    const id = add(name('build', HOUR))
    const result = await run(s, { mode: 'delete', 'key-id': String(id), 'dry-run': 'true' })
    expect(result.conclusion).toBe('success')
    expect(shown(result)).toMatch(new RegExp(`Would delete key ${id} \\("build \\[vsk2`))
    expect(shown(result)).not.toMatch(/is ignored in delete mode/)
    expect(result.outputs['deleted-count']).toBe('0')
    expect(s.emulator.requestsFor('delete')).toHaveLength(0)
    expect(liveIds(s).has(id)).toBe(true)
    // the checks still ran: the parent key and the account's list
    expect(s.emulator.requestsFor('current')).toHaveLength(1)
    expect(s.emulator.requestsFor('list')).toHaveLength(1)
  })

  it('still refuses a key the action did not make, without force', async () => {
    const { s, add } = await setUp()
    const id = add('alice laptop')
    const result = await run(s, { mode: 'delete', 'key-id': String(id), 'dry-run': 'true' })
    expect(result.conclusion).toBe('failure')
    expect(shown(result)).toMatch(/was not made by this action.*force: true/)
    const forced = await run(s, {
      mode: 'delete',
      'key-id': String(id),
      'dry-run': 'true',
      force: 'true',
    })
    expect(forced.conclusion).toBe('success')
    expect(shown(forced)).toMatch(new RegExp(`Would delete key ${id} `))
    expect(shown(forced)).not.toContain('alice laptop')
    expect(s.emulator.requestsFor('delete')).toHaveLength(0)
  })
})

describe('sweep: github-token is checked as in rotate mode (finding 3)', () => {
  it('refuses a short github-token before any request, naming the input', async () => {
    const { s } = await setUp()
    const result = await run(s, { mode: 'sweep', 'github-token': 'keys' })
    expect(result.conclusion).toBe('failure')
    expect(shown(result)).toMatch(/Input 'github-token': it is only 4 characters long/)
    expect(result.masks).not.toContain('keys')
    expect(s.emulator.requests).toHaveLength(0)
  })
})

describe('sweep: failed deletes fail the step (finding 4)', () => {
  it('goes on with every key, then fails naming user_write and admin-api-key', async () => {
    const { s, add } = await setUp()
    const ids = [add(name('a', -HOUR)), add(name('b', -2 * HOUR))]
    s.emulator.inject('delete', { type: 'status', status: 403, body: { msg: 'no user_write' } }, 2)
    const result = await run(s, { mode: 'sweep' })
    expect(result.conclusion).toBe('failure')
    expect(result.outputs).toMatchObject({ 'failed-count': '2', 'deleted-count': '0' })
    expect(s.emulator.requestsFor('delete')).toHaveLength(2)
    for (const id of ids) expect(liveIds(s).has(id)).toBe(true)
    const errors = result.annotations.filter((a) => a.level === 'error')
    expect(errors).toHaveLength(1)
    expect(errors[0]?.message).toMatch(
      /could not delete 2 of 2 keys.*Vast refused them \(HTTP 403\).*admin-api-key.*user_write/,
    )
  })
})

describe('sweep: says whether it is run-aware (finding 5)', () => {
  it('says so when github-token is not set', async () => {
    const { s } = await setUp()
    const result = await run(s, { mode: 'sweep' })
    expect(shown(result)).toMatch(/Run-aware: no \(github-token is not set\)/)
  })

  it('gives one warning naming github-token and actions: read when GitHub refuses', async () => {
    const { s, add, github } = await withGitHub({ actionsRead: false })
    for (const runId of ['100', '200', '300']) {
      github.setRun(REPO, Number(runId), [{ status: 'completed', conclusion: 'success' }])
      add(name(`k${runId}`, 4 * HOUR, 'job', runId))
    }
    const result = await run(s, {
      mode: 'sweep',
      'github-token': TOKEN,
      'github-api-url': github.url,
    })
    expect(shown(result)).toMatch(/Run-aware: yes \(github-token is set\)/)
    const warnings = result.annotations.filter((a) => a.level === 'warning')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]?.message).toMatch(
      /GitHub refused github-token \(HTTP 403\) when the sweep asked about 3 workflow runs: the token needs actions: read/,
    )
  })
})

describe('refusals read in order (finding 11)', () => {
  it("puts Vast's message right after the status, then the hint", async () => {
    const { s, add } = await setUp()
    add(name('a', -HOUR))
    s.emulator.inject('delete', { type: 'status', status: 403, body: { msg: 'no user_write' } })
    const result = await run(s, { mode: 'sweep' })
    expect(shown(result)).toMatch(
      /Delete API key \d+ failed: HTTP 403: no user_write\. The parent key \(admin-api-key\) was refused: .*lacks user_write/,
    )
    expect(shown(result)).not.toMatch(/HTTP 403, The parent key/)
  })
})

describe('deleted-count means one thing (finding 12)', () => {
  it('does not count a key already gone (404) in a sweep, as delete mode does not', async () => {
    const { s, add } = await setUp()
    add(name('a', -HOUR))
    add(name('b', -2 * HOUR))
    s.emulator.inject('delete', {
      type: 'status',
      status: 404,
      body: { msg: 'API Key not found.' },
    })
    const result = await run(s, { mode: 'sweep' })
    expect(result.conclusion).toBe('success')
    expect(result.outputs).toMatchObject({ 'deleted-count': '1', 'remaining-count': '0' })
    expect(JSON.parse(result.outputs['deleted-keys'] ?? '')).toHaveLength(1)
    expect(shown(result)).toMatch(/Deleted 1 key; 1 already gone; 0 keys to delete remain\./)
  })
})

describe('deleted-count in delete mode (finding 12)', () => {
  it('is 0 for a key already gone (404), and the log says already gone', async () => {
    const { s, add } = await setUp()
    const id = add(name('a', HOUR))
    s.emulator.inject('delete', {
      type: 'status',
      status: 404,
      body: { msg: 'API Key not found.' },
    })
    const result = await run(s, { mode: 'delete', 'key-id': String(id) })
    expect(result.conclusion).toBe('success')
    expect(result.outputs['deleted-count']).toBe('0')
    expect(shown(result)).toMatch(new RegExp(`Vast.ai key ${id} is already gone`))
  })
})

describe('sweep-budget bounds the GitHub look-ups (findings 16, 17)', () => {
  it('stops asking GitHub when the budget runs out, and the summary says why keys remain', async () => {
    const { s, add, github } = await withGitHub({ actionsRead: true })
    for (const runId of ['100', '200', '300']) {
      github.setRun(REPO, Number(runId), [{ status: 'completed', conclusion: 'success' }])
      add(name(`k${runId}`, 4 * HOUR, 'job', runId))
    }
    github.inject('runAttempt', { type: 'delay', ms: 60_000 }, 3)
    const result = await run(s, {
      mode: 'sweep',
      'github-token': TOKEN,
      'github-api-url': github.url,
      'request-timeout': '50s',
      'sweep-budget': '2s',
    })
    expect(result.conclusion).toBe('success')
    expect(github.requestsFor('runAttempt')).toHaveLength(1)
    expect(shown(result)).toMatch(/sweep-budget ran out while waiting for GitHub/)
    expect(shown(result)).toMatch(
      /2 more run attempts were not asked about \(sweep-budget ran out\)/,
    )
  })

  it('says in the job summary that the budget stopped the sweep', async () => {
    const s = await scenario({ emulator: { rateLimits: { scale: 1 } } })
    current = { s }
    for (let i = 0; i < 4; i++) {
      s.emulator.addKey({ name: name(`k${i}`, -HOUR), permissions: { api: { misc: {} } } })
    }
    const result = await run(s, { mode: 'sweep', 'sweep-budget': '3s' })
    expect(result.conclusion).toBe('success')
    const remaining = Number(result.outputs['remaining-count'])
    expect(remaining).toBeGreaterThan(0)
    expect(result.summary).toMatch(
      /\*\*Stopped early: sweep-budget ran out\.\*\* \d+ keys? past .*next sweep deletes .*raise sweep-budget/,
    )
  })
})

describe('wording (finding 20)', () => {
  it('says "1 key", and a dry run summary reads as one sentence', async () => {
    const { s, add, github } = await withGitHub({ actionsRead: true })
    github.setRun(REPO, 100, [{ status: 'completed', conclusion: 'success' }])
    add(name('done', 4 * HOUR, 'job', '100'))
    add(name('late', -HOUR, 'keep', '100'))
    const result = await run(s, {
      mode: 'sweep',
      'github-token': TOKEN,
      'github-api-url': github.url,
      'dry-run': 'true',
      'sweep-scope': 'account',
    })
    const log = shown(result)
    expect(log).toMatch(/^3 keys on the account; 1 managed key on the account past its deadline\./m)
    expect(log).not.toMatch(/\b1 keys\b|\(s\)|\b1 [a-z ]*keys? [a-z/ -]* their\b/)
    expect(result.summary).toMatch(
      /key sweep \(dry run\)\n\n2 keys would be deleted \(1 past its deadline, 1 of completed run\);/,
    )
    expect(result.summary).not.toMatch(/\) \(/)
  })
})

describe('request-timeout longer than post can wait (finding 6)', () => {
  it('warns at input parsing, saying why and what a sweep does', async () => {
    const { s } = await setUp()
    const result = await run(s, {
      mode: 'create',
      permissions: 'instance_read',
      'request-timeout': '50s',
      'dry-run': 'true',
    })
    expect(result.conclusion).toBe('success')
    const warnings = result.annotations.filter((a) => a.level === 'warning')
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /Input 'request-timeout': it is 50s: .*post step can wait only 48s.*sweep.*32s or less/,
      ),
    ])
    const short = await run(s, {
      mode: 'create',
      permissions: 'instance_read',
      'request-timeout': '32s',
      'dry-run': 'true',
    })
    expect(short.annotations.filter((a) => a.level === 'warning')).toEqual([])
  })
})

describe('post: the next step reads as its own sentence (finding 20)', () => {
  it('says "… had to stop looking. A scheduled sweep …", not "; A scheduled sweep"', async () => {
    const { s } = await setUp()
    s.emulator.inject('create', { type: 'hold' })
    const inputs = {
      'admin-api-key': s.emulator.parentKey,
      'api-url': s.emulator.url,
      permissions: 'instance_read',
      'request-timeout': '20s',
    }
    const main = await s.job.runMain({ inputs, timeoutMs: 1500 })
    expect(main.timedOut).toBe(true)
    // cancelled soon after it starts: post stops looking long before the 22 s window ends
    const post = await s.job.runPost({ inputs, cancelAfter: { ms: 500 } })
    expect(shown(post)).toMatch(/after this step had to stop looking\. A scheduled sweep/)
    expect(shown(post)).not.toMatch(/; A scheduled/)
  })
})
