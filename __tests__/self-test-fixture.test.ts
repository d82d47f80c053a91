import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from '@jest/globals'
import { RunnerJob } from '../harness/runner.ts'
import { ACTION_YML } from './support/action.ts'

// The fixture of .github/workflows/self-test.yml (.github/actions/vast-emulator), run with the
// runner harness in the order the runner runs a job: fixture main (starts the emulator as a
// background process), the action's main, the action's post, then the fixture's post (post steps
// run in reverse order), which must pass only if the action's post deleted the key.

const FIXTURE = fileURLToPath(
  new URL('../.github/actions/vast-emulator/action.yml', import.meta.url),
)
const ROOT = fileURLToPath(new URL('..', import.meta.url))

let started: { fixture: RunnerJob; action: RunnerJob; pid: number }[] = []

afterEach(async () => {
  for (const { fixture, action, pid } of started) {
    try {
      process.kill(pid, 0)
      process.kill(pid)
    } catch {
      // stopped by the fixture's post, as it should be
    }
    await fixture.cleanup()
    await action.cleanup()
  }
  started = []
})

async function startJob() {
  // The fixture starts scripts/emulator.ts from the workspace, as after actions/checkout.
  const fixture = new RunnerJob({ actionYml: FIXTURE, workspace: ROOT })
  const action = new RunnerJob({ actionYml: ACTION_YML })
  const main = await fixture.runMain({ inputs: { 'expect-keys': '1' } })
  expect(main.conclusion).toBe('success')
  const pid = Number(main.state['pid'])
  started.push({ fixture, action, pid })
  const { url = '', 'parent-key': parentKey = '' } = main.outputs
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  expect(main.masks).toContain(parentKey)
  const inputs = { 'admin-api-key': parentKey, 'api-url': url, permissions: 'instance-manager' }
  return { fixture, action, inputs, pid }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('self-test fixture', () => {
  it("passes after the action's post deleted the key, and stops the emulator", async () => {
    const { fixture, action, inputs, pid } = await startJob()
    expect((await action.runMain({ inputs })).conclusion).toBe('success')
    expect((await action.runPost({ inputs })).conclusion).toBe('success')
    const check = await fixture.runPost({ inputs: { 'expect-keys': '1' } })
    expect(check.log.join('\n')).toContain('post check: 1 managed key(s) made, all deleted')
    expect(check.conclusion).toBe('success')
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50))
    expect(alive(pid)).toBe(false)
  })

  it("fails when the action's post did not run: the key outlived the job", async () => {
    const { fixture, action, inputs } = await startJob()
    expect((await action.runMain({ inputs })).conclusion).toBe('success')
    const check = await fixture.runPost({ inputs: { 'expect-keys': '1' } })
    expect(check.conclusion).toBe('failure')
    expect(check.annotations.map((a) => a.message).join('\n')).toMatch(/outlived the job/)
  })

  it('fails when no key was made at all', async () => {
    const { fixture } = await startJob()
    const check = await fixture.runPost({ inputs: { 'expect-keys': '1' } })
    expect(check.conclusion).toBe('failure')
    expect(check.annotations.map((a) => a.message).join('\n')).toMatch(/found 0/)
  })
})
