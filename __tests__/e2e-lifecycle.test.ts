import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { allPermissions } from '../emulator/vast-permissions.ts'
import { shown, type Scenario } from './support/action.ts'
import { useScenarios } from './support/e2e.ts'

// Cancellation and the CLI/SDK config file, from dist/ against the emulator.

const { start } = useScenarios()

const onlyParent = (s: Scenario) =>
  expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])

describe('cancel safety', () => {
  const fast = (s: Scenario, extra: Record<string, string> = {}) =>
    s.inputs({ 'request-timeout': '1s', ...extra })

  it('deletes the key when main is cancelled while the create answer is held', async () => {
    const s = await start()
    // the key is made at once, but its answer never reaches the action
    const held = s.emulator.inject('create', { type: 'hold' })
    const main = await s.job.runMain({
      inputs: fast(s),
      cancelAfter: { when: held.arrived },
      cancelGraceMs: 7500,
    })
    expect(main.conclusion).toBe('cancelled')
    // main ended on its own after SIGINT, well before the runner's SIGTERM
    expect(main.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    expect(shown(main)).toMatch(
      /Cancelled during the create request; deleted the 1 key\(s\) it made/,
    )
    onlyParent(s)
    const post = await s.job.runPost({ inputs: fast(s) })
    expect(post.conclusion).toBe('success')
    onlyParent(s)
    expect(s.leaks()).toEqual([])
  })

  it('looks again in post when a create cancelled in flight is applied after main ended', async () => {
    const s = await start()
    // Vast applies the create 5.5 s after it arrives; request-timeout 5s: the window ends 7 s
    // after the send, later than main can wait before the runner's SIGTERM (4.5 s at most).
    const late = s.emulator.inject('create', { type: 'delay', ms: 5500 })
    const inputs = fast(s, { 'request-timeout': '5s' })
    const main = await s.job.runMain({ inputs, cancelAfter: { when: late.arrived } })
    expect(main.conclusion).toBe('cancelled')
    expect(shown(main)).toMatch(
      /Vast could still apply the request until .*the post step looks again/,
    )
    const post = await s.job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Deleted 1 key\(s\) left by an uncertain or cancelled create/)
    onlyParent(s)
    expect(s.leaks()).toEqual([])
  })

  it('deletes a timed-out create that Vast applies after the retry succeeded', async () => {
    const s = await start()
    // the first create times out after 1 s and lands at 2.5 s; the retry makes the key handed out
    s.emulator.inject('create', { type: 'delay', ms: 2500 })
    const main = await s.job.runMain({ inputs: fast(s) })
    expect(main.conclusion).toBe('success')
    const post = await s.job.runPost({ inputs: fast(s) })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Deleted Vast.ai key \d+\./)
    onlyParent(s)
    expect(s.emulator.keys()).toHaveLength(3)
  })

  it('leaves the cleanup to post when main cannot do it before exiting', async () => {
    const s = await start()
    const held = s.emulator.inject('create', { type: 'hold' })
    s.emulator.inject('list', { type: 'status', status: 503 }, 20)
    const main = await s.job.runMain({ inputs: fast(s), cancelAfter: { when: held.arrived } })
    expect(main.conclusion).toBe('cancelled')
    expect(shown(main)).toMatch(/The post step looks for it by name/)
    expect(s.emulator.liveKeys()).toHaveLength(2)
    s.emulator.clearFaults()
    const post = await s.job.runPost({ inputs: fast(s) })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Deleted 1 key\(s\) left by an uncertain or cancelled create/)
    onlyParent(s)
  })

  it('finds the key by name in post when main was killed outright', async () => {
    const s = await start()
    s.emulator.inject('create', { type: 'hold' })
    const inputs = fast(s, { 'request-timeout': '3s' })
    const main = await s.job.runMain({ inputs, timeoutMs: 1500 })
    expect(main.timedOut).toBe(true)
    expect(s.emulator.liveKeys()).toHaveLength(2)
    const post = await s.job.runPost({ inputs })
    expect(post.conclusion).toBe('success')
    onlyParent(s)
  })

  it('post keeps deleting after SIGINT while deletes fail', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: fast(s) })
    // two failures: their backoff (at most 1 s + 2 s) fits in the grace whatever the jitter
    const failing = s.emulator.inject('delete', { type: 'status', status: 503 }, 2)
    const post = await s.job.runPost({ inputs: fast(s), cancelAfter: { when: failing.arrived } })
    expect(post.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    expect(shown(post)).toMatch(/Received SIGINT: the key is still deleted/)
    expect(s.emulator.isLive(main.outputs['api-key'] ?? '')).toBe(false)
    expect(s.emulator.requestsFor('delete').map((r) => r.status)).toEqual([503, 503, 200])
  })

  it('post stops at the end of the grace when the API never answers, and says what is left', async () => {
    const s = await start()
    const main = await s.job.runMain({ inputs: s.inputs() })
    const held = s.emulator.inject('delete', { type: 'hold', apply: false }, 10)
    const post = await s.job.runPost({ inputs: s.inputs(), cancelAfter: { when: held.arrived } })
    // it ended on its own before the runner's SIGTERM
    expect(post.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    expect(shown(post)).toMatch(
      new RegExp(
        `Could not delete the Vast.ai key ${main.outputs['key-id']} .*cancelled.*A scheduled sweep .*key-id: ${main.outputs['key-id']}`,
      ),
    )
    expect(post.files.summary).toMatch(/post step[\s\S]*Could not delete/)
  })
})

