import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals'
import sodium from 'libsodium-wrappers'
import { GitHubEmulator } from '../emulator/github.ts'
import type { GitHubEmulatorOptions, ScopeRef } from '../emulator/github.ts'

const started: GitHubEmulator[] = []

const ADMIN = 'ghs_admin'
const READER = 'ghs_reader'
const APP_ONLY = 'ghs_app_only'

/** acme/app (environments production, staging), acme/lib, other/tool and three tokens. */
async function start(options?: GitHubEmulatorOptions): Promise<GitHubEmulator> {
  const emulator = await GitHubEmulator.start(options)
  started.push(emulator)
  emulator.addRepository('acme/app', { environments: ['production', 'staging'] })
  emulator.addRepository('acme/lib')
  emulator.addRepository('other/tool')
  emulator.addToken(ADMIN, { secretsWrite: true, orgSecretsWrite: true })
  emulator.addToken(READER, { secretsWrite: false })
  emulator.addToken(APP_ONLY, { secretsWrite: true, repositories: ['acme/app'] })
  return emulator
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((e) => e.close()))
})

// The emulator must never print anything (it handles secrets).
const consoleSpies: jest.Spied<typeof console.log>[] = []
beforeAll(async () => {
  await sodium.ready
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    consoleSpies.push(jest.spyOn(console, method))
  }
})
afterAll(() => {
  for (const spy of consoleSpies) {
    expect(spy).not.toHaveBeenCalled()
    spy.mockRestore()
  }
})

interface Answer {
  status: number
  headers: Headers
  text: string
  body: Record<string, unknown>
}

interface CallOptions {
  /** Default ADMIN; null for no Authorization header. */
  token?: string | null
  /** Default 'Bearer'. */
  scheme?: string
  body?: unknown
  raw?: string
  signal?: AbortSignal
}

async function gh(
  emulator: GitHubEmulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const token = options.token === undefined ? ADMIN : options.token
  const headers: Record<string, string> = { accept: 'application/vnd.github+json' }
  if (token !== null) headers['authorization'] = `${options.scheme ?? 'Bearer'} ${token}`
  const payload = options.body === undefined ? options.raw : JSON.stringify(options.body)
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(emulator.url + path, {
    method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    ...(options.signal ? { signal: options.signal } : {}),
  })
  const text = await response.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    // not JSON: body stays empty
  }
  return { status: response.status, headers: response.headers, text, body }
}

function seal(value: string, publicKey: string): string {
  const key = sodium.from_base64(publicKey, sodium.base64_variants.ORIGINAL)
  return sodium.to_base64(sodium.crypto_box_seal(value, key), sodium.base64_variants.ORIGINAL)
}

/** The three scopes as paths (public key at `${base}/public-key`) and as emulator references. */
const SCOPES: { label: string; base: string; ref: ScopeRef; extra: Record<string, unknown> }[] = [
  {
    label: 'repository',
    base: '/repos/acme/app/actions/secrets',
    ref: { repository: 'acme/app' },
    extra: {},
  },
  {
    label: 'environment',
    base: '/repos/acme/app/environments/production/secrets',
    ref: { repository: 'acme/app', environment: 'production' },
    extra: {},
  },
  {
    label: 'organization',
    base: '/orgs/acme/actions/secrets',
    ref: { organization: 'acme' },
    extra: { visibility: 'private' },
  },
]

/** Fetches the scope's public key over HTTP, seals `value` to it and PUTs it. */
async function putSecret(
  emulator: GitHubEmulator,
  base: string,
  name: string,
  value: string,
  extra: Record<string, unknown> = {},
  token: string = ADMIN,
): Promise<Answer> {
  const key = await gh(emulator, 'GET', `${base}/public-key`, { token })
  expect(key.status).toBe(200)
  const body = {
    encrypted_value: seal(value, key.body['key'] as string),
    key_id: key.body['key_id'],
    ...extra,
  }
  return gh(emulator, 'PUT', `${base}/${name}`, { token, body })
}

