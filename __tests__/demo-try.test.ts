import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import { parseTryArgs, parseTryCommand } from '../scripts/demo-try.ts'

// `npm run demo -- try ...` is how a user tries their own inputs before writing a workflow: it
// runs dist/ main and post against the emulators and prints what the runner would show.

const demo = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [demo, 'try', ...args], {
    env: { ...process.env, NODE_OPTIONS: '' },
    timeout: 60_000,
  })

describe('npm run demo -- try', () => {
  it('runs the given inputs through main and post, and the key is gone after the job', async () => {
    const { stdout } = await run(['permissions=instance_read', 'ttl=1h', 'key-name=my-try'])
    expect(stdout).toMatch(/== Main step: success/)
    expect(stdout).toMatch(/key-name = my-try \[vsk2 m=job /)
    expect(stdout).toMatch(/api-key = \*\*\*/)
    expect(stdout).toMatch(/== Post step: success/)
    const after = stdout.slice(stdout.indexOf('== Keys on the account after the job'))
    expect(after).not.toContain('my-try')
    // create mode does not read the GitHub inputs: the demo does not fill them in
    expect(stdout).not.toMatch(/is ignored in create mode/)
  }, 180_000)

  it('shows a sweep deleting: a key past its deadline and one of a completed run', async () => {
    const { stdout } = await run(['mode=sweep'])
    expect(stdout).toMatch(/== Main step: success/)
    expect(stdout).not.toMatch(/is ignored in sweep mode/)
    expect(stdout).toMatch(/Run-aware: yes/)
    expect(stdout).toMatch(/deleted-count = 2/)
    const after = stdout.slice(stdout.indexOf('== Keys on the account after the job'))
    expect(after).not.toMatch(/expired \[vsk2|run-completed \[vsk2/)
    expect(after).toMatch(/run-going \[vsk2/)
    expect(after).toContain('alice laptop')
  }, 180_000)

  it('shows a mistake as the runner would, with nothing sent', async () => {
    const { stdout } = await run(['permissions=instance_read', 'ttl=6 hours'])
    expect(stdout).toMatch(/== Main step: failure/)
    expect(stdout).toMatch(/Input 'ttl': '6 hours' is not a duration/)
    expect(stdout).toContain('Requests to the Vast API by main: 0')
  }, 180_000)

  it('splits name=value at the first =, and refuses an argument without one', () => {
    expect(parseTryArgs(['permissions={"api":{"a":{}}}', 'ttl=1h'])).toEqual({
      permissions: '{"api":{"a":{}}}',
      ttl: '1h',
    })
    expect(() => parseTryArgs(['ttl'])).toThrow(/'ttl' is not input=value/)
    expect(() => parseTryArgs(['=1h'])).toThrow(/not input=value/)
  })

  it('try --help is help: the flags, what is filled in, and the examples', async () => {
    const { stdout } = await run(['--help'])
    expect(stdout).toMatch(/^usage: npm run demo -- try \[--emulator-url URL\]/)
    for (const part of ['--emulator-url URL', 'broker-url', 'admin-api-key', 'octo-org/deployer'])
      expect(stdout).toContain(part)
    expect(stdout).not.toContain('== Main step')
  }, 180_000)

  it('reads --emulator-url (both spellings) and refuses an unknown option or a bad URL', () => {
    expect(parseTryCommand(['--emulator-url', 'http://127.0.0.1:9/', 'ttl=1h'])).toEqual({
      help: false,
      emulatorUrl: 'http://127.0.0.1:9',
      inputs: { ttl: '1h' },
    })
    expect(parseTryCommand(['--emulator-url=http://127.0.0.1:9']).emulatorUrl).toBe(
      'http://127.0.0.1:9',
    )
    expect(() => parseTryCommand(['--emulatr-url'])).toThrow(/unknown option --emulatr-url/)
    expect(() => parseTryCommand(['--emulator-url'])).toThrow(/needs a URL/)
    expect(() => parseTryCommand(['--emulator-url', 'ttl=1h'])).toThrow(/is not the emulator's URL/)
  })
})
