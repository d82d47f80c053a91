import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import {
  isWorkflowToken,
  parseTryArgs,
  parseTryCommand,
  runnerInputWarnings,
} from '../scripts/demo-try.ts'

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

  it('shows a sweep with instances: destroy destroying instances, not only keys', async () => {
    // Before: try seeded keys only, so "Destroyed 0 instance(s)" was all a new user saw.
    const { stdout } = await run(['mode=sweep', 'instances=destroy'])
    expect(stdout).toMatch(/== Main step: success/)
    expect(stdout).toMatch(/Destroyed Vast\.ai instance \d+ \(vski1:octo-org\/gpu-trainer:1001\.1:/)
    expect(stdout).toMatch(/Destroyed Vast\.ai instance \d+ \(vski1:octo-org\/gpu-trainer:1002\.1:/)
    const after = stdout.slice(stdout.indexOf('== Instances on the account after the job'))
    expect(after).not.toMatch(/gpu-trainer:100[12]\.1:/)
    expect(after).toMatch(/vski1:octo-org\/gpu-trainer:1003\.1:/)
    expect(after).toMatch(/vski1:octo-org\/other:1001\.1:/)
    expect(after).toContain('alice notebook')
  }, 180_000)

  it('shows a mistake as the runner would, with nothing sent', async () => {
    const { stdout } = await run(['permissions=instance_read', 'ttl=6 hours'])
    expect(stdout).toMatch(/== Main step: failure/)
    expect(stdout).toMatch(/Input 'ttl': '6 hours' is not a duration; .* \(did you mean 6h\?\)/)
    expect(stdout).toContain('Requests to the Vast API by main: 0')
  }, 180_000)

  it("a typo in an input name gets the runner's warning, and the step runs without it", async () => {
    // Before: the harness threw, and try printed a stack trace.
    const { stdout } = await run(['permision=instance-manager'])
    expect(stdout).toMatch(
      /\| Warning: Unexpected input\(s\) 'permision', valid inputs are \['admin-api-key', /,
    )
    expect(stdout).toMatch(/'permision': did you mean 'permissions'\?/)
    expect(stdout).toMatch(/\| Error: Input 'permissions': it is required/)
    expect(stdout).toContain('Requests to the Vast API by main: 0')
  }, 180_000)

  it('splits the given inputs as the runner does: declared names in any case, warnings for the rest', () => {
    const declared = ['permissions', 'export-env', 'ttl']
    expect(runnerInputWarnings({ TTL: '1h', permissions: 'misc' }, declared)).toEqual({
      known: { TTL: '1h', permissions: 'misc' },
      warnings: [],
    })
    const { known, warnings } = runnerInputWarnings({ export_env: 'true', zzz: '1' }, declared)
    expect(known).toEqual({})
    expect(warnings[0]).toBe(
      "Warning: Unexpected input(s) 'export_env', 'zzz', valid inputs are ['permissions', 'export-env', 'ttl']",
    )
    expect(warnings[1]).toContain("'export_env': did you mean 'export-env'?")
  })

  it("github-token: ${{ github.token }} is the job's own token, which cannot write secrets, as on GitHub", async () => {
    // Before: try filled in a token that writes secrets, so a rotation GitHub refuses passed here.
    const { stdout } = await run([
      'mode=rotate',
      'key-name=ci-deploy',
      'permissions=instance-manager',
      'secret-name=VAST_DEPLOY_KEY',
      'github-token=${{ github.token }}',
    ])
    expect(stdout).toMatch(/== Main step: failure/)
    expect(stdout).toMatch(/HTTP 403 .*The workflow's own GITHUB_TOKEN can never write secrets/)
    const after = stdout.slice(stdout.indexOf('== Keys on the account after the job'))
    expect(after).not.toContain('ci-deploy')
    for (const token of ['${{ github.token }}', '${{secrets.GITHUB_TOKEN}}'])
      expect(isWorkflowToken(token)).toBe(true)
    expect(isWorkflowToken('${{ steps.app.outputs.token }}')).toBe(false)
  }, 180_000)

  it("a broker-url the action refuses gets the action's message, not a key from try's broker", async () => {
    // Before: try put its own broker's URL in place of any broker-url, so a typo got a key.
    const { stdout } = await run(['broker-url=vast-broker.example.com', 'permissions=misc'])
    expect(stdout).toMatch(/== Main step: failure/)
    expect(stdout).toMatch(/Input 'broker-url': 'vast-broker\.example\.com' is not a URL/)
    expect(stdout).not.toMatch(/the key broker started here|admin-api-key/)
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
