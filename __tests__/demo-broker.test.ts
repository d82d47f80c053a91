import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'

// `npm run demo -- broker` (or `--broker`): a job with no Vast secret gets a key from the broker
// and loses it in post; the demo's own checks must pass.

const demo = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))

describe('npm run demo -- --broker', () => {
  it('walks through keyless CI and says it finished', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [demo, '--broker'], {
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    })
    expect(stdout).toMatch(
      /Got Vast.ai key \d+ from the key broker at 127.0.0.1:\d+ \(instance_read/,
    )
    expect(stdout).toMatch(/with \$VAST_API_KEY -> HTTP 403/)
    expect(stdout).toMatch(/Deleted Vast.ai key \d+ through the key broker/)
    expect(stdout).toMatch(/The job's key now: HTTP 401 \(deleted\)/)
    expect(stdout).toMatch(/no rule of the broker's policy is for evil-org\/fork/)
    expect(stdout).toContain('Demo finished: the job held no Vast secret')
  }, 180_000)
})
