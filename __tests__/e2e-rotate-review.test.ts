import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { RunnerJob } from '../harness/runner.ts'
import { ACTION_YML, scenario, shown, type Scenario } from './support/action.ts'

// Rotation cases from a security review, from dist/ against the Vast and GitHub emulators: a
// retried secret write, two overlapping runs of one rotation, a create applied late, and target
// inputs that do not fit the scope. The promise: no rotation leaves a secret holding a dead key,
// and a run that cannot keep it says so and fails.

const TOKEN = 'ghs_rotationtoken0123456789'
const REPO = 'octo-org/gpu-trainer'

let current: { s: Scenario; github: GitHubEmulator; jobs: RunnerJob[] } | undefined
afterEach(async () => {
  for (const job of current?.jobs ?? []) await job.cleanup()
  await current?.s.close()
  await current?.github.close()
  current = undefined
})

async function start() {
  const github = await GitHubEmulator.start()
  github.addRepository(REPO, { environments: ['production'] })
  github.addToken(TOKEN, { secretsWrite: true, orgSecretsWrite: true })
  const s = await scenario({ job: { env: { GITHUB_REPOSITORY: REPO } } })
  current = { s, github, jobs: [] }
  const inputs = (extra: Record<string, string> = {}) =>
    s.inputs({
      mode: 'rotate',
      permissions: 'instance-manager',
      'key-name': 'ci-deploy',
      'github-token': TOKEN,
      'github-api-url': github.url,
      'secret-name': 'VAST_DEPLOY_KEY',
      ...extra,
    })
  const rotate = async (extra: Record<string, string> = {}) => {
    const main = await s.job.runMain({ inputs: inputs(extra) })
    const post = await s.job.runPost({ inputs: inputs(extra) })
    return { main, post }
  }
  const secretKey = () => github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.value ?? ''
  const managed = () => s.emulator.liveKeys().filter((k) => k.id !== s.emulator.parentKeyId)
  return { s, github, inputs, rotate, secretKey, managed }
}

describe('a secret write whose first answer was lost', () => {
  const refusals = [
    ['a secondary rate limit', { type: 'rate-limit', kind: 'secondary', retryAfterSeconds: 200 }],
    ['403', { type: 'status', status: 403, body: { message: 'Resource not accessible' } }],
    ['401', { type: 'status', status: 401, body: { message: 'Bad credentials' } }],
    ['422', { type: 'status', status: 422, body: { message: 'Bad key id' } }],
  ] as const
  it.each(refusals)(
    'then %s on the retry: the secret still holds a live key, both keys kept',
    async (_what, refusal) => {
      const { s, github, rotate, secretKey, managed } = await start()
      expect((await rotate()).main.conclusion).toBe('success')
      github.inject('putSecret', { type: 'lost' })
      github.inject('putSecret', refusal)
      const { main, post } = await rotate({ 'max-attempts': '3' })
      // The first PUT was applied: the secret holds the new key, which must stay alive.
      expect(github.requestsFor('putSecret').length).toBeGreaterThanOrEqual(3)
      expect(s.emulator.isLive(secretKey())).toBe(true)
      expect(main.conclusion).toBe('failure')
      expect(shown(main)).toMatch(/may or may not hold the new key/)
      expect(shown(main)).not.toMatch(/secret are untouched/)
      expect(post.conclusion).toBe('success')
      expect(managed()).toHaveLength(2)
    },
    60_000,
  )

  it('a secondary rate limit on the first attempt is called a rate limit, and nothing is kept', async () => {
    const { s, github, rotate, secretKey, managed } = await start()
    expect((await rotate()).main.conclusion).toBe('success')
    const before = secretKey()
    github.inject('putSecret', { type: 'rate-limit', kind: 'secondary', retryAfterSeconds: 200 })
    const { main } = await rotate()
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/rate limit/i)
    expect(shown(main)).not.toMatch(/cannot write this secret/)
    expect(secretKey()).toBe(before)
    expect(s.emulator.isLive(before)).toBe(true)
    expect(managed()).toHaveLength(1)
  }, 180_000)
})

