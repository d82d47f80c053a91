import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { findLeaks } from '../harness/runner.ts'
import { formatKeyName, rotationTargetId } from '../src/core/key-name.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// mode: rotate, from dist/ against the Vast emulator and a GitHub emulator that opens every
// sealed box with its private key, so the tests see exactly what the secret holds.

const TOKEN = 'ghs_rotationtoken0123456789'
const REPO = 'octo-org/gpu-trainer'

let current: { s: Scenario; github: GitHubEmulator } | undefined
afterEach(async () => {
  await current?.s.close()
  await current?.github.close()
  current = undefined
})

async function start(
  rights: { secretsWrite: boolean; orgSecretsWrite?: boolean } = {
    secretsWrite: true,
    orgSecretsWrite: true,
  },
) {
  const github = await GitHubEmulator.start()
  github.addRepository(REPO, { environments: ['production'] })
  github.addRepository('octo-org/deployer')
  github.addToken(TOKEN, rights)
  const s = await scenario({ job: { secrets: [] } })
  current = { s, github }
  const inputs = (extra: Record<string, string> = {}) =>
    s.inputs({
      mode: 'rotate',
      permissions: 'instance-manager',
      'key-name': 'ci-deploy',
      'secret-name': 'VAST_DEPLOY_KEY',
      'github-token': TOKEN,
      'github-api-url': github.url,
      ...extra,
    })
  const rotate = async (extra: Record<string, string> = {}) => {
    const main = await s.job.runMain({ inputs: inputs(extra), debug: true })
    const post = await s.job.runPost({ inputs: inputs(extra), debug: true })
    return { main, post }
  }
  const leaks = () => [...s.leaks(), ...findLeaks(s.job.logText(), [TOKEN])]
  return { s, github, rotate, leaks }
}

const managed = (s: Scenario) =>
  s.emulator.liveKeys().filter((k) => k.id !== s.emulator.parentKeyId)

