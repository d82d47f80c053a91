import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from '@jest/globals'

// `npm run demo -- rotate` is what the README offers to try first: it must run, and its own
// checks (secret before/after, old key dead, other keys live) must pass.

const demo = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))

describe('npm run demo -- rotate', () => {
  it('walks through a rotation and says it finished', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [demo, 'rotate'], {
      env: { ...process.env, NODE_OPTIONS: '' },
      timeout: 60_000,
    })
    expect(stdout).toMatch(/repository secret, before: opened sealed box = \w+… = Vast key 2 /)
    expect(stdout).toMatch(
      /repository secret, after: opened sealed box = \w+… = Vast key 5 .*live\)/,
    )
    expect(stdout).toMatch(/the old key \w+…: HTTP 401: dead \(retired\)/)
    expect(stdout).toContain('Demo finished: the secret always held a live key')
  }, 180_000)

  it('refuses an unknown walk-through', async () => {
    await expect(
      promisify(execFile)(process.execPath, [demo, 'rotat'], {
        env: { ...process.env, NODE_OPTIONS: '' },
      }),
    ).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('usage: npm run demo') })
  })
})
