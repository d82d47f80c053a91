import { describe, expect, it } from '@jest/globals'
import { parse as parseYaml } from 'yaml'
import { InputError, parseInputs, type Settings } from '../src/action/inputs/index.ts'

// broker-url and broker-audience: read in src/action/inputs/broker-client.ts, refused in every combination that
// cannot work, before any request.

const KEY = 'a'.repeat(64)
const env = { GITHUB_REPOSITORY: 'octo-org/app', GITHUB_RUN_ID: '1', GITHUB_JOB: 'build' }

async function parse(inputs: Record<string, string>): Promise<Settings | string[]> {
  try {
    return await parseInputs(
      { getInput: (name) => inputs[name] ?? '', env },
      { onSecret: () => undefined, loadYaml: () => Promise.resolve(parseYaml) },
    )
  } catch (error) {
    if (error instanceof InputError) return error.problems
    throw error
  }
}

describe('broker inputs', () => {
  it('need no admin-api-key, and the audience defaults to the URL', async () => {
    const settings = await parse({
      'broker-url': 'https://broker.example/',
      permissions: 'read-only',
    })
    expect(settings).toMatchObject({
      mode: 'create',
      broker: { url: 'https://broker.example', audience: 'https://broker.example' },
    })
    expect(
      await parse({
        'broker-url': 'https://b.example',
        'broker-audience': 'vast',
        permissions: 'read-only',
      }),
    ).toMatchObject({
      broker: { audience: 'vast' },
    })
  })

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'with admin-api-key',
      { 'admin-api-key': KEY },
      /Input 'broker-url': it is set together with 'admin-api-key'/,
    ],
    [
      'in sweep mode',
      { mode: 'sweep' },
      /Input 'broker-url': it works in create mode only \(mode is 'sweep'\)/,
    ],
    [
      'with revoke: never',
      { revoke: 'never' },
      /Input 'broker-url': it does not work with revoke: never/,
    ],
    [
      'with dry-run',
      { 'dry-run': 'true' },
      /Input 'broker-url': it does not work with dry-run: true/,
    ],
    [
      'plain http elsewhere',
      { 'broker-url': 'http://broker.example' },
      /Input 'broker-url': plain http is only allowed to this machine/,
    ],
    [
      'an audience of two words',
      { 'broker-audience': 'two words' },
      /Input 'broker-audience': it must be one word/,
    ],
  ])('refuses broker-url %s', async (_name, extra, message) => {
    const result = await parse({
      'broker-url': 'https://broker.example',
      permissions: 'read-only',
      ...extra,
    })
    expect(Array.isArray(result) ? result.join('\n') : 'accepted').toMatch(message)
  })

  it('refuses broker-audience without broker-url, and still wants admin-api-key then', async () => {
    const result = await parse({ 'broker-audience': 'vast', permissions: 'read-only' })
    expect(result).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Input 'broker-audience': it is only read with broker-url/),
        expect.stringMatching(/Input 'admin-api-key': it is empty/),
      ]),
    )
  })
})