describe('two overlapping runs of one rotation', () => {
  it('a run whose own key was retired by another run rotates once more: the secret holds a live key', async () => {
    const { s, github, inputs, rotate, secretKey } = await start()
    const env = { GITHUB_REPOSITORY: REPO }
    const a = new RunnerJob({ actionYml: ACTION_YML, env: { ...env, GITHUB_RUN_ID: '101' } })
    const b = new RunnerJob({ actionYml: ACTION_YML, env: { ...env, GITHUB_RUN_ID: '102' } })
    current?.jobs.push(a, b)
    // A's write reaches GitHub only after B has minted, written and retired A's key.
    github.inject('putSecret', { type: 'delay', ms: 8000 })
    const aMain = a.runMain({ inputs: inputs() })
    while (github.requestsFor('putSecret').length < 1) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const bMain = await b.runMain({ inputs: inputs() })
    await b.runPost({ inputs: inputs() })
    expect(bMain.conclusion).toBe('success')
    const am = await aMain
    await a.runPost({ inputs: inputs() })
    // With A's write this late, B retired A's key before A listed the keys: A sees its own key
    // gone, says so, and rotates once more, so the secret ends holding a live key.
    expect(shown(am)).toMatch(/another rotation of the same secret .* Rotating once more/)
    expect(am.conclusion).toBe('success')
    expect(s.emulator.isLive(secretKey())).toBe(true)
    expect(secretKey()).toBe(
      s.emulator.liveKeys().find((k) => k.id === Number(am.outputs['key-id']))?.key,
    )
    expect((await rotate()).main.conclusion).toBe('success')
    expect(s.emulator.isLive(secretKey())).toBe(true)
  }, 180_000)
})

describe('a create applied after the action gave up on it', () => {
  const sameName = (s: Scenario, id: number | undefined) => {
    const name = s.emulator.liveKeys().find((k) => k.id === id)?.name
    return s.emulator.liveKeys().filter((k) => k.name === name)
  }

  it('within the window: the post step of the rotation deletes the stray, the held key stays', async () => {
    const { s, rotate, secretKey, managed } = await start()
    // The first attempt times out at 2 s; Vast applies it at 3 s, after the retry made the key.
    s.emulator.inject('create', { type: 'delay', ms: 3000 })
    const first = await rotate({ 'request-timeout': '2s' })
    expect(first.main.conclusion).toBe('success')
    expect(first.post.conclusion).toBe('success')
    const heldId = s.emulator.liveKeys().find((k) => k.key === secretKey())?.id
    expect(heldId).toBeDefined()
    // The stray went (in main's retirement or the post step's last look), the held key stayed.
    expect(s.emulator.requestsFor('create')).toHaveLength(2)
    expect(s.emulator.findByValue(secretKey())?.id).toBe(heldId)
    expect(managed().map((k) => k.id)).toEqual([heldId])
    expect(shown(first.post)).toMatch(/which the rotation wrote to the secret, stays/)
  }, 180_000)

  it('after the window: keep-previous keeps the held key, never only its stray', async () => {
    const { s, rotate, secretKey } = await start()
    // applied 14 s after the send: after the window of 1 s + the 10 s margin
    s.emulator.inject('create', { type: 'delay', ms: 14_000 })
    const first = await rotate({ 'request-timeout': '1s' })
    expect(first.main.conclusion).toBe('success')
    const held = s.emulator.liveKeys().find((k) => k.key === secretKey())
    // Vast applies the first attempt later than any step could wait for: a stray of the same name.
    while (sameName(s, held?.id).length < 2) await new Promise((r) => setTimeout(r, 100))
    const second = await rotate({ 'keep-previous': '1' })
    expect(second.main.conclusion).toBe('success')
    // The previous rotation is kept whole: the key its secret held is alive.
    expect(s.emulator.isLive(held?.key ?? '')).toBe(true)
    const third = await rotate({ 'keep-previous': '0' })
    expect(third.main.conclusion).toBe('success')
    expect(sameName(s, held?.id)).toHaveLength(0)
  }, 180_000)
})

describe('target inputs that do not fit secret-scope', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ environment: 'production' }, /environment.*secret-scope: environment/],
    [{ organization: 'octo-org' }, /organization.*secret-scope: organization/],
    [{ visibility: 'private' }, /visibility.*secret-scope: organization/],
    [
      { 'selected-repositories': 'gpu-trainer' },
      /selected-repositories.*secret-scope: organization/,
    ],
    [
      { 'secret-scope': 'environment', environment: 'production', visibility: 'all' },
      /visibility.*secret-scope: organization/,
    ],
    [{ 'secret-scope': 'environment', environment: '..' }, /environment/],
    [{ 'secret-scope': 'environment', environment: '.' }, /environment/],
    [{ 'secret-scope': 'environment', environment: 'prod/eu' }, /environment/],
    [{ 'secret-scope': 'environment', environment: 'x'.repeat(256) }, /environment/],
  ]
  it.each(cases)(
    '%j is refused before any request',
    async (extra, message) => {
      const { s, github, rotate, managed } = await start()
      const { main } = await rotate(extra)
      expect(main.conclusion).toBe('failure')
      expect(shown(main)).toMatch(message)
      expect(github.requests).toHaveLength(0)
      expect(s.emulator.requests).toHaveLength(0)
      expect(managed()).toHaveLength(0)
    },
    60_000,
  )
})
