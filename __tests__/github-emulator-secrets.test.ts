import { describe, expect, it } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import type { GitHubEmulator } from '../emulator/github.ts'
import {
  READER,
  SCOPES,
  expectRateLimitHeaders,
  gh,
  putSecret,
  seal,
  useGitHubEmulators,
} from './support/github-http.ts'

// The GitHub emulator's secrets routes: repositories and public keys, sealed writes, refused
// values, organisation secrets.

const start = useGitHubEmulators()

describe('repositories and public keys', () => {
  it('resolves a repository by name, case-insensitively', async () => {
    const emu = await start()
    const { id } = emu.addRepository('acme/app')
    const answer = await gh(emu, 'GET', '/repos/ACME/App')
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({
      id,
      name: 'app',
      full_name: 'acme/app',
      owner: { login: 'acme' },
    })
    expectRateLimitHeaders(answer)
  })

  it('gives each scope its own well-formed, stable public key', async () => {
    const emu = await start()
    const paths = [
      ...SCOPES.map((s) => `${s.base}/public-key`),
      '/repos/acme/app/environments/staging/secrets/public-key',
      '/repos/acme/lib/actions/secrets/public-key',
      '/orgs/other/actions/secrets/public-key',
    ]
    const keys = new Set<string>()
    const ids = new Set<string>()
    for (const path of paths) {
      const answer = await gh(emu, 'GET', path, { token: READER })
      expect(answer.status).toBe(200)
      expectRateLimitHeaders(answer)
      const { key, key_id } = answer.body as { key: string; key_id: string }
      expect(key_id).toMatch(/^\d{18}$/)
      expect(sodium.from_base64(key, sodium.base64_variants.ORIGINAL)).toHaveLength(32)
      expect((await gh(emu, 'GET', path)).body).toEqual(answer.body)
      keys.add(key)
      ids.add(key_id)
    }
    expect(keys.size).toBe(paths.length)
    expect(ids.size).toBe(paths.length)
    const first = SCOPES[0]
    if (first === undefined) throw new Error('no scopes')
    const viaHttp = await gh(emu, 'GET', `${first.base}/public-key`)
    expect(emu.publicKey(first.ref)).toEqual({
      keyId: viaHttp.body['key_id'],
      key: viaHttp.body['key'],
    })
  })
})

describe('writing secrets', () => {
  it.each(SCOPES)('opens a sealed $label secret and stores it exactly', async (scope) => {
    const emu = await start()
    const value = 'vast-key-0123456789abcdef ünïcødé ✓'
    const created = await putSecret(emu, scope.base, 'VAST_API_KEY', value, scope.extra)
    expect(created.status).toBe(201)
    expectRateLimitHeaders(created)
    expect(emu.secret(scope.ref, 'VAST_API_KEY')).toMatchObject({
      scope: scope.label,
      owner: 'acme',
      name: 'VAST_API_KEY',
      value,
      writes: 1,
    })
    expect(emu.secrets()).toHaveLength(1)

    const shown = await gh(emu, 'GET', `${scope.base}/VAST_API_KEY`)
    expect(shown.status).toBe(200)
    expect(shown.body).toMatchObject({
      name: 'VAST_API_KEY',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      updated_at: expect.any(String),
    })
    expect(shown.text).not.toContain(value)
    expect((await gh(emu, 'GET', `${scope.base}/OTHER`)).status).toBe(404)
  })

  it('updates with 204, bumps writes and keeps created_at', async () => {
    let clock = Date.parse('2025-01-02T03:04:05.678Z')
    const emu = await start({ now: () => new Date(clock) })
    const base = '/repos/acme/app/actions/secrets'
    expect((await putSecret(emu, base, 'VAST_API_KEY', 'first')).status).toBe(201)
    clock += 60_000
    const updated = await putSecret(emu, base, 'VAST_API_KEY', 'second')
    expect(updated.status).toBe(204)
    expect(updated.text).toBe('')
    expect(emu.secret({ repository: 'acme/app' }, 'VAST_API_KEY')).toMatchObject({
      value: 'second',
      createdAt: '2025-01-02T03:04:05Z',
      updatedAt: '2025-01-02T03:05:05Z',
      writes: 2,
    })
    const shown = await gh(emu, 'GET', `${base}/VAST_API_KEY`)
    expect(shown.body).toEqual({
      name: 'VAST_API_KEY',
      created_at: '2025-01-02T03:04:05Z',
      updated_at: '2025-01-02T03:05:05Z',
    })
  })

  it('stores names upper-cased and matches them case-insensitively', async () => {
    const emu = await start()
    const base = '/repos/acme/app/environments/Production/secrets'
    expect((await putSecret(emu, base, 'vast_key', 'v')).status).toBe(201)
    const ref = { repository: 'ACME/app', environment: 'production' }
    expect(emu.secret(ref, 'VAST_KEY')?.name).toBe('VAST_KEY')
    expect(emu.secret(ref, 'vast_key')?.value).toBe('v')
    expect((await gh(emu, 'GET', `${base}/Vast_Key`)).body['name']).toBe('VAST_KEY')
    expect(emu.secret({ repository: 'acme/nope' }, 'VAST_KEY')).toBeUndefined()
  })

  it.each([
    ['1ABC', 422],
    ['A-B', 422],
    ['A.B', 422],
    ['GITHUB_TOKEN', 422],
    ['github_thing', 422],
    ['A_1', 201],
    ['_X', 201],
    ['MY_GITHUB_KEY', 201],
  ])('validates the secret name %s', async (name, status) => {
    const emu = await start()
    const answer = await putSecret(emu, '/repos/acme/app/actions/secrets', name, 'v')
    expect(answer.status).toBe(status)
    if (status === 422) {
      expect(answer.body).toMatchObject({
        message: expect.any(String),
        documentation_url: expect.stringContaining('create-or-update-a-repository-secret'),
      })
      expect(emu.secrets()).toEqual([])
    }
  })
})

