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
import { afterEach, describe, expect, it } from '@jest/globals'
import { scenario, shown, type Scenario } from './support/action.ts'

// Cancellation and the CLI/SDK config file, from dist/ against the emulator.

let current: Scenario | undefined
async function start(options?: Parameters<typeof scenario>[0]) {
  current = await scenario(options)
  return current
}
afterEach(async () => {
  await current?.close()
  current = undefined
})

const onlyParent = (s: Scenario) =>
  expect(s.emulator.liveKeys().map((k) => k.id)).toEqual([s.emulator.parentKeyId])

describe('cancel safety', () => {
  it('deletes the key when main is cancelled while the create answer is held', async () => {
    const s = await start()
    // the key is made at once, but its answer never reaches the action
    const held = s.emulator.inject('create', { type: 'hold' })
    const main = await s.job.runMain({
      inputs: s.inputs(),
      cancelAfter: { when: held.arrived },
      cancelGraceMs: 7500,
    })
    expect(main.conclusion).toBe('cancelled')
    // main ended on its own after SIGINT, well before the runner's SIGTERM
    expect(main.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    expect(shown(main)).toMatch(/Cancelled during the create request; deleted the key it made/)
    onlyParent(s)
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    onlyParent(s)
    expect(s.leaks()).toEqual([])
  })

  it('leaves the cleanup to post when main cannot do it before exiting', async () => {
    const s = await start()
    const held = s.emulator.inject('create', { type: 'hold' })
    s.emulator.inject('list', { type: 'status', status: 503 }, 20)
    const main = await s.job.runMain({ inputs: s.inputs(), cancelAfter: { when: held.arrived } })
    expect(main.conclusion).toBe('cancelled')
    expect(shown(main)).toMatch(/The post step looks for it by name/)
    expect(s.emulator.liveKeys()).toHaveLength(2)
    s.emulator.clearFaults()
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Deleted 1 key\(s\) left by an uncertain or cancelled create/)
    onlyParent(s)
  })

  it('finds the key by name in post when main was killed outright', async () => {
    const s = await start()
    s.emulator.inject('create', { type: 'hold' })
    const main = await s.job.runMain({ inputs: s.inputs(), timeoutMs: 1500 })
    expect(main.timedOut).toBe(true)
    expect(s.emulator.liveKeys()).toHaveLength(2)
    const post = await s.job.runPost({ inputs: s.inputs() })
    expect(post.conclusion).toBe('success')
    onlyParent(s)
  })

  it('ends post promptly when it is cancelled during the delete', async () => {
    const s = await start()
    await s.job.runMain({ inputs: s.inputs() })
    const held = s.emulator.inject('delete', { type: 'hold', apply: false })
    const post = await s.job.runPost({ inputs: s.inputs(), cancelAfter: { when: held.arrived } })
    expect(post.signalsSent.map((x) => x.signal)).toEqual(['SIGINT'])
    expect(shown(post)).toMatch(/Could not delete .*cancelled.*A sweep deletes it/)
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
