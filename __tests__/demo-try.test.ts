import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'
import { parseTryArgs } from '../scripts/demo-try.ts'

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
  }, 60_000)

  it('shows a mistake as the runner would, with nothing sent', async () => {
    const { stdout } = await run(['permissions=instance_read', 'ttl=6 hours'])
    expect(stdout).toMatch(/== Main step: failure/)
    expect(stdout).toMatch(/Input 'ttl': '6 hours' is not a duration/)
    expect(stdout).toContain('Requests to the Vast API by main: 0')
  }, 60_000)

  it('splits name=value at the first =, and refuses an argument without one', () => {
    expect(parseTryArgs(['permissions={"api":{"a":{}}}', 'ttl=1h'])).toEqual({
      permissions: '{"api":{"a":{}}}',
      ttl: '1h',
    })
    expect(() => parseTryArgs(['ttl'])).toThrow(/'ttl' is not input=value/)
    expect(() => parseTryArgs(['=1h'])).toThrow(/not input=value/)
  })
})
