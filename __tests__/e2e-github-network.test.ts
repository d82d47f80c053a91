import { createServer, type AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { TlsFront } from '../emulator/tls.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// A GitHub request that gets no answer is said as such, with its cause, through dist/ (security
// review, finding 8: these were reported as "HTTP 500" after about 14 s of retries).

const TOKEN = 'ghs_rotationtoken0123456789'
const REPO = 'octo-org/gpu-trainer'

let current: Scenario | undefined
let github: GitHubEmulator | undefined
let proxy: LoopbackProxy | undefined
let tls: TlsFront | undefined
afterEach(async () => {
  await current?.close()
  await github?.close()
  await proxy?.close()
  await tls?.close()
  current = github = proxy = tls = undefined
})

const errors = (result: { annotations: { level: string; message: string }[] }) =>
  result.annotations.filter((a) => a.level === 'error').map((a) => a.message)

async function rotate(env: Record<string, string>, githubUrl?: string, attempts = '1') {
  github = await GitHubEmulator.start()
  github.addRepository(REPO)
  github.addToken(TOKEN, { secretsWrite: true })
  const s = (current = await scenario({ job: { env: { GITHUB_REPOSITORY: REPO, ...env } } }))
  const main = await s.job.runMain({
    inputs: s.inputs({
      mode: 'rotate',
      'key-name': 'ci-deploy',
      'github-token': TOKEN,
      'github-api-url': githubUrl ?? github.url,
      'secret-name': 'VAST_DEPLOY_KEY',
      'max-attempts': attempts,
    }),
  })
  return { s, main }
}

describe('no answer from GitHub', () => {
  it('a refused connection', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const { s, main } = await rotate({}, `http://127.0.0.1:${port}`)
    expect(main.conclusion).toBe('failure')
    expect(errors(main).join('\n')).toMatch(
      /Could not read the public key of .*: no answer \(network error ECONNREFUSED/,
    )
    expect(shown(main)).not.toMatch(/HTTP 500/)
    expect(s.emulator.requestsFor('create')).toEqual([])
  })

  it('a proxy that refuses (407), its credentials not shown', async () => {
    proxy = await LoopbackProxy.start({ credentials: 'other:pw' })
    const url = proxy.url.replace('http://', 'http://ghp_USERNAMETOKEN123456789:pass-word-1234@')
    // GitHub behind https as a name only the proxy resolves: loopback would go direct.
    const placeholder = await GitHubEmulator.start()
    tls = await TlsFront.start(placeholder.url)
    const port = new URL(tls.url).port
    const { s, main } = await rotate(
      { HTTPS_PROXY: url, HTTP_PROXY: url, NODE_EXTRA_CA_CERTS: tls.caFile },
      `https://${PROXIED_HOST}:${port}`,
      '5',
    )
    await placeholder.close()
    // refused once, not tried again: a proxy's refusal is final
    expect(proxy.requests.map((r) => r.method)).toEqual(['CONNECT'])
    expect(main.conclusion).toBe('failure')
    expect(errors(main).join('\n')).toMatch(
      /no answer \(.*407.*; check the proxy in HTTPS_PROXY\/HTTP_PROXY/,
    )
    expect(shown(main)).not.toMatch(/HTTP 500|USERNAMETOKEN|pass-word/)
    expect(s.emulator.requestsFor('create')).toEqual([])
  })

  it.each(['HTTP_PROXY', 'HTTPS_PROXY'])(
    'a loopback github-api-url never goes through %s (the token would reach the proxy)',
    async (variable) => {
      proxy = await LoopbackProxy.start()
      const { main } = await rotate({ [variable]: proxy.url })
      expect(main.conclusion).toBe('success')
      expect(proxy.requests).toEqual([])
      expect(github?.requestsFor('putSecret')).toHaveLength(1)
    },
  )

  it('a token an HTTP header cannot carry is refused as an input, before any request', async () => {
    github = await GitHubEmulator.start()
    const s = (current = await scenario({ job: { env: { GITHUB_REPOSITORY: REPO } } }))
    const main = await s.job.runMain({
      inputs: s.inputs({
        mode: 'rotate',
        'key-name': 'ci-deploy',
        'github-token': `${TOKEN}é`,
        'github-api-url': github.url,
        'secret-name': 'VAST_DEPLOY_KEY',
      }),
    })
    expect(errors(main).join('\n')).toMatch(
      /Input 'github-token': it contains a character that is not printable ASCII/,
    )
    expect(github.requests).toEqual([])
    expect(s.emulator.requests).toEqual([])
  })
})

describe('what GitHub is told', () => {
  // As @actions/github's getOctokit said it: Octokit's own User-Agent, after the runner's
  // orchestration id when there is one (characters other than [A-Za-z0-9_.-] as `_`).
  it.each([
    [{}, /^octokit-core\.js\/\d+\.\d+\.\d+ Node\.js\/24/],
    [
      { ACTIONS_ORCHESTRATION_ID: ' run 42/a ' },
      /^actions_orchestration_id\/run_42_a octokit-core\.js\/\d+\.\d+\.\d+ Node\.js\/24/,
    ],
  ])('the User-Agent under %j', async (env, expected) => {
    const { main } = await rotate(env)
    expect(main.conclusion).toBe('success')
    const agents = [...new Set(github?.requests.map((r) => r.userAgent))]
    expect(agents).toEqual([expect.stringMatching(expected)])
  })
})
