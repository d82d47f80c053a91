import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'

// `npm run demo -- instances`: it must pass its own checks and show what it promises.

const demo = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))

describe('npm run demo -- instances', () => {
  it("shows a cancelled job's instances destroyed by post, and the others kept", () => {
    const result = spawnSync(process.execPath, [demo, 'instances'], {
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const out = result.stdout
    expect(out).toMatch(/The training step: cancelled/)
    expect(out).toMatch(
      /Destroyed 2 of 2 instance\(s\) labelled vski1:octo-org\/gpu-trainer:4242\.1:train:/,
    )
    expect(out).toMatch(/\| Instance id \| What became of it \|/)
    expect(out).toContain(
      "Demo finished: the job's instances died with it; every other instance stayed.",
    )
  })
})
