// Self-test fixture (see action.yml): runs after the action's post step (post steps run in reverse
// order), asks the emulator for every key it holds (GET /__emulator/keys: ids, names, deletion
// times, never key values) and fails unless the expected number of managed keys was made and
// every one of them is deleted. Then stops the emulator.

const url = process.env.STATE_url ?? ''
const pid = Number(process.env.STATE_pid)
const expected = Number(process.env['INPUT_EXPECT-KEYS'] || '1')

let failed = false
try {
  if (!url) throw new Error('the emulator never started (no url in state)')
  const res = await fetch(`${url}/__emulator/keys`)
  if (!res.ok) throw new Error(`GET /__emulator/keys answered HTTP ${res.status}`)
  const { keys } = await res.json()
  // Every key the action makes carries the `[vsk2 ...]` marker (or `[vsk1 ...]` from versions before 1.0) in its name.
  const managed = keys.filter((k) => /\[vsk[12] /.test(k.name))
  const alive = managed.filter((k) => k.deletedAt === null)
  for (const k of managed) {
    console.log(`key ${k.id}: ${k.deletedAt === null ? 'ALIVE' : 'deleted'}  ${k.name}`)
  }
  if (managed.length !== expected) {
    throw new Error(
      `expected ${expected} managed key(s) to have been made, found ${managed.length}`,
    )
  }
  if (alive.length > 0) {
    throw new Error(`${alive.length} managed key(s) outlived the job: ${alive.map((k) => k.id)}`)
  }
  console.log(`post check: ${managed.length} managed key(s) made, all deleted`)
} catch (error) {
  failed = true
  console.log(`::error::post check: ${error instanceof Error ? error.message : String(error)}`)
} finally {
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid)
    } catch {
      // already gone
    }
  }
}
process.exitCode = failed ? 1 : 0
