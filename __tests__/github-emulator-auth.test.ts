import { describe, expect, it } from '@jest/globals'
import {
  APP_ONLY,
  READER,
  SCOPES,
  expectRateLimitHeaders,
  gh,
  putSecret,
  seal,
  useGitHubEmulators,
} from './support/github-http.ts'

// The GitHub emulator's tokens and rights, and its workflow-run routes.

const start = useGitHubEmulators()

describe('authentication and rights', () => {
  const base = '/repos/acme/app/actions/secrets'

  it('answers 401 without a token or with an unknown one', async () => {
    const emu = await start()
    const none = await gh(emu, 'GET', `${base}/public-key`, { token: null })
    expect(none.status).toBe(401)
    expect(none.body['message']).toBe('Requires authentication')
    const unknown = await gh(emu, 'GET', `${base}/public-key`, { token: 'ghs_nope' })
    expect(unknown.status).toBe(401)
    expect(unknown.body['message']).toBe('Bad credentials')
    expectRateLimitHeaders(unknown)
    expect(unknown.headers.get('x-ratelimit-limit')).toBe('60')
    const garbled = await gh(emu, 'GET', `${base}/public-key`, { scheme: 'Basic' })
    expect(garbled.status).toBe(401)
  })

  it('accepts both the Bearer and the token scheme', async () => {
    const emu = await start()
    expect((await gh(emu, 'GET', '/repos/acme/app', { scheme: 'token' })).status).toBe(200)
    expect((await gh(emu, 'GET', '/repos/acme/app', { scheme: 'bearer' })).status).toBe(200)
  })

  it('lets a read-only token read keys and metadata but not write (403)', async () => {
    const emu = await start()
    expect((await putSecret(emu, base, 'KEEP', 'v')).status).toBe(201)
    expect((await gh(emu, 'GET', `${base}/KEEP`, { token: READER })).status).toBe(200)
    for (const scope of SCOPES) {
      const answer = await putSecret(emu, scope.base, 'VAST_API_KEY', 'v', scope.extra, READER)
      expect(answer.status).toBe(403)
      expect(answer.body).toMatchObject({
        message: 'Resource not accessible by integration',
        documentation_url: expect.stringMatching(
          /^https:\/\/docs\.github\.com\/rest\/actions\/secrets#create-or-update-an?-/,
        ),
      })
    }
    expect(emu.secrets().map((s) => s.name)).toEqual(['KEEP'])
  })

  it('refuses a token limited to other repositories (403) and org writes without the right', async () => {
    const emu = await start()
    expect((await putSecret(emu, base, 'A', 'v', {}, APP_ONLY)).status).toBe(201)
    const envBase = '/repos/acme/app/environments/staging/secrets'
    expect((await putSecret(emu, envBase, 'A', 'v', {}, APP_ONLY)).status).toBe(201)
    for (const path of [
      '/repos/acme/lib',
      '/repos/acme/lib/actions/secrets/public-key',
      '/repos/other/tool/actions/secrets/A',
    ]) {
      const answer = await gh(emu, 'GET', path, { token: APP_ONLY })
      expect(answer.status).toBe(403)
      expect(answer.body['message']).toBe('Resource not accessible by integration')
    }
    const lib = await gh(emu, 'GET', '/repos/acme/lib/actions/secrets/public-key')
    const body = {
      encrypted_value: seal('v', lib.body['key'] as string),
      key_id: lib.body['key_id'],
    }
    const put = await gh(emu, 'PUT', '/repos/acme/lib/actions/secrets/A', { token: APP_ONLY, body })
    expect(put.status).toBe(403)
    const org = await putSecret(
      emu,
      '/orgs/acme/actions/secrets',
      'A',
      'v',
      { visibility: 'all' },
      APP_ONLY,
    )
    expect(org.status).toBe(403)
    expect(emu.secrets()).toHaveLength(2)
  })

  it('answers 404 for unknown repositories, environments, organisations, secrets and paths', async () => {
    const emu = await start()
    const paths: [string, string][] = [
      ['GET', '/repos/acme/nope'],
      ['GET', '/repos/nobody/app/actions/secrets/public-key'],
      ['GET', '/repos/acme/app/environments/nope/secrets/public-key'],
      ['PUT', '/repos/acme/app/environments/nope/secrets/A'],
      ['GET', '/repos/acme/app/environments/nope/secrets/A'],
      ['GET', '/orgs/nobody/actions/secrets/public-key'],
      ['PUT', '/orgs/nobody/actions/secrets/A'],
      ['GET', '/orgs/acme/actions/secrets/A'],
      ['GET', '/orgs/acme/actions/secrets/A/repositories'],
      ['GET', '/repos/acme/app/actions/secrets/A'],
      ['GET', '/nothing/here'],
      ['DELETE', '/repos/acme/app'],
      ['POST', '/repos/acme/app/actions/secrets/A'],
    ]
    for (const [method, path] of paths) {
      const answer = await gh(emu, method, path, method === 'GET' ? {} : { body: {} })
      expect({ method, path, status: answer.status }).toEqual({ method, path, status: 404 })
      expect(answer.body['message']).toBe('Not Found')
      expectRateLimitHeaders(answer)
    }
  })
})

describe('workflow runs', () => {
  it('answers a run attempt, the latest attempt, and 404 for unknown runs or attempts', async () => {
    const emulator = await start()
    emulator.setRun('acme/app', 77, [
      { status: 'completed', conclusion: 'failure' },
      { status: 'in_progress' },
    ])
    const first = await gh(emulator, 'GET', '/repos/acme/app/actions/runs/77/attempts/1')
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({
      id: 77,
      run_attempt: 1,
      status: 'completed',
      conclusion: 'failure',
    })
    const latest = await gh(emulator, 'GET', '/repos/acme/app/actions/runs/77')
    expect(latest.body).toMatchObject({ run_attempt: 2, status: 'in_progress', conclusion: null })
    expect((await gh(emulator, 'GET', '/repos/acme/app/actions/runs/77/attempts/3')).status).toBe(
      404,
    )
    expect((await gh(emulator, 'GET', '/repos/acme/app/actions/runs/78')).status).toBe(404)
    expect((await gh(emulator, 'GET', '/repos/acme/lib/actions/runs/77')).status).toBe(404)
    expect(emulator.requestsFor('runAttempt')).toHaveLength(2)
  })

  it('refuses a token without actions: read (403) and one limited to other repositories', async () => {
    const emulator = await start()
    emulator.setRun('acme/lib', 5, [{ status: 'completed' }])
    emulator.addToken('ghs_no_actions', { secretsWrite: false, actionsRead: false })
    const path = '/repos/acme/lib/actions/runs/5/attempts/1'
    expect((await gh(emulator, 'GET', path, { token: 'ghs_no_actions' })).status).toBe(403)
    expect((await gh(emulator, 'GET', path, { token: APP_ONLY })).status).toBe(403)
    expect((await gh(emulator, 'GET', path, { token: READER })).status).toBe(200)
  })
})
