import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { InputError, parseInputs } from '../src/action/inputs/index.ts'

const KEY = 'a'.repeat(64)
const ENV = {
  GITHUB_REPOSITORY: 'octo-org/gpu-trainer',
  GITHUB_RUN_ID: '42',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_JOB: 'train',
}

async function parseCreate(inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  const result = await parse(inputs, env)
  if (result.settings.mode !== 'create') throw new Error('expected create settings')
  return { ...result, settings: result.settings }
}

async function parse(inputs: Record<string, string>, env: NodeJS.ProcessEnv = ENV) {
  const masked: string[] = []
  let yamlLoaded = false
  const settings = await parseInputs(
    { getInput: (name) => (inputs[name] ?? '').trim(), env },
    {
      onSecret: (value) => masked.push(value),
      loadYaml: () => {
        yamlLoaded = true
        return Promise.resolve(parseYaml)
      },
    },
  )
  return { settings: settings, masked, yamlLoaded }
}

async function problems(inputs: Record<string, string>): Promise<string[]> {
  try {
    await parse(inputs)
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
  throw new Error('expected an InputError')
}

const valid = { 'admin-api-key': KEY, permissions: 'instance_read' }

describe('parseInputs', () => {
  it('applies the documented defaults', async () => {
    const { settings, masked } = await parseCreate(valid)
    expect(masked).toEqual([KEY])
    expect(settings.adminKey.reveal()).toBe(KEY)
    expect(String(settings.adminKey)).toBe('***')
    expect(settings).toMatchObject({
      mode: 'create',
      apiUrl: 'https://console.vast.ai',
      ttlMs: 6 * 3_600_000,
      revoke: 'post',
      cleanupFailure: 'warn',
      exportEnv: false,
      exportConfig: false,
      maxAttempts: 5,
      requestTimeoutMs: 30_000,
      label: 'gha-train',
      dryRun: false,
      context: { repository: 'octo-org/gpu-trainer', runId: '42', runAttempt: '2', job: 'train' },
      permissions: { api: { instance_read: {} } },
    })
  })

  it('reads every input', async () => {
    const { settings } = await parseCreate({
      ...valid,
      'key-name': 'nightly eval',
      ttl: '1h30m',
      revoke: 'never',
      'api-url': 'https://vast.example.com/prefix/',
      'cleanup-failure': 'fail',
      'export-env': 'TRUE',
      'max-attempts': '3',
      'request-timeout': '500ms',
      'create-budget': '20m',
      'export-config': 'true',
      'dry-run': 'true',
    })
    expect(settings).toMatchObject({
      dryRun: true,
      createBudgetMs: 20 * 60_000,
      exportConfig: true,
      label: 'nightly eval',
      ttlMs: 90 * 60_000,
      revoke: 'never',
      apiUrl: 'https://vast.example.com/prefix',
      cleanupFailure: 'fail',
      exportEnv: true,
      maxAttempts: 3,
      requestTimeoutMs: 500,
    })
  })

  it('masks the parent key before it reports anything else', async () => {
    const masked: string[] = []
    await expect(
      parseInputs(
        { getInput: (n) => ({ 'admin-api-key': KEY, ttl: 'soon' })[n] ?? '', env: ENV },
        { onSecret: (v) => masked.push(v), loadYaml: () => Promise.reject(new Error('no')) },
      ),
    ).rejects.toThrow(InputError)
    expect(masked).toEqual([KEY])
  })

  it.each([
    [{ 'admin-api-key': '' }, 'admin-api-key', /empty.*fork/s],
    [{ 'admin-api-key': 'abc def' }, 'admin-api-key', /whitespace/],
    [{ mode: 'explode' }, 'mode', /'explode' is not a mode; use one of: create, delete, sweep/],
    [{ permissions: '' }, 'permissions', /required.*inherit/],
    [{ permissions: '{"api":' }, 'permissions', /not valid JSON/],
    [
      { permissions: 'instance_reed' },
      'permissions',
      /'instance_reed' is not .*did you mean instance_read\?/,
    ],
    [{ permissions: 'instance-manger' }, 'permissions', /not a preset/],
    [{ permissions: 'user_write' }, 'permissions', /mint and delete API keys.*allow-sensitive/],
    [
      { permissions: '{"api":{"instance_read":{"x":{"constraints":{"id":{"in":[1]}}}}}}' },
      'permissions',
      /only eq, lte and gte/,
    ],
    [{ ttl: '6 hours' }, 'ttl', /not a duration; write it like 30s/],
    [{ ttl: '10s' }, 'ttl', /out of range; use from 30s to 365d/],
    [{ ttl: '400d' }, 'ttl', /out of range/],
    [{ revoke: 'always' }, 'revoke', /use one of: post, never/],
    [{ 'cleanup-failure': 'ignore' }, 'cleanup-failure', /use one of: warn, fail/],
    [{ 'export-env': 'yes' }, 'export-env', /not a boolean/],
    [{ 'allow-sensitive-permissions': '1' }, 'allow-sensitive-permissions', /not a boolean/],
    [{ 'max-attempts': '0' }, 'max-attempts', /whole number from 1 to 100/],
    [{ 'max-attempts': '2.5' }, 'max-attempts', /whole number/],
    [{ 'request-timeout': '0ms' }, 'request-timeout', /out of range/],
    [{ 'create-budget': '7h' }, 'create-budget', /out of range; use from 1s to 6h/],
    [{ 'export-config': 'on' }, 'export-config', /not a boolean/],
    [
      { 'api-url': 'http://vast.example.com' },
      'api-url',
      /plain http is only allowed to this machine/,
    ],
    [{ 'api-url': 'ftp://127.0.0.1' }, 'api-url', /not supported/],
    [{ 'api-url': 'console.vast.ai' }, 'api-url', /not a URL/],
    [{ 'api-url': 'https://u:p@console.vast.ai' }, 'api-url', /credentials/],
    [{ 'key-name': 'x'.repeat(101) }, 'key-name', /at most 100/],
    [{ 'key-name': 'a\u0007b' }, 'key-name', /control characters/],
  ])('refuses %j, naming %s', async (override, input, message) => {
    const found = await problems({ ...valid, ...override })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(new RegExp(`^Input '${input}': `))
    expect(found[0]).toMatch(message)
  })

  it('reports every bad input at once', async () => {
    const found = await problems({ ...valid, ttl: 'x', revoke: 'y', 'max-attempts': 'z' })
    expect(found.map((p) => /'([^']+)'/.exec(p)?.[1])).toEqual(['max-attempts', 'ttl', 'revoke'])
  })

  it('allows sensitive categories only when asked to', async () => {
    const { settings } = await parseCreate({
      ...valid,
      permissions: 'user_read,user_write',
      'allow-sensitive-permissions': 'true',
    })
    expect(Object.keys(settings.permissions.api)).toEqual(['user_read', 'user_write'])
  })

  it('accepts plain http to loopback hosts only', async () => {
    for (const url of ['http://127.0.0.1:8080', 'http://[::1]:9', 'http://127.1:7']) {
      const { settings } = await parse({ ...valid, 'api-url': url })
      expect(settings.apiUrl).toBe(new URL(url).origin)
    }
    // localhost is pinned to 127.0.0.1: no lookup can send the key elsewhere
    expect((await parse({ ...valid, 'api-url': 'http://LocalHost:1/' })).settings.apiUrl).toBe(
      'http://127.0.0.1:1',
    )
    expect((await parse({ ...valid, 'api-url': 'https://localhost:1' })).settings.apiUrl).toBe(
      'https://localhost:1',
    )
    for (const url of ['http://vast.localhost:8080', 'http://a.b.localhost', 'http://0.0.0.0:1']) {
      const found = await problems({ ...valid, 'api-url': url })
      expect(found).toEqual([expect.stringMatching(/^Input 'api-url': plain http is only allowed/)])
    }
    expect(await problems({ ...valid, 'api-url': 'http://vast.localhost:1' })).toEqual([
      expect.stringMatching(
        /vast\.localhost is not a loopback address \(it would be looked up through DNS\)/,
      ),
    ])
  })

  it('loads the YAML parser only for a YAML mapping', async () => {
    expect((await parse({ ...valid, permissions: '{"api":{"misc":{}}}' })).yamlLoaded).toBe(false)
    expect((await parse({ ...valid, permissions: 'instance-manager' })).yamlLoaded).toBe(false)
    const yaml = await parseCreate({
      ...valid,
      permissions: 'api:\n  instance_read: {}\n  instance_write: {}',
    })
    expect(yaml.yamlLoaded).toBe(true)
    expect(yaml.settings.permissions).toEqual({ api: { instance_read: {}, instance_write: {} } })
  })

  it('falls back to placeholders outside a runner', async () => {
    const { settings } = await parse(valid, {})
    expect(settings.context).toEqual({
      repository: 'local/local',
      runId: '0',
      runAttempt: '1',
      job: 'local',
    })
  })
})

describe('parseInputs, delete and sweep modes', () => {
  it('reads delete mode without permissions', async () => {
    const { settings } = await parse({ 'admin-api-key': KEY, mode: 'delete', 'key-id': '1227' })
    expect(settings).toMatchObject({ mode: 'delete', keyId: 1227 })
  })

  it.each([
    [{ 'key-id': '' }, /required in delete mode/],
    [{ 'key-id': 'abc' }, /'abc' is not a key id/],
    [{ 'key-id': '0' }, /'0' is not a key id/],
    [{ 'key-id': '12.5' }, /not a key id/],
  ])('refuses delete mode with %j', async (override, message) => {
    const found = await problems({ 'admin-api-key': KEY, mode: 'delete', ...override })
    expect(found).toEqual([expect.stringMatching(/^Input 'key-id': /)])
    expect(found[0]).toMatch(message)
  })

  it('reads sweep mode with its defaults', async () => {
    const { settings } = await parse({ 'admin-api-key': KEY, mode: 'sweep' })
    expect(settings).toMatchObject({
      mode: 'sweep',
      scope: 'repository',
      graceMs: 0,
      dryRun: false,
      budgetMs: 600_000,
    })
  })

  it('reads every sweep input', async () => {
    const { settings } = await parse({
      'admin-api-key': KEY,
      mode: 'sweep',
      'sweep-scope': 'account',
      grace: '1h',
      'dry-run': 'true',
      'sweep-budget': '2m',
    })
    expect(settings).toMatchObject({
      scope: 'account',
      graceMs: 3_600_000,
      dryRun: true,
      budgetMs: 120_000,
    })
  })

  it.each([
    [{ 'sweep-scope': 'org' }, 'sweep-scope', /use one of: repository, account/],
    [{ grace: 'later' }, 'grace', /not a duration/],
    [{ 'dry-run': 'maybe' }, 'dry-run', /not a boolean/],
    [{ 'sweep-budget': '0s' }, 'sweep-budget', /out of range/],
  ])('refuses sweep mode with %j', async (override, input, message) => {
    const found = await problems({ 'admin-api-key': KEY, mode: 'sweep', ...override })
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(new RegExp(`^Input '${input}': `))
    expect(found[0]).toMatch(message)
  })
})

describe('inputs a mode does not read', () => {
  it('are warned about, not refused', async () => {
    const { settings } = await parse({
      'admin-api-key': KEY,
      mode: 'delete',
      'key-id': '7',
      permissions: 'instance_read',
      revoke: 'post', // action.yml's default: not "set"
      grace: '1h',
    })
    expect(settings.warnings).toEqual([
      "Input 'permissions' is ignored in delete mode (it is read in create and rotate mode); did you mean another mode?",
      "Input 'grace' is ignored in delete mode (it is read in sweep mode); did you mean another mode?",
    ])
  })

  it('are not warned about when they belong to the mode', async () => {
    const { settings } = await parse({ ...valid, 'export-env': 'true', ttl: '1h' })
    expect(settings.warnings).toEqual([])
  })
})

describe('instances-grace without instances: destroy', () => {
  it('warns that the post step leaves the instances alone', async () => {
    // Before: a job that set only instances-grace believed its instances would be destroyed.
    const { settings } = await parse({ ...valid, 'instances-grace': '20s' })
    expect(settings.warnings).toEqual([
      "Input 'instances-grace': it is read only with instances: destroy, and instances is keep: the post step leaves the job's instances alone. Add instances: destroy, or remove instances-grace",
    ])
  })

  it("is quiet with instances: destroy, and with action.yml's default", async () => {
    const quiet: Array<Record<string, string>> = [
      { instances: 'destroy', 'instances-grace': '20s' },
      { instances: 'keep', 'instances-grace': '10s' },
    ]
    for (const extra of quiet) {
      const { settings } = await parse({ ...valid, ...extra })
      expect(settings.warnings).toEqual([])
    }
  })
})

describe('ttl and create-budget', () => {
  it('warns when create-budget is set to the ttl or more, and says how to silence it', async () => {
    const { settings } = await parse({ ...valid, ttl: '10m', 'create-budget': '15m' })
    expect(settings.warnings).toEqual([
      expect.stringMatching(
        /^Input 'create-budget': it is not shorter than ttl \(10m\).*leave it unset .* to silence this/,
      ),
    ])
  })

  it.each([
    ['15m', 450_000],
    ['10m', 300_000],
    ['45s', 22_000],
    ['6h', 900_000],
    ['30s', 15_000],
  ])('without create-budget, ttl %s gives a budget of %d ms and no warning', async (ttl, ms) => {
    const { settings } = await parseCreate({ ...valid, ttl })
    expect(settings.createBudgetMs).toBe(ms)
    expect(settings.warnings).toEqual([])
  })
})

describe('first mistakes (issue 13): named, with the fix', () => {
  it.each([
    'https://console.vast.ai/api/v0',
    'https://console.vast.ai/api/v0/',
    'https://console.vast.ai/API/V0//',
  ])('api-url %s: the suffix is stripped, and the log says so', async (url) => {
    const { settings } = await parse({ ...valid, 'api-url': url })
    expect(settings.apiUrl).toBe('https://console.vast.ai')
    expect(settings.warnings).toEqual([
      expect.stringMatching(
        /^Input 'api-url': it ends with \/api\/v0, .*using https:\/\/console\.vast\.ai\. Set api-url: https:\/\/console\.vast\.ai to silence this/,
      ),
    ])
  })

  it.each([
    [
      'ttl',
      '6 hours',
      "Input 'ttl': '6 hours' is not a duration; write it like 30s, 15m, 6h or 2d (did you mean 6h?)",
    ],
    [
      'ttl',
      '30 mins',
      "Input 'ttl': '30 mins' is not a duration; write it like 30s, 15m, 6h or 2d (did you mean 30m?)",
    ],
    [
      'request-timeout',
      '60',
      "Input 'request-timeout': '60' is not a duration; write it like 30s, 15m, 6h or 2d (a number needs its unit: 60s, 60m, 60h or 60d)",
    ],
    [
      'ttl',
      'forever',
      "Input 'ttl': 'forever' is not a duration; write it like 30s, 15m, 6h or 2d",
    ],
    [
      'mode',
      'Create',
      "Input 'mode': 'Create' is not a mode; use one of: create, delete, sweep, rotate (did you mean create?)",
    ],
    [
      'revoke',
      'Never',
      "Input 'revoke': 'Never' is not allowed; use one of: post, never (did you mean never?)",
    ],
    [
      'cleanup-failure',
      'FAIL',
      "Input 'cleanup-failure': 'FAIL' is not allowed; use one of: warn, fail (did you mean fail?)",
    ],
    [
      'cleanup-failure',
      'error',
      "Input 'cleanup-failure': 'error' is not allowed; use one of: warn, fail",
    ],
    // a guess that is itself out of range would only lead to a second error
    [
      'instances-grace',
      '2 minutes',
      "Input 'instances-grace': '2 minutes' is not a duration; write it like 30s, 15m, 6h or 2d (2m would be out of range too: use from 0s to 30s)",
    ],
    [
      'instances-grace',
      '20 seconds',
      "Input 'instances-grace': '20 seconds' is not a duration; write it like 30s, 15m, 6h or 2d (did you mean 20s?)",
    ],
    // a yes/no word for a choice between keep and destroy
    [
      'instances',
      'true',
      "Input 'instances': 'true' is not allowed; use one of: keep, destroy (did you mean destroy?)",
    ],
    [
      'instances',
      'yes',
      "Input 'instances': 'yes' is not allowed; use one of: keep, destroy (did you mean destroy?)",
    ],
    [
      'instances',
      'false',
      "Input 'instances': 'false' is not allowed; use one of: keep, destroy (did you mean keep?)",
    ],
  ])('%s: %j says what was meant', async (name, value, message) => {
    expect(await problems({ ...valid, [name]: value })).toEqual([message])
  })

  it('keeps a path prefix before /api/v0', async () => {
    const { settings } = await parse({ ...valid, 'api-url': 'https://proxy.example/vast/api/v0' })
    expect(settings.apiUrl).toBe('https://proxy.example/vast')
  })

  it.each([
    [{ 'admin-api-key': 'abc' }, 'admin-api-key', /only 3 characters long.*shorter than 20/],
    [{ 'admin-api-key': 'k'.repeat(19) }, 'admin-api-key', /only 19 characters long/],
    [
      { mode: 'rotate', 'github-token': 'ghp_x', 'key-name': 'ci', 'secret-name': 'S' },
      'github-token',
      /only 5 characters long; GitHub tokens are 40 or more.*shorter than 20/,
    ],
  ])('refuses a secret too short to mask: %j', async (override, input, message) => {
    const found = await problems({ ...valid, ...override })
    expect(found).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^Input '${input}': `))]),
    )
    expect(found.join('\n')).toMatch(message)
  })

  it('reports a missing organisation once, not again for every selected repository', async () => {
    const found = await problems({
      ...valid,
      mode: 'rotate',
      'github-token': 'ghs_' + 'x'.repeat(36),
      'key-name': 'ci',
      'secret-name': 'S',
      'secret-scope': 'organization',
      visibility: 'selected',
      'selected-repositories': 'deployer, trainer',
    })
    expect(found).toEqual(["Input 'organization': it is required with secret-scope: organization"])
  })

  const rotate = {
    mode: 'rotate',
    'github-token': 'ghs_' + 'x'.repeat(36),
    'key-name': 'ci',
    'secret-name': 'S',
  }
  it.each([
    [{ environment: 'production' }, 'environment', 'environment', 'repository'],
    [{ organization: 'octo-org' }, 'organization', 'organization', 'repository'],
    [{ visibility: 'all' }, 'visibility', 'organization', 'repository'],
    [
      { 'selected-repositories': 'deployer' },
      'selected-repositories',
      'organization',
      'repository',
    ],
    [
      { 'secret-scope': 'environment', environment: 'prod', organization: 'octo-org' },
      'organization',
      'organization',
      'environment',
    ],
    [
      { 'secret-scope': 'organization', organization: 'octo-org', environment: 'prod' },
      'environment',
      'environment',
      'organization',
    ],
  ])('refuses %j: the input of another secret-scope', async (extra, input, needs, scope) => {
    const found = await problems({ ...valid, ...rotate, ...extra })
    expect(found).toEqual([
      `Input '${input}': it is used only with secret-scope: ${needs}, and secret-scope is ${scope}: set secret-scope: ${needs}, or remove ${input}`,
    ])
  })

  it('checks any environment name before a request: a single segment of the API path, at most 255 characters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.constantFrom('.', '..', 'a/b', '../x', 'prod\u0000', 'x'.repeat(256), 'production'),
        ),
        async (environment) => {
          const found = await parse({
            ...valid,
            ...rotate,
            'secret-scope': 'environment',
            environment,
          }).then(
            () => [],
            (error: unknown) => (error instanceof InputError ? error.problems : [String(error)]),
          )
          const name = environment.trim()
          const segment = new URL(`http://h/e/${encodeURIComponent(name)}/x`).pathname
          const safe =
            name !== '' &&
            name.length <= 255 &&
            segment === `/e/${encodeURIComponent(name)}/x` &&
            !/[\p{Cc}\p{Cf}]/u.test(name) &&
            !name.includes('/')
          expect(found.some((p) => p.startsWith("Input 'environment'"))).toBe(!safe)
        },
      ),
      { numRuns: 300, seed: 1010 },
    )
  })

  it('masks a refused key that may be a real key cut short, and not a value of a few characters', async () => {
    const masked: string[] = []
    const mask = {
      onSecret: (v: string) => masked.push(v),
      loadYaml: () => Promise.resolve(parseYaml),
    }
    for (const key of ['abc', 'k'.repeat(12)]) {
      await parseInputs(
        { getInput: (n) => ({ ...valid, 'admin-api-key': key })[n] ?? '', env: ENV },
        mask,
      ).catch(() => {})
    }
    expect(masked).toEqual(['k'.repeat(12)])
  })

  it('export-config with a relative XDG_CONFIG_HOME: ignored, and the log says where the file goes', async () => {
    const { settings } = await parseCreate(
      { ...valid, 'export-config': 'true' },
      { ...ENV, XDG_CONFIG_HOME: 'cfg' },
    )
    expect(settings.warnings).toEqual([
      expect.stringMatching(
        /^Input 'export-config': XDG_CONFIG_HOME \(cfg\) is not an absolute path, so it is ignored.*~\/\.config\/vastai\/vast_api_key/,
      ),
    ])
  })
})