describe('a parent key without user_read', () => {
  it('names user_read and admin-api-key, and promises no sweep, when a lost create cannot be looked up', async () => {
    const rights = Object.fromEntries(
      Object.entries(allPermissions().api).filter(([category]) => category !== 'user_read'),
    )
    const s = await start({ emulator: { parentPermissions: { api: rights } } })
    s.emulator.inject('create', { type: 'lost' })
    const inputs = s.inputs({ 'request-timeout': '1s' })
    const main = await s.job.runMain({ inputs })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/List API keys failed: HTTP 403.*lacks user_read.*admin-api-key/)
    const post = await s.job.runPost({ inputs })
    const warning = post.annotations.find((a) => a.level === 'warning')?.message ?? ''
    expect(warning).toMatch(/Could not check whether a create request left a Vast.ai key named/)
    expect(warning).toMatch(/lacks user_read.*admin-api-key.*Vast console/)
    expect(warning).not.toMatch(/sweep/)
    expect(post.files.summary).toMatch(/post step[\s\S]*lacks user_read/)
    expect(s.leaks()).toEqual([])
  })
})

describe('export-config', () => {
  const configHome = () => mkdtempSync(join(tmpdir(), 'vsk-config-'))

  it('writes the key for the Vast CLI with mode 0600, and post removes exactly that file', async () => {
    const home = configHome()
    const s = await start({ job: { env: { XDG_CONFIG_HOME: home } } })
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(main.conclusion).toBe('success')
    const path = join(home, 'vastai', 'vast_api_key')
    expect(readFileSync(path, 'utf8')).toBe(main.outputs['api-key'])
    expect(lstatSync(path).mode & 0o777).toBe(0o600)
    expect(main.state['config-file']).toContain(path)
    const post = await s.job.runPost({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(shown(post)).toContain(`Removed ${path}.`)
    expect(lstatSync(path, { throwIfNoEntry: false })).toBeUndefined()
    expect(s.leaks()).toEqual([])
  })

  it('uses ~/.config when XDG_CONFIG_HOME is not set', async () => {
    const home = configHome()
    const s = await start({ job: { env: { HOME: home } } })
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(readFileSync(join(home, '.config', 'vastai', 'vast_api_key'), 'utf8')).toBe(
      main.outputs['api-key'],
    )
  })

  it.each([
    ['an existing file', (path: string) => writeFileSync(path, 'my own key')],
    ['a symlink', (path: string) => symlinkSync(join(tmpdir(), 'elsewhere'), path)],
  ])('refuses to overwrite %s, and creates no key', async (_what, plant) => {
    const home = configHome()
    mkdirSync(join(home, 'vastai'))
    const path = join(home, 'vastai', 'vast_api_key')
    plant(path)
    const s = await start({ job: { env: { XDG_CONFIG_HOME: home } } })
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/already exists.*refusing to overwrite it/)
    expect(s.emulator.requests).toEqual([])
    const post = await s.job.runPost({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(post.conclusion).toBe('success')
    expect(lstatSync(path)).toBeDefined()
  })

  it('refuses a symlinked vastai folder', async () => {
    const home = configHome()
    const target = configHome()
    symlinkSync(target, join(home, 'vastai'))
    const s = await start({ job: { env: { XDG_CONFIG_HOME: home } } })
    const main = await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/is a symbolic link; refusing/)
    expect(s.emulator.requests).toEqual([])
  })

  it('leaves a file alone in post if it was replaced after main', async () => {
    const home = configHome()
    const s = await start({ job: { env: { XDG_CONFIG_HOME: home } } })
    await s.job.runMain({ inputs: s.inputs({ 'export-config': 'true' }) })
    const path = join(home, 'vastai', 'vast_api_key')
    const { rmSync } = await import('node:fs')
    rmSync(path)
    writeFileSync(path, 'someone else')
    const post = await s.job.runPost({ inputs: s.inputs({ 'export-config': 'true' }) })
    expect(post.conclusion).toBe('success')
    expect(readFileSync(path, 'utf8')).toBe('someone else')
    expect(shown(post)).toMatch(/no longer the file this action wrote/)
    onlyParent(s)
  })
})
