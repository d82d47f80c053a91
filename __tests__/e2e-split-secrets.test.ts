import { describe, expect, it } from '@jest/globals'
import { shown, type Scenario } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'
import { stepProblems } from './support/stream.ts'

// Secrets echoed back cut across lines, and credentials with a stray short line, through dist/ as
// the runner runs it (security review, findings 6 and 7).

const TOKEN = 'ghs_rotationtoken0123456789'
const REPO = 'octo-org/gpu-trainer'

const { start, startGitHub } = useScenarios()

async function world() {
  const github = await startGitHub()
  github.addRepository(REPO)
  github.addToken(TOKEN, { secretsWrite: true })
  const s = await start({ job: { env: { GITHUB_REPOSITORY: REPO } } })
  const gh = github
  const inputs = (extra: Record<string, string> = {}) =>
    s.inputs({
      mode: 'rotate',
      permissions: 'instance_read',
      'key-name': 'ci-deploy',
      'github-token': TOKEN,
      'github-api-url': gh.url,
      'secret-name': 'VAST_DEPLOY_KEY',
      ...extra,
    })
  return { s, gh, inputs }
}

const errors = (result: { annotations: { level: string; message: string }[] }) =>
  result.annotations.filter((a) => a.level === 'error').map((a) => a.message)

describe('a secret echoed cut across lines never shows', () => {
  it('Vast echoes the parent key in 11-character lines', async () => {
    const { s, inputs } = await world()
    const key = s.emulator.parentKey
    s.emulator.inject('create', {
      type: 'status',
      status: 400,
      body: { msg: `bad key ${key.match(/.{1,11}/g)?.join('\n')}` },
    })
    const main = await s.job.runMain({ inputs: inputs(), debug: true })
    expect(main.conclusion).toBe('failure')
    expect(errors(main).join('\n')).toMatch(/Create API key failed: HTTP 400: bad key \*\*\*/)
    expect(stepProblems(main, [key, TOKEN])).toEqual([])
  })

  it('GitHub echoes the token in 9-character lines', async () => {
    const { s, gh, inputs } = await world()
    gh.inject('publicKey', {
      type: 'status',
      status: 401,
      body: { message: `Bad credentials for ${TOKEN.match(/.{1,9}/g)?.join('\n')} end` },
    })
    const main = await s.job.runMain({ inputs: inputs(), debug: true })
    expect(main.conclusion).toBe('failure')
    expect(errors(main).join('\n')).toMatch(/HTTP 401 \(Bad credentials for \*\*\* end\)/)
    expect(stepProblems(main, [s.emulator.parentKey, TOKEN])).toEqual([])
  })
})

describe('a credential with a stray short line', () => {
  it.each([
    ['admin-api-key', (s: Scenario) => `${s.emulator.parentKey}\ne`],
    ['github-token', () => `${TOKEN}\nx`],
  ])('%s: refused before any request, the short line masked nowhere', async (input, value) => {
    const { s, gh, inputs } = await world()
    const main = await s.job.runMain({ inputs: inputs({ [input]: value(s) }), debug: true })
    expect(main.conclusion).toBe('failure')
    expect(errors(main).join('\n')).toContain(
      `Input '${input}': it contains whitespace, line breaks or control characters; check the secret`,
    )
    // every mask is a whole credential: none of a line of one or two characters
    expect(main.masks.every((m) => m.length >= 20 && !/\s/.test(m))).toBe(true)
    expect(main.masks).toContain(input === 'github-token' ? TOKEN : s.emulator.parentKey)
    expect(shown(main)).not.toMatch(/\*\*\*[a-z]|[a-z]\*\*\*/)
    expect(s.emulator.requests).toEqual([])
    expect(gh.requests).toEqual([])
  })
})