describe('inputs of issue 10', () => {
  it('reads force in delete mode, and warns about it in other modes', async () => {
    const del = await parse({
      ...valid,
      permissions: '',
      mode: 'delete',
      'key-id': '7',
      force: 'true',
    })
    expect(del.settings).toMatchObject({ mode: 'delete', keyId: 7, force: true })
    const create = await parse({ ...valid, force: 'true' })
    expect(create.settings.warnings.join('\n')).toMatch(/Input 'force' is ignored in create mode/)
    expect(await problems({ ...valid, mode: 'delete', 'key-id': '7', force: 'yes' })).toEqual([
      expect.stringMatching(/force.*'yes' is not a boolean/),
    ])
  })

  it('checks github-token alike in sweep and rotate mode: short is refused, never masked', async () => {
    const rotate = {
      mode: 'rotate',
      'key-name': 'ci-deploy',
      permissions: 'instance_read',
      'secret-name': 'VAST_KEY',
    }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }).filter((t) => /^[A-Za-z0-9_]+$/.test(t)),
        fc.constantFrom({ mode: 'sweep' }, rotate),
        async (token, mode) => {
          const inputs = { 'admin-api-key': KEY, ...mode, 'github-token': token }
          if (token.length < 20) {
            expect(await problems(inputs)).toEqual([
              expect.stringMatching(/^Input 'github-token': it is only \d+ characters long/),
            ])
          } else {
            expect((await parse(inputs)).masked).toContain(token)
          }
        },
      ),
      { numRuns: 60 },
    )
  })

  it('reads github-token (masked) and github-api-url in sweep mode', async () => {
    const { settings, masked } = await parse({
      'admin-api-key': KEY,
      mode: 'sweep',
      'github-token': 'ghs_token_value_of_forty_characters_xyz1',
      'github-api-url': 'https://ghes.example.com/api/v3',
    })
    if (settings.mode !== 'sweep') throw new Error('expected sweep settings')
    expect(masked).toContain('ghs_token_value_of_forty_characters_xyz1')
    expect(settings.githubToken?.reveal()).toBe('ghs_token_value_of_forty_characters_xyz1')
    expect(settings.githubApiUrl).toBe('https://ghes.example.com/api/v3')
    expect(settings.warnings).toEqual([])
    expect(
      await problems({ 'admin-api-key': KEY, mode: 'sweep', 'github-api-url': 'ftp://x' }),
    ).toEqual([expect.stringMatching(/github-api-url/)])
    // the same checks as in rotate mode: one line, long enough to be a token
    expect(
      await problems({ 'admin-api-key': KEY, mode: 'sweep', 'github-token': 'ghs_short' }),
    ).toEqual([expect.stringMatching(/^Input 'github-token': it is only 9 characters long/)])
    expect(
      await problems({ 'admin-api-key': KEY, mode: 'sweep', 'github-token': `${KEY}\nx` }),
    ).toEqual([expect.stringMatching(/^Input 'github-token': it contains whitespace/)])
  })

  it('runs a sweep without github-token as before', async () => {
    const { settings } = await parse({ 'admin-api-key': KEY, mode: 'sweep' })
    if (settings.mode !== 'sweep') throw new Error('expected sweep settings')
    expect(settings.githubToken).toBeUndefined()
  })
})