describe('rotate', () => {
  it('first rotation: mints a key, writes it sealed into the repository secret', async () => {
    const { s, github, rotate, leaks } = await start()
    const { main, post } = await rotate()
    expect(main.conclusion).toBe('success')
    const secret = github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')
    const [key] = managed(s)
    expect(secret?.value).toBe(key?.key)
    expect(main.outputs).toMatchObject({
      'key-id': String(key?.id),
      'secret-name': 'VAST_DEPLOY_KEY',
      'deleted-count': '0',
    })
    expect(main.outputs['api-key']).toBeUndefined()
    expect(main.outputs['rotated-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    // the key works, and its deadline is 30 days out by default in rotate mode
    expect(key?.name).toMatch(
      /^ci-deploy \[vsk2 m=rot exp=\d{8}T\d{6}Z repo=octo-org\/gpu-trainer /,
    )
    const deadline = /exp=(\d{4})(\d\d)(\d\d)T/.exec(key?.name ?? '')
    const days =
      (Date.parse(`${deadline?.[1]}-${deadline?.[2]}-${deadline?.[3]}`) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(28)
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/rotation completed/)
    expect(managed(s)).toHaveLength(1)
    expect(leaks()).toEqual([])
  })

  it('second rotation replaces the first key; other rotations and foreign keys are untouched', async () => {
    const { s, github, rotate } = await start()
    await rotate()
    const first = managed(s)[0]
    const target = rotationTargetId(['repository', REPO, 'VAST_DEPLOY_KEY'])
    const stagingName = formatKeyName({
      label: 'ci-deploy-staging',
      kind: 'rot',
      target,
      expiresAt: new Date(Date.now() + 86_400_000),
      repository: REPO,
      runId: '1',
      runAttempt: '1',
      job: 'x',
      nonce: 'aa',
    })
    const staging = s.emulator.addKey({ name: stagingName }).id
    const foreign = s.emulator.addKey({ name: 'ci-deploy' }).id
    const otherRepo = s.emulator.addKey({
      name: formatKeyName({
        label: 'ci-deploy',
        kind: 'rot',
        target,
        expiresAt: new Date(Date.now() + 86_400_000),
        repository: 'octo-org/other',
        runId: '1',
        runAttempt: '1',
        job: 'x',
        nonce: 'bb',
      }),
    }).id
    const { main } = await rotate()
    expect(main.conclusion).toBe('success')
    expect(main.outputs['deleted-count']).toBe('1')
    const live = managed(s).map((k) => k.id)
    expect(live).not.toContain(first?.id)
    expect(live).toEqual(expect.arrayContaining([staging, foreign, otherRepo]))
    expect(github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.value).toBe(
      s.emulator.liveKeys().find((k) => String(k.id) === main.outputs['key-id'])?.key,
    )
    expect(github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.writes).toBe(2)
  })

  it('counts a new key refused for a missing scope with 401 as working', async () => {
    const github = await GitHubEmulator.start()
    github.addRepository(REPO)
    github.addToken(TOKEN, { secretsWrite: true })
    const s = await scenario({ emulator: { missingScopeStatus: 401 } })
    current = { s, github }
    const main = await s.job.runMain({
      inputs: s.inputs({
        mode: 'rotate',
        permissions: 'misc',
        'key-name': 'ci-deploy',
        'secret-name': 'K',
        'github-token': TOKEN,
        'github-api-url': github.url,
      }),
    })
    expect(main.conclusion).toBe('success')
    expect(github.secret({ repository: REPO }, 'K')?.value).toBe(managed(s)[0]?.key)
  })

  it('never deletes the parent key, even when its name matches the rotation', async () => {
    const github = await GitHubEmulator.start()
    github.addRepository(REPO)
    github.addToken(TOKEN, { secretsWrite: true })
    const parentName = formatKeyName({
      label: 'ci-deploy',
      kind: 'rot',
      target: rotationTargetId(['repository', REPO, 'K']),
      expiresAt: new Date(Date.now() - 1000),
      repository: REPO,
      runId: '1',
      runAttempt: '1',
      job: 'x',
      nonce: 'cc',
    })
    const s = await scenario({ emulator: { parentName } })
    current = { s, github }
    const main = await s.job.runMain({
      inputs: s.inputs({
        mode: 'rotate',
        permissions: 'misc',
        'key-name': 'ci-deploy',
        'secret-name': 'K',
        'github-token': TOKEN,
        'github-api-url': github.url,
      }),
    })
    expect(main.conclusion).toBe('success')
    expect(s.emulator.isLive(s.emulator.parentKey)).toBe(true)
  })

  it('keep-previous: 1 keeps the newest older key for an overlap window', async () => {
    const { s, rotate } = await start()
    await rotate({ 'keep-previous': '1' })
    const first = managed(s)[0]?.id
    await rotate({ 'keep-previous': '1' })
    const second = Math.max(...managed(s).map((k) => k.id))
    const { main } = await rotate({ 'keep-previous': '1' })
    const live = managed(s).map((k) => k.id)
    expect(live).toHaveLength(2)
    expect(live).toContain(second)
    expect(live).not.toContain(first)
    expect(main.outputs['deleted-count']).toBe('1')
  })

  it('writes environment and organisation secrets, with selected repositories', async () => {
    const { s, github, rotate } = await start()
    const env = await rotate({ 'secret-scope': 'environment', environment: 'production' })
    expect(env.main.conclusion).toBe('success')
    expect(
      github.secret({ repository: REPO, environment: 'production' }, 'VAST_DEPLOY_KEY')?.value,
    ).toBe(managed(s).at(-1)?.key)
    const org = await rotate({
      'secret-scope': 'organization',
      organization: 'octo-org',
      visibility: 'selected',
      'selected-repositories': 'deployer, octo-org/gpu-trainer',
    })
    expect(org.main.conclusion).toBe('success')
    const secret = github.secret({ organization: 'octo-org' }, 'VAST_DEPLOY_KEY')
    expect(secret?.value).toBe(managed(s).at(-1)?.key)
    expect(secret?.visibility).toBe('selected')
    expect(secret?.selectedRepositoryIds).toHaveLength(2)
  })

  it('hands out the key only with output-key: true', async () => {
    const { s, rotate, leaks } = await start()
    const { main } = await rotate({ 'output-key': 'true' })
    expect(main.outputs['api-key']).toBe(managed(s)[0]?.key)
    expect(leaks()).toEqual([])
  })
})

describe('rotate failures', () => {
  it('a token that cannot write secrets: says so, deletes the new key, leaves the old key and secret', async () => {
    const { s, github, rotate, leaks } = await start()
    await rotate()
    const old = managed(s)[0]
    github.inject('putSecret', {
      type: 'status',
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    })
    const { main, post } = await rotate()
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /HTTP 403 \(Resource not accessible by integration\)\. The token in github-token cannot write this secret\. The workflow's own GITHUB_TOKEN can never write secrets/,
    )
    expect(shown(main)).toMatch(
      /Rotation stopped before the secret was written: deleted the new key/,
    )
    expect(post.conclusion).toBe('success')
    expect(managed(s).map((k) => k.id)).toEqual([old?.id])
    expect(github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.value).toBe(old?.key)
    expect(leaks()).toEqual([])
  })

  it('a token that cannot see the repository: fails before any key is made', async () => {
    const { s, rotate } = await start({ secretsWrite: false })
    const { main } = await rotate({ repository: 'octo-org/missing' })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /Could not read the public key of the repository secret VAST_DEPLOY_KEY of octo-org\/missing: HTTP 404/,
    )
    expect(s.emulator.requestsFor('create')).toHaveLength(0)
  })

  it('a new key that does not authenticate is deleted, and nothing is written', async () => {
    const { s, github, rotate } = await start()
    // the first answers main's parent check before the create (which goes on without it), the
    // next three the new key's check
    s.emulator.inject(
      'current',
      { type: 'status', status: 401, body: { msg: 'Invalid user key' } },
      4,
    )
    const { main } = await rotate()
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /did not authenticate.*HTTP 401: Invalid user key.*deleted the new key/,
    )
    expect(managed(s)).toHaveLength(0)
    expect(github.secrets()).toHaveLength(0)
  })

  it('retries a GitHub 5xx and waits out a rate limit', async () => {
    const { s, github, rotate } = await start()
    github.inject('putSecret', { type: 'status', status: 502 })
    github.inject('publicKey', { type: 'rate-limit', kind: 'secondary', retryAfterSeconds: 1 })
    const { main } = await rotate()
    expect(main.conclusion).toBe('success')
    expect(github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.value).toBe(managed(s)[0]?.key)
  })

  it('still succeeds when an older key cannot be deleted, with a warning', async () => {
    const { s, rotate } = await start()
    await rotate()
    const old = managed(s)[0]
    s.emulator.inject('delete', { type: 'status', status: 403, body: { msg: 'denied' } })
    const { main } = await rotate()
    expect(main.conclusion).toBe('success')
    expect(main.annotations).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringMatching(
          /older key .* could not be deleted.*next rotation or a sweep/,
        ),
      }),
    ])
    expect(managed(s).map((k) => k.id)).toContain(old?.id)
  })

  it('an uncertain write keeps both keys alive, so the secret works whichever it holds', async () => {
    const { s, github, rotate } = await start()
    await rotate()
    const old = managed(s)[0]
    github.inject('putSecret', { type: 'status', status: 502, body: { message: 'Bad Gateway' } })
    const { main, post } = await rotate({ 'max-attempts': '1' })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /HTTP 502 .*may or may not hold the new key \d+: it and the older keys are all kept alive/,
    )
    expect(post.conclusion).toBe('success')
    expect(managed(s)).toHaveLength(2)
    expect(managed(s).map((k) => k.id)).toContain(old?.id)
    // the next rotation finishes the job
    const next = await rotate()
    expect(next.main.conclusion).toBe('success')
    expect(managed(s)).toHaveLength(1)
    expect(github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.value).toBe(managed(s)[0]?.key)
  })

  it('a key-name too long to come back whole from the key name is refused', async () => {
    const github = await GitHubEmulator.start()
    const longRepo = `${'o'.repeat(39)}/${'r'.repeat(100)}`
    const s = await scenario({ job: { env: { GITHUB_REPOSITORY: longRepo } } })
    current = { s, github }
    const main = await s.job.runMain({
      inputs: s.inputs({
        mode: 'rotate',
        'key-name': 'k'.repeat(60),
        'secret-name': 'K',
        'github-token': TOKEN,
        'github-api-url': github.url,
      }),
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(
      /Input 'key-name': it is too long to be kept whole in a key name for o+\/r+; use at most \d+ characters/,
    )
    expect(s.emulator.requests).toEqual([])
    expect(github.requests).toEqual([])
  })

  it.each([
    [{ 'github-token': '' }, /Input 'github-token': it is required in rotate mode/],
    [{ 'key-name': '' }, /Input 'key-name': it is required in rotate mode/],
    [
      { 'secret-name': 'GITHUB_KEY' },
      /Input 'secret-name': 'GITHUB_KEY' is not a valid secret name/,
    ],
    [
      { 'secret-scope': 'environment' },
      /Input 'environment': it is required with secret-scope: environment/,
    ],
    [{ 'secret-scope': 'organization' }, /Input 'organization': it is required/],
    [
      { 'secret-scope': 'organization', organization: 'octo-org', visibility: 'selected' },
      /Input 'selected-repositories': it is required/,
    ],
    [{ 'keep-previous': '11' }, /Input 'keep-previous'/],
    [{ 'github-api-url': 'http://github.example.com' }, /Input 'github-api-url': plain http/],
  ])('bad input %j: nothing created', async (override, message) => {
    const { s, github, rotate } = await start()
    const { main } = await rotate(override)
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(message)
    expect(s.emulator.requests).toEqual([])
    expect(github.requests).toEqual([])
  })
})
