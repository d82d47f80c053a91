// `npm run demo [-- <walk-through>]`: the action, locally. Each walk-through starts the Vast.ai API
// emulator, runs the committed dist/ through the runner-protocol harness exactly as GitHub's
// runner does, and shows what happened: the log raw and as the runner shows it, the job summary,
// the outputs, and the emulator's keys before, during and after. Nothing here reaches the real
// Vast.ai. Add a walk-through by adding an entry to WALK_THROUGHS.

import { fileURLToPath } from 'node:url'
import { VastEmulator } from '../emulator/vast.ts'
import { demoParentPermissions } from './demo-parent.ts'
import { RunnerJob, type StepResult } from '../harness/runner.ts'

const actionYml = fileURLToPath(new URL('../action.yml', import.meta.url))
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const heading = (text: string) => console.log(`\n${bold(`== ${text}`)}`)
const indent = (lines: string[]) => lines.map((line) => `   | ${line}`).join('\n')
const note = (text: string) => console.log(text.replace(/^/gm, '   '))

/** One walk-through: a line for the usage text, and a run that resolves to whether it behaved. */
interface WalkThrough {
  summary: string
  run(): Promise<boolean>
}

const WALK_THROUGHS: Record<string, WalkThrough> = {
  create: {
    summary: 'a per-job key: main, a later step using it, post (the default)',
    run: createWalkThrough,
  },
  rotate: {
    summary: 'a scheduled rotation into a GitHub secret, with the GitHub emulator',
    run: async () => (await import('./demo-rotate.ts')).demoRotate(),
  },
  broker: {
    summary: 'keyless CI: a job with no Vast secret gets a key from the key broker (OIDC)',
    run: async () => (await import('./demo-broker.ts')).demoBroker(),
  },
  instances: {
    summary: "GPU instances die with the job: a cancelled job's instances destroyed in post",
    run: async () => (await import('./demo-instances.ts')).demoInstances(),
  },
  try: {
    summary:
      'your own inputs, or any README example: try permissions=instance_read ttl=1h (try --help)',
    run: async () => (await import('./demo-try.ts')).demoTry(process.argv.slice(3)),
  },
}

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

/** The first line the step wrote that holds `secret`, raw and as the runner displays it. */
function showMasking(result: StepResult, job: RunnerJob, secret: string): boolean {
  const raw = result.rawStdout.split('\n').find((line) => secret && line.includes(secret))
  if (!raw) return false
  const shown = job.mask(raw)
  console.log('   The same line, as the step wrote it and as the runner shows it in the log:')
  console.log(`     written: ${raw}`)
  console.log(`     shown:   ${shown}`)
  note(
    'The action registered the key with ::add-mask:: before handing it out, so the runner\n' +
      'replaces it with *** wherever a later step prints it.',
  )
  return !shown.includes(secret) && shown.includes('***')
}

async function createWalkThrough(): Promise<boolean> {
  const emulator = await VastEmulator.start({ parentPermissions: demoParentPermissions() })
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

    heading('Job summary (GITHUB_STEP_SUMMARY, rendered as Markdown on the run page)')
    console.log(indent(main.summary.trimEnd().split('\n')))

    heading('Keys during the job')
    console.log(keyTable(emulator))
    const key = main.outputs['api-key'] ?? ''
    const step = await job.runStep(fileURLToPath(new URL('./demo-step.mjs', import.meta.url)), {
      env: { DEMO_API_URL: emulator.url },
    })
    showStep('A later step (run: with $VAST_API_KEY)', step, job)
    ok &&= showMasking(step, job, key)
    const refused = step.log.some((line) => line.endsWith('HTTP 403'))
    note(
      [
        'HTTP 403 is the proof of least privilege: Vast knows the key (an unknown or deleted key gets',
        '401), and refuses it what it was not given. It holds misc, instance_read and instance_write;',
        'reading the account needs user_read, so this job cannot read the account, mint keys or spend',
        'money, whatever its steps do with the key.',
      ].join('\n'),
    )
    ok &&= refused

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
    // the parent-key check and create; post: list (the name checked), delete
    ok &&= after.status === 401 && byAction.length === 4

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
  return ok
}

const usage = [
  'usage: npm run demo [-- <walk-through>]',
  ...Object.entries(WALK_THROUGHS).map(([name, w]) => `  ${name.padEnd(10)} ${w.summary}`),
].join('\n')
const given = process.argv[2] ?? 'create'
// `--broker` works too (the issue's spelling), like `broker`.
const name = given === '--help' ? given : given.replace(/^--(?=[a-z])/, '')
const walkThrough = Object.hasOwn(WALK_THROUGHS, name) ? WALK_THROUGHS[name] : undefined
if (name === '--help' || name === '-h') {
  console.log(usage)
} else if (!walkThrough) {
  console.error(`unknown walk-through '${name}'\n${usage}`)
  process.exitCode = 2
} else {
  process.exitCode = (await walkThrough.run()) ? 0 : 1
}
