import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parse as parseYaml } from 'yaml'
import { InputError, parseInputs } from '../src/action/inputs/index.ts'
import { ENV, parse, parseCreate, problems, valid } from './support/inputs.ts'

// The first mistakes made with the inputs (issue 13): each refused or corrected naming the
// input and what would be right.

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
