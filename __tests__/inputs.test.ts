import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { InputError, parseInputs } from '../src/action/inputs/index.ts'
import { ENV, KEY, parse, parseCreate, problems, valid } from './support/inputs.ts'

// src/action/inputs/: create mode's inputs and what every mode shares (inputs a mode does not
// read, ttl and create-budget, the matrix inputs). Delete and sweep: inputs-sweep-delete.test.ts;
// the first mistakes people make, named with the fix: inputs-mistakes.test.ts.

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