describe('refused values', () => {
  const base = '/repos/acme/app/actions/secrets'

  async function publicKey(emu: GitHubEmulator, path = base) {
    return (await gh(emu, 'GET', `${path}/public-key`)).body as { key: string; key_id: string }
  }

  it('refuses a wrong key_id, garbage and boxes sealed to another key, storing nothing', async () => {
    const emu = await start()
    const own = await publicKey(emu)
    const otherRepo = await publicKey(emu, '/repos/acme/lib/actions/secrets')
    const env = await publicKey(emu, '/repos/acme/app/environments/production/secrets')
    const random = sodium.crypto_box_keypair()
    const cases: Record<string, unknown>[] = [
      { encrypted_value: seal('v', own.key), key_id: '123' },
      { encrypted_value: seal('v', own.key), key_id: otherRepo.key_id },
      { encrypted_value: 'not base64!', key_id: own.key_id },
      { encrypted_value: 'dmFsdWU=', key_id: own.key_id },
      { encrypted_value: '', key_id: own.key_id },
      { encrypted_value: seal('v', otherRepo.key), key_id: own.key_id },
      { encrypted_value: seal('v', env.key), key_id: own.key_id },
      {
        encrypted_value: sodium.to_base64(
          sodium.crypto_box_seal('v', random.publicKey),
          sodium.base64_variants.ORIGINAL,
        ),
        key_id: own.key_id,
      },
      { key_id: own.key_id },
      { encrypted_value: seal('v', own.key) },
      { encrypted_value: 42, key_id: own.key_id },
    ]
    for (const body of cases) {
      const answer = await gh(emu, 'PUT', `${base}/VAST_API_KEY`, { body })
      expect({ body, status: answer.status }).toEqual({ body, status: 422 })
      expect(answer.body['message']).toEqual(expect.any(String))
      expect(answer.body['documentation_url']).toEqual(expect.any(String))
    }
    const malformed = await gh(emu, 'PUT', `${base}/VAST_API_KEY`, { raw: '{"encrypted_value":' })
    expect(malformed.status).toBe(400)
    expect(malformed.body['message']).toBe('Problems parsing JSON')
    expect(emu.secrets()).toEqual([])
  })

  it('refuses values sealed to a key that has since been rotated', async () => {
    const emu = await start()
    const old = await publicKey(emu)
    expect((await putSecret(emu, base, 'VAST_API_KEY', 'first')).status).toBe(201)
    emu.rotatePublicKey({ repository: 'acme/app' })
    const fresh = await publicKey(emu)
    expect(fresh.key).not.toBe(old.key)
    expect(fresh.key_id).not.toBe(old.key_id)
    const stale = { encrypted_value: seal('stale', old.key), key_id: old.key_id }
    expect((await gh(emu, 'PUT', `${base}/VAST_API_KEY`, { body: stale })).status).toBe(422)
    const staleBox = { encrypted_value: seal('stale', old.key), key_id: fresh.key_id }
    expect((await gh(emu, 'PUT', `${base}/VAST_API_KEY`, { body: staleBox })).status).toBe(422)
    expect(emu.secret({ repository: 'acme/app' }, 'VAST_API_KEY')).toMatchObject({
      value: 'first',
      writes: 1,
    })
    expect((await putSecret(emu, base, 'VAST_API_KEY', 'second')).status).toBe(204)
    expect(emu.secret({ repository: 'acme/app' }, 'VAST_API_KEY')?.value).toBe('second')
  })

  it('refuses a value above 48 KB', async () => {
    const emu = await start()
    expect((await putSecret(emu, base, 'BIG', 'x'.repeat(48 * 1024 + 1))).status).toBe(422)
    expect((await putSecret(emu, base, 'BIG', 'x'.repeat(48 * 1024))).status).toBe(201)
  })
})