function expectRateLimitHeaders(answer: Answer): void {
  for (const name of ['limit', 'remaining', 'reset', 'used']) {
    expect(answer.headers.get(`x-ratelimit-${name}`)).toMatch(/^\d+$/)
  }
  expect(answer.headers.get('x-ratelimit-resource')).toBe('core')
}

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

describe('faults', () => {
  const base = '/repos/acme/app/actions/secrets'

  it('answers an injected status with its body and headers, without applying', async () => {
    const emu = await start()
    emu.inject('putSecret', {
      type: 'status',
      status: 502,
      body: { message: 'Bad gateway' },
      headers: { 'X-Test': '1' },
    })
    const answer = await putSecret(emu, base, 'A', 'v')
    expect(answer.status).toBe(502)
    expect(answer.body).toEqual({ message: 'Bad gateway' })
    expect(answer.headers.get('x-test')).toBe('1')
    expectRateLimitHeaders(answer)
    expect(emu.secrets()).toEqual([])
    expect((await putSecret(emu, base, 'A', 'v')).status).toBe(201)

    emu.inject('publicKey', { type: 'status', status: 500 }, 2)
    expect((await gh(emu, 'GET', `${base}/public-key`)).body['message']).toBe('Injected status 500')
    expect((await gh(emu, 'GET', `${base}/public-key`)).status).toBe(500)
    expect((await gh(emu, 'GET', `${base}/public-key`)).status).toBe(200)
    emu.inject('repo', { type: 'status', status: 503, body: 'plain text' })
    const plain = await gh(emu, 'GET', '/repos/acme/app')
    expect(plain.status).toBe(503)
    expect(plain.text).toBe('plain text')
  })

  it('injects a primary rate limit with GitHub headers', async () => {
    const emu = await start()
    emu.inject('publicKey', { type: 'rate-limit', kind: 'primary' })
    const before = Date.now() / 1000
    const answer = await gh(emu, 'GET', `${base}/public-key`)
    expect(answer.status).toBe(403)
    expect(answer.body['message']).toMatch(/^API rate limit exceeded for /)
    expect(answer.headers.get('x-ratelimit-remaining')).toBe('0')
    expect(answer.headers.get('x-ratelimit-limit')).toBe('5000')
    expect(answer.headers.get('x-ratelimit-resource')).toBe('core')
    const reset = Number(answer.headers.get('x-ratelimit-reset'))
    expect(reset).toBeGreaterThan(before)
    expect(reset).toBeLessThanOrEqual(before + 3)
    expect(answer.headers.get('retry-after')).toBeNull()
    expect((await gh(emu, 'GET', `${base}/public-key`)).status).toBe(200)

    emu.inject('orgPutSecret', {
      type: 'rate-limit',
      kind: 'primary',
      retryAfterSeconds: 30,
      status: 429,
    })
    const org = await putSecret(emu, '/orgs/acme/actions/secrets', 'A', 'v', { visibility: 'all' })
    expect(org.status).toBe(429)
    expect(Number(org.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(before + 30)
    expect(emu.secrets()).toEqual([])
  })

  it('injects a secondary rate limit with retry-after, as 403 or 429', async () => {
    const emu = await start()
    emu.inject('putSecret', { type: 'rate-limit', kind: 'secondary', retryAfterSeconds: 7 })
    emu.inject('putSecret', { type: 'rate-limit', kind: 'secondary', status: 429 })
    const first = await putSecret(emu, base, 'A', 'v')
    expect(first.status).toBe(403)
    expect(first.headers.get('retry-after')).toBe('7')
    expect(first.body['message']).toMatch(/^You have exceeded a secondary rate limit/)
    expect(Number(first.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0)
    expectRateLimitHeaders(first)
    const second = await putSecret(emu, base, 'A', 'v')
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toBe('1')
    expect(emu.secrets()).toEqual([])
    expect((await putSecret(emu, base, 'A', 'v')).status).toBe(201)
  })

  it('delays an answer, then applies the request', async () => {
    const emu = await start()
    emu.inject('envPutSecret', { type: 'delay', ms: 150 })
    const t0 = performance.now()
    const env = '/repos/acme/app/environments/production/secrets'
    expect((await putSecret(emu, env, 'A', 'v')).status).toBe(201)
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140)

    emu.inject('publicKey', { type: 'delay', ms: 2000 })
    const timedOut = gh(emu, 'GET', `${base}/public-key`, { signal: AbortSignal.timeout(50) })
    await expect(timedOut).rejects.toThrow()
  })

  it('resets the connection without applying, or applies and loses the answer', async () => {
    const emu = await start()
    emu.inject('putSecret', { type: 'reset' })
    await expect(putSecret(emu, base, 'A', 'v')).rejects.toThrow()
    expect(emu.secrets()).toEqual([])
    emu.inject('putSecret', { type: 'lost' })
    await expect(putSecret(emu, base, 'A', 'v')).rejects.toThrow()
    expect(emu.secret({ repository: 'acme/app' }, 'A')).toMatchObject({ value: 'v', writes: 1 })
    expect((await putSecret(emu, base, 'A', 'w')).status).toBe(204)
    const puts = emu.requestsFor('putSecret')
    expect(puts.map((r) => [r.status, r.fault])).toEqual([
      [null, 'reset'],
      [null, 'lost'],
      [204, null],
    ])
  })

  it('takes faults FIFO per route, and clears them', async () => {
    const emu = await start()
    emu.inject('getSecret', { type: 'status', status: 500 })
    emu.inject('getSecret', { type: 'status', status: 502 })
    emu.inject('orgGetSecret', { type: 'status', status: 503 })
    expect((await gh(emu, 'GET', `${base}/A`)).status).toBe(500)
    expect((await gh(emu, 'GET', '/repos/acme/app/environments/production/secrets/A')).status).toBe(
      404,
    )
    expect((await gh(emu, 'GET', `${base}/A`)).status).toBe(502)
    expect((await gh(emu, 'GET', `${base}/A`)).status).toBe(404)
    emu.clearFaults()
    expect((await gh(emu, 'GET', '/orgs/acme/actions/secrets/A')).status).toBe(404)
    expect(() => emu.inject('repo', { type: 'reset' }, 0)).toThrow(RangeError)
  })
})

describe('rate limits and records', () => {
  it('counts requests per token and refuses with 403 once the allowance is spent', async () => {
    const emu = await start({ rateLimit: 3 })
    const path = '/repos/acme/app'
    const answers = []
    for (let i = 0; i < 4; i++) answers.push(await gh(emu, 'GET', path))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 403])
    expect(answers.map((a) => a.headers.get('x-ratelimit-remaining'))).toEqual(['2', '1', '0', '0'])
    expect(answers.map((a) => a.headers.get('x-ratelimit-used'))).toEqual(['1', '2', '3', '3'])
    expect(answers[3]?.body['message']).toMatch(/^API rate limit exceeded/)
    expect((await gh(emu, 'GET', path, { token: READER })).status).toBe(200)
  })

  it('records every request with its route, status, token and body', async () => {
    const emu = await start()
    emu.inject('repo', { type: 'status', status: 500 })
    await gh(emu, 'GET', '/repos/acme/app?x=1', { token: READER })
    await putSecret(emu, '/repos/acme/app/actions/secrets', 'A', 'v')
    await gh(emu, 'GET', '/nowhere', { token: null })
    expect(emu.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/repos/acme/app',
        route: 'repo',
        status: 500,
        token: READER,
        body: null,
        fault: 'status',
      }),
      expect.objectContaining({ route: 'publicKey', status: 200, token: ADMIN }),
      expect.objectContaining({
        method: 'PUT',
        path: '/repos/acme/app/actions/secrets/A',
        route: 'putSecret',
        status: 201,
        body: { encrypted_value: expect.any(String), key_id: expect.any(String) },
        fault: null,
      }),
      expect.objectContaining({ route: null, status: 401, token: null }),
    ])
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
