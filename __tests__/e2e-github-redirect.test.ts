import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { findLeaks } from '../harness/runner.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// GitHub answers a request for a renamed or moved repository with a redirect (301 for GET, 307
// for PUT; GitHub REST docs, "HTTP redirects"). The transport follows no redirect, and Octokit
// reads any status below 400 but 304 as success: a 307 to the PUT was taken for a written
// secret, and the rotation then deleted the key the secret still held. Through dist/.

const TOKEN = 'ghs_rotationtoken0123456789'
const REPO = 'octo-org/gpu-trainer'

let current: { s: Scenario; github: GitHubEmulator } | undefined
afterEach(async () => {
  await current?.s.close()
  await current?.github.close()
  current = undefined
})

async function start() {
  const github = await GitHubEmulator.start()
  github.addRepository(REPO)
  github.addToken(TOKEN, { secretsWrite: true })
  const s = await scenario({ job: { secrets: [] } })
  current = { s, github }
  const inputs = s.inputs({
    mode: 'rotate',
    'key-name': 'ci-deploy',
    'secret-name': 'VAST_DEPLOY_KEY',
    'github-token': TOKEN,
    'github-api-url': github.url,
  })
  const rotate = async () => ({
    main: await s.job.runMain({ inputs }),
    post: await s.job.runPost({ inputs }),
  })
  const managed = () => s.emulator.liveKeys().filter((k) => k.id !== s.emulator.parentKeyId)
  return { s, github, rotate, managed }
}

const redirect = (status: number) => ({
  type: 'status' as const,
  status,
  body: { message: 'Moved Permanently', url: `https://api.github.com/repositories/42` },
  headers: { location: 'https://api.github.com/repositories/42' },
})

describe('a redirect from GitHub', () => {
  it.each([301, 302, 307, 308])(
    'to the secret write (%i): not taken for success; the older key stays, and the secret with it',
    async (status) => {
      const { s, github, rotate, managed } = await start()
      await rotate()
      const old = managed()[0]
      expect(github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.value).toBe(old?.key)
      github.inject('putSecret', redirect(status))
      const { main } = await rotate()
      expect(main.conclusion).toBe('failure')
      expect(shown(main)).toContain(
        `Could not write the repository secret VAST_DEPLOY_KEY of ${REPO}: GitHub answered HTTP ${status}, a redirect, which the action does not follow (a renamed or moved repository or organisation: name it as it is now; or check github-api-url).`,
      )
      expect(shown(main)).toMatch(
        /Rotation stopped before the secret was written: deleted the new key/,
      )
      expect(managed().map((k) => k.id)).toEqual([old?.id])
      // The secret still holds the older key, which is alive.
      expect(github.secret({ repository: REPO }, 'VAST_DEPLOY_KEY')?.value).toBe(old?.key)
      expect(managed().map((k) => k.id)).toContain(old?.id)
      expect(findLeaks(s.job.logText(), [TOKEN, ...s.secrets()])).toEqual([])
    },
  )

  it('to the public key read (301): fails before any key is made', async () => {
    const { s, github, rotate } = await start()
    github.inject('publicKey', redirect(301))
    const { main } = await rotate()
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toContain(
      'GitHub answered HTTP 301, a redirect, which the action does not follow',
    )
    expect(s.emulator.requestsFor('create')).toEqual([])
  })
})