describe('organisation secrets', () => {
  const base = '/orgs/acme/actions/secrets'

  it('stores visibility selected with repository ids, and lists them', async () => {
    const emu = await start()
    const app = emu.addRepository('acme/app')
    const lib = emu.addRepository('acme/lib')
    const selected = { visibility: 'selected', selected_repository_ids: [lib.id, app.id] }
    expect((await putSecret(emu, base, 'VAST_API_KEY', 'v1', selected)).status).toBe(201)
    expect(emu.secret({ organization: 'acme' }, 'VAST_API_KEY')).toMatchObject({
      scope: 'organization',
      owner: 'acme',
      value: 'v1',
      visibility: 'selected',
      selectedRepositoryIds: [lib.id, app.id],
    })
    const shown = await gh(emu, 'GET', `${base}/VAST_API_KEY`, { token: READER })
    expect(shown.body).toEqual({
      name: 'VAST_API_KEY',
      created_at: expect.any(String),
      updated_at: expect.any(String),
      visibility: 'selected',
      selected_repositories_url: `${emu.url}${base}/VAST_API_KEY/repositories`,
    })
    const listed = await gh(emu, 'GET', `${base}/VAST_API_KEY/repositories`)
    expect(listed.status).toBe(200)
    expect(listed.body['total_count']).toBe(2)
    expect(listed.body['repositories']).toEqual([
      expect.objectContaining({ id: lib.id, full_name: 'acme/lib' }),
      expect.objectContaining({ id: app.id, full_name: 'acme/app' }),
    ])

    // An update without ids keeps the selection; visibility all drops it.
    expect(
      (await putSecret(emu, base, 'VAST_API_KEY', 'v2', { visibility: 'selected' })).status,
    ).toBe(204)
    expect(emu.secret({ organization: 'acme' }, 'VAST_API_KEY')).toMatchObject({
      value: 'v2',
      selectedRepositoryIds: [lib.id, app.id],
      writes: 2,
    })
    expect((await putSecret(emu, base, 'VAST_API_KEY', 'v3', { visibility: 'all' })).status).toBe(
      204,
    )
    const all = emu.secret({ organization: 'acme' }, 'VAST_API_KEY')
    expect(all).toMatchObject({ value: 'v3', visibility: 'all', writes: 3 })
    expect(all?.selectedRepositoryIds).toBeUndefined()
    const shownAll = await gh(emu, 'GET', `${base}/VAST_API_KEY`)
    expect(shownAll.body['visibility']).toBe('all')
    expect(shownAll.body).not.toHaveProperty('selected_repositories_url')
    expect((await gh(emu, 'GET', `${base}/VAST_API_KEY/repositories`)).status).toBe(409)
  })

  it.each([
    ['no visibility', {}, /visibility/],
    ['an unknown visibility', { visibility: 'public' }, /visibility/],
    [
      'an id of no repository',
      { visibility: 'selected', selected_repository_ids: [1] },
      /not found/,
    ],
    [
      'an id from another organisation',
      { visibility: 'selected', selected_repository_ids: 'other' },
      /not found/,
    ],
    [
      'ids that are not integers',
      { visibility: 'selected', selected_repository_ids: ['1'] },
      /integers/,
    ],
    ['ids with visibility all', { visibility: 'all', selected_repository_ids: 'app' }, /only/],
  ])('refuses %s with 422', async (_label, extra, message) => {
    const emu = await start()
    const ids: Record<string, number> = {
      other: emu.addRepository('other/tool').id,
      app: emu.addRepository('acme/app').id,
    }
    const body: Record<string, unknown> = { ...extra }
    const named = body['selected_repository_ids']
    if (typeof named === 'string') body['selected_repository_ids'] = [ids[named]]
    const answer = await putSecret(emu, base, 'VAST_API_KEY', 'v', body)
    expect(answer.status).toBe(422)
    expect(answer.body['message']).toMatch(message)
    expect(emu.secrets()).toEqual([])
  })
})
