import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { LoopbackProxy, PROXIED_HOST } from '../emulator/proxy.ts'
import { scenario } from './support/action.ts'

// A proxy variable Node cannot use is refused before any request, in the action's words and
// once (src/core/proxy-env.ts, src/core/vast/transport.ts setupError): before, Node threw on the
// first request, the clients took it for a network error, retried it for seconds and said
// "network error unknown ... A create request may have made the key". Through dist/.

const closing: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const item of closing.splice(0).reverse()) await item.close()
})

const errors = (result: { annotations: { level: string; message: string }[] }) =>
  result.annotations.filter((a) => a.level === 'error').map((a) => a.message)

const BAD = (name: string) =>
  `${name} holds a user name or password that is not valid percent-encoding: write % as %25, like http://user:p%25ss@proxy.example.com:3128`

describe('proxy credentials that are not valid percent-encoding', () => {
  it.each([
    ['HTTPS_PROXY', 'user:50%off'],
    ['https_proxy', '%E0%A4%A:secret'],
    ['HTTP_PROXY', 'user:%zz'],
  ])('%s with %s: refused before anything is sent, once', async (name, userinfo) => {
    const proxy = await LoopbackProxy.start()
    const s = await scenario({
      job: { env: { [name]: `http://${userinfo}@127.0.0.1:${new URL(proxy.url).port}` } },
    })
    closing.push(proxy, s)
    const main = await s.job.runMain({
      inputs: s.inputs({ 'api-url': `https://${PROXIED_HOST}:1` }),
    })
    expect(main.conclusion).toBe('failure')
    expect(errors(main)).toEqual([BAD(name)])
    expect(proxy.requests).toEqual([])
    expect(s.emulator.requests).toEqual([])
    expect(main.rawStdout + main.rawStderr).not.toContain(userinfo.split(':')[1] ?? '')
  })

  it('rotate: the GitHub client refuses it the same way, before a key is made', async () => {
    const github = await GitHubEmulator.start()
    github.addRepository('octo-org/gpu-trainer')
    github.addToken('ghs_rotationtoken0123456789', { secretsWrite: true })
    const proxy = await LoopbackProxy.start()
    const s = await scenario({
      job: {
        env: {
          GITHUB_REPOSITORY: 'octo-org/gpu-trainer',
          HTTPS_PROXY: `http://u:100%@127.0.0.1:${new URL(proxy.url).port}`,
        },
      },
    })
    closing.push(github, proxy, s)
    const main = await s.job.runMain({
      inputs: s.inputs({
        mode: 'rotate',
        'key-name': 'ci-deploy',
        'github-token': 'ghs_rotationtoken0123456789',
        'github-api-url': `https://${PROXIED_HOST}:1`,
        'secret-name': 'VAST_DEPLOY_KEY',
      }),
    })
    expect(main.conclusion).toBe('failure')
    expect(errors(main)).toEqual([BAD('HTTPS_PROXY')])
    expect(proxy.requests).toEqual([])
    expect(s.emulator.requestsFor('create')).toEqual([])
  })
})