describe('job-total, job-index and max-parallel (issue 20)', () => {
  it('are a job on its own when empty (outside a runner), and read as given', async () => {
    expect((await parseCreate(valid)).settings.matrix).toEqual({ index: 0, total: 1 })
    const { settings } = await parseCreate({
      ...valid,
      'job-total': '50',
      'job-index': '49',
      'max-parallel': '10',
    })
    expect(settings.matrix).toEqual({ index: 49, total: 50, maxParallel: 10 })
  })

  it('are read in every mode, and never warned about (their defaults come from the runner)', async () => {
    const { settings } = await parse({
      'admin-api-key': KEY,
      mode: 'sweep',
      'job-total': '4',
      'job-index': '2',
      'max-parallel': '4',
    })
    expect(settings.matrix).toEqual({ index: 2, total: 4, maxParallel: 4 })
    expect(settings.warnings).toEqual([])
  })

  it('refuse what is not a place in a matrix, naming the input and what would be right', async () => {
    expect(await problems({ ...valid, 'job-total': '0' })).toEqual([
      "Input 'job-total': '0' is not a number of jobs: use a whole number from 1 to 100000, or leave it unset (the default, ${{ strategy.job-total }}, is the size of this job's matrix, 1 outside one)",
    ])
    expect(await problems({ ...valid, 'job-total': '4', 'job-index': '4' })).toEqual([
      "Input 'job-index': '4' is not a job of a matrix of 4 (job-total): use a whole number from 0 to 3, or leave it unset (the default, ${{ strategy.job-index }}, is this job's place in its matrix, 0 outside one)",
    ])
    expect(await problems({ ...valid, 'max-parallel': 'all' })).toEqual([
      "Input 'max-parallel': 'all' is not a number of jobs at once: use a whole number (0: no limit), or leave it unset (the default, ${{ strategy.max-parallel }}, is the matrix's max-parallel)",
    ])
    // 0, as some runners may give for a matrix without max-parallel: no limit but job-total
    const { settings } = await parseCreate({ ...valid, 'job-total': '5', 'max-parallel': '0' })
    expect(settings.matrix).toEqual({ index: 0, total: 5 })
  })

  it('name the input for any value that is not a whole number in range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('job-total', 'job-index', 'max-parallel'),
        fc.oneof(
          fc.string({ maxLength: 12 }).filter((s) => s.trim() !== '' && !/^\d+$/.test(s.trim())),
          fc.constantFrom('-1', '1.5', '1e3', '0x10', '3 4', '999999999999999999999'),
        ),
        async (input, value) => {
          const found = await problems({ ...valid, [input]: value })
          expect(found).toHaveLength(1)
          expect(found[0]).toMatch(new RegExp(`^Input '${input}': `))
        },
      ),
      { numRuns: 200 },
    )
  })
})
