// `npm run demo`: the action's main job, locally. Starts the Vast.ai API emulator, runs the
// committed dist/ through the runner-protocol harness (main, a later step that uses the key, then
// post) and shows what happened: the log as the runner would print it, the outputs, and the
// emulator's keys before, during and after. Nothing here reaches the real Vast.ai.
// `npm run demo -- rotate`: the rotation walk-through instead (scripts/demo-rotate.ts).

import { fileURLToPath } from 'node:url'
import { VastEmulator } from '../emulator/vast.ts'
import { RunnerJob, type StepResult } from '../harness/runner.ts'

const walkThrough = process.argv[2] ?? 'create'
if (walkThrough === 'rotate') {
  const { demoRotate } = await import('./demo-rotate.ts')
  process.exit((await demoRotate()) ? 0 : 1)
} else if (walkThrough !== 'create') {
  console.error('usage: npm run demo [-- create | rotate]')
  process.exit(2)
}

const actionYml = fileURLToPath(new URL('../action.yml', import.meta.url))
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const heading = (text: string) => console.log(`\n${bold(`== ${text}`)}`)
const indent = (lines: string[]) => lines.map((line) => `   | ${line}`).join('\n')

function keyTable(emulator: VastEmulator): string {
  const rows = emulator.liveKeys().map((k) => {
    const rights = Object.keys(k.permissions.api).join(',') || '-'
    return `   ${String(k.id).padEnd(4)} ${k.name}\n        rights: ${rights}`
  })
  return rows.join('\n')
}

function showStep(title: string, result: StepResult, job: RunnerJob): void {
  heading(
    `${title}: ${result.conclusion} in ${Math.round(result.durationMs)} ms (the log as the runner shows it)`,
  )
  console.log(indent(result.log.length ? result.log : ['(no output)']))
  const outputs = Object.entries(result.outputs)
  if (outputs.length) {
    console.log('   outputs (api-key is masked in any log, like every secret):')
    for (const [name, value] of outputs) console.log(`     ${name.padEnd(11)} ${job.mask(value)}`)
  }
}

const emulator = await VastEmulator.start()
emulator.addKey({ name: 'alice laptop', permissions: { api: { instance_read: {} } } })
const job = new RunnerJob({ actionYml })
let ok = true
try {
  console.log(
    bold('vast-scoped-key demo: a per-job Vast.ai key, against a local emulator of the API'),
  )
  console.log(
    `The emulator listens on ${emulator.url}; its parent key stands in for secrets.VAST_ADMIN_API_KEY.`,
  )
  heading('Keys on the account before the job')
  console.log(keyTable(emulator))

  const inputs = {
    'admin-api-key': emulator.parentKey,
    'api-url': emulator.url,
    permissions: 'instance-manager',
    'key-name': 'demo-train',
    ttl: '2h',
    'export-env': 'true',
  }
  console.log('\nThe workflow step:\n')
  console.log(
    [
      '   - uses: your-org/vast-scoped-key@v1',
      '     id: vast',
      '     with:',
      '       admin-api-key: ${{ secrets.VAST_ADMIN_API_KEY }}',
      '       permissions: instance-manager',
      '       key-name: demo-train',
      '       ttl: 2h',
      '       export-env: true',
    ].join('\n'),
  )
  const main = await job.runMain({ inputs })
  showStep('Main step', main, job)
  ok &&= main.conclusion === 'success'

  heading('Keys during the job')
  console.log(keyTable(emulator))
  const key = main.outputs['api-key'] ?? ''
  const step = await job.runStep(fileURLToPath(new URL('./demo-step.mjs', import.meta.url)), {
    env: { DEMO_API_URL: emulator.url },
  })
  showStep('A later step (run: with $VAST_API_KEY)', step, job)
  console.log(
    '   (403: the key is valid but holds no user_read, as intended; 401 would mean unknown)',
  )
  ok &&= step.log.some((line) => line.endsWith('HTTP 403'))

  const post = await job.runPost({ inputs })
  showStep(
    'Post step (runs at the end of the job, also when it failed or was cancelled)',
    post,
    job,
  )
  ok &&= post.conclusion === 'success'

  heading('Keys after the job')
  console.log(keyTable(emulator))
  const after = await fetch(`${emulator.url}/api/v0/users/current`, {
    headers: { Authorization: `Bearer ${key}` },
  })
  await after.arrayBuffer()
  console.log(`\nThe same call with the job's key now: HTTP ${after.status} (deleted)`)
  const byAction = emulator.requests.filter((r) => r.callerKeyId === emulator.parentKeyId)
  console.log(
    `Requests the action made: ${byAction.map((r) => `${r.method} ${r.path} -> ${r.status}`).join(', ')}`,
  )
  ok &&= after.status === 401 && byAction.length === 2

  heading('And a mistake in the workflow: ttl: forever')
  const before = emulator.requests.length
  const badJob = new RunnerJob({ actionYml })
  const bad = await badJob.runMain({ inputs: { ...inputs, ttl: 'forever' } })
  await badJob.cleanup()
  const sent = emulator.requests.length - before
  console.log(indent(bad.log))
  console.log(`   (step ${bad.conclusion}; requests sent to the API: ${sent})`)
  ok &&= bad.conclusion === 'failure' && sent === 0
} finally {
  await job.cleanup()
  await emulator.close()
}
console.log(
  ok ? '\nDemo finished: the key existed only while the job ran.' : '\nDemo FAILED: see above.',
)
process.exitCode = ok ? 0 : 1
