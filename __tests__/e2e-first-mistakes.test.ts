import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubEmulator } from '../emulator/github.ts'
import { scenario, shown, type Scenario } from './support/action.ts'

// Each first mistake made as a user would make it, through dist/ as the runner runs it: a message
// that names the input with the fix, and nothing sent (or, where the action can go on, a warning
// that says what it did and how to silence it).

let current: Scenario | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

async function start(env: Record<string, string> = {}) {
  current = await scenario({ job: { env } })
  return current
}

const errors = (result: { annotations: { level: string; message: string }[] }) =>
  result.annotations.filter((a) => a.level === 'error').map((a) => a.message)
const warnings = (result: { annotations: { level: string; message: string }[] }) =>
  result.annotations.filter((a) => a.level === 'warning').map((a) => a.message)

describe('refused before any request, naming the input with the fix', () => {
  it.each([
    [
      { permissions: '{"manage_instances": true, "view_billing": true}' },
      /Input 'permissions': it is in the boolean form .*\{"api":\{"misc":\{\},"instance_read":\{\},"instance_write":\{\},"billing_read":\{\}\}\}/,
    ],
    [{ permissions: 'perms.json' }, /Input 'permissions': 'perms\.json' looks like a file path/],
    [
      { permissions: 'instance-read, INSTANCE_WRITE' },
      /Input 'permissions': .*'instance-read' \(did you mean instance_read\?\), 'INSTANCE_WRITE' \(did you mean instance_write\?\)/,
    ],
    [{ permissions: 'Instance-Manager' }, /did you mean instance-manager\?/],
    [{ permissions: 'api:\n\tinstance_read: {}' }, /Input 'permissions': .*indent with spaces/],
    [
      { permissions: '{"api":{"instance_write":{"__proto__":{"api.instance.destroy":{}}}}}' },
      /Input 'permissions': the key '__proto__' \(at api\.instance_write\.__proto__\) is not allowed/,
    ],
    [{ 'admin-api-key': 'abc' }, /Input 'admin-api-key': it is only 3 characters long/],
    [
      { 'api-url': 'http://vast.localhost:9' },
      /Input 'api-url': plain http is only allowed to this machine .*vast\.localhost is not a loopback address/,
    ],
  ])('%j', async (override, message) => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs(override), debug: true })
    expect(main.conclusion).toBe('failure')
    expect(errors(main).join('\n')).toMatch(message)
    expect(s.emulator.requests).toEqual([])
    // a value too short to be a key is not masked: masking it would hide ordinary words
    if ('admin-api-key' in override) expect(main.masks).toEqual([])
    const post = await s.job.runPost({ inputs: s.inputs(override) })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.requests).toEqual([])
  })

  it('a github-token too short to mask, in rotate mode', async () => {
    const github = await GitHubEmulator.start()
    try {
      const s = await start()
      const main = await s.job.runMain({
        inputs: s.inputs({
          mode: 'rotate',
          'key-name': 'ci',
          'secret-name': 'VAST_KEY',
          'github-token': 'ghp_short',
          'github-api-url': github.url,
        }),
      })
      expect(errors(main).join('\n')).toMatch(
        /Input 'github-token': it is only 9 characters long; GitHub tokens are 40 or more/,
      )
      expect(s.emulator.requests).toEqual([])
      expect(github.requestsFor('repo')).toEqual([])
    } finally {
      await github.close()
    }
  })

  it('export-config into a vastai path that is not a directory: no key made', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vsk-config-'))
    writeFileSync(join(home, 'vastai'), 'not a directory')
    const s = await start({ XDG_CONFIG_HOME: home })
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(main.conclusion).toBe('failure')
    expect(errors(main).join('\n')).toMatch(
      /Input 'export-config': .*vastai is not a plain directory.*export-env: true/,
    )
    expect(s.emulator.requests).toEqual([])
  })
})

describe('accepted, with a warning that says what was done', () => {
  it('api-url written as Vast docs write it (…/api/v0/): requests go to /api/v0/… once', async () => {
    const s = await start()
    const inputs = s.inputs({ 'api-url': `${s.emulator.url}/api/v0/` })
    const main = await s.job.runMain({ inputs })
    expect(main.conclusion).toBe('success')
    expect(warnings(main)).toEqual([
      expect.stringMatching(
        /^Input 'api-url': it ends with \/api\/v0, which the action adds to every request itself; using http:\/\/127\.0\.0\.1:\d+\. Set api-url: http:\/\/127\.0\.0\.1:\d+ to silence this$/,
      ),
    ])
    expect(s.emulator.requestsFor('create')).toHaveLength(1)
    const post = await s.job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    expect(s.emulator.liveKeys()).toHaveLength(1) // the parent key only
  })

  it('a relative XDG_CONFIG_HOME is ignored: the key goes to ~/.config, not into the checkout', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vsk-home-'))
    const s = await start({ HOME: home, XDG_CONFIG_HOME: 'relative-config' })
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(main.conclusion).toBe('success')
    expect(warnings(main).join('\n')).toMatch(
      /Input 'export-config': XDG_CONFIG_HOME \(relative-config\) is not an absolute path, so it is ignored/,
    )
    const path = join(home, '.config', 'vastai', 'vast_api_key')
    expect(readFileSync(path, 'utf8')).toBe(main.outputs['api-key'])
    expect(existsSync(join(s.job.workspace, 'relative-config'))).toBe(false)
    await s.job.runPost({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(existsSync(path)).toBe(false)
  })

  it('ttl: 15m with the default create-budget: no warning (the budget follows the ttl)', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs({ ttl: '15m' }) })
    expect(main.conclusion).toBe('success')
    expect(warnings(main)).toEqual([])
    expect(shown(main)).toMatch(/Created Vast\.ai key/)
  })

  it('ttl: 15m with create-budget: 15m set: a warning that says how to silence it', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs({ ttl: '15m', 'create-budget': '15m' }) })
    expect(main.conclusion).toBe('success')
    expect(warnings(main)).toEqual([
      expect.stringMatching(/^Input 'create-budget': it is not shorter than ttl \(15m\).*silence/),
    ])
  })
})

describe('a vastai directory that exists is used', () => {
  it('when it is a plain directory', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vsk-config-'))
    mkdirSync(join(home, 'vastai'))
    const s = await start({ XDG_CONFIG_HOME: home })
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(main.conclusion).toBe('success')
  })
})
