import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'

// `npm run demo` is the README's first command: it must pass, and show what it promises (masking
// raw and as shown, the job summary, the 403 as least privilege, the key gone after post).

const demo = fileURLToPath(new URL('../scripts/demo.ts', import.meta.url))
const run = (...args: string[]) =>
  spawnSync(process.execPath, [demo, ...args], { encoding: 'utf8', timeout: 60_000 })

describe('npm run demo', () => {
  it('walks through a per-job key and passes its own checks', () => {
    const result = run()
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    const out = result.stdout
    const written = /written: (.*Bearer )(\S+)(".*)/.exec(out)
    expect(written?.[2]).toMatch(/^[0-9a-f]{16,}$/)
    expect(out).toContain(`shown:   ${written?.[1]}***${written?.[3]}`)
    expect(out).toMatch(/Job summary[\s\S]*\| Key id \| Name \| Permissions \| Deadline/)
    expect(out).toMatch(/-> HTTP 403\n[\s\S]*HTTP 403 is the proof of least privilege/)
    expect(out).toContain("The same call with the job's key now: HTTP 401 (deleted)")
    expect(out).toContain('Demo finished: the key existed only while the job ran.')
  })

  it('names its walk-throughs when asked for an unknown one', () => {
    const result = run('no-such-demo')
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("unknown walk-through 'no-such-demo'")
    expect(result.stderr).toMatch(/^ {2}create +a per-job key/m)
  })
})
