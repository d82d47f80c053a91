// `npm run demo -- instances`: a job rents two GPU instances with the label the action hands out,
// is cancelled before its own cleanup step, and the post step destroys both; an instance of
// another job, one of a person and a look-alike label stay. Against the Vast emulator, with Vast's
// list delay for new instances switched on; the committed dist/ through the runner harness.

import { fileURLToPath } from 'node:url'
import { VastEmulator } from '../emulator/vast.ts'
import { RunnerJob } from '../harness/runner.ts'

const actionYml = fileURLToPath(new URL('../action.yml', import.meta.url))
const step = fileURLToPath(new URL('./demo-instances-step.mjs', import.meta.url))
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const heading = (text: string) => console.log(`\n${bold(`== ${text}`)}`)
const indent = (lines: string[]) => lines.map((line) => `   | ${line}`).join('\n')

function instanceTable(emulator: VastEmulator): string {
  const rows = emulator.liveInstances().map((i) => `   ${i.id}  ${i.label ?? '(no label)'}`)
  return rows.length ? rows.join('\n') : '   (none)'
}

/** Runs the walk-through; resolves to whether it behaved (the job's instances gone, others kept). */
export async function demoInstances(): Promise<boolean> {
  // Vast may list a new instance a little after the create answered: the post step lists twice.
  const emulator = await VastEmulator.start({ variants: { instanceListDelayMs: 1500 } })
  const env = {
    GITHUB_REPOSITORY: 'octo-org/gpu-trainer',
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'train',
  }
  const job = new RunnerJob({ actionYml, env })
  let ok = true
  try {
    console.log(bold('vast-scoped-key demo: GPU instances die with the job'))
    const inputs = {
      'admin-api-key': emulator.parentKey,
      'api-url': emulator.url,
      permissions: 'instance_read, instance_write',
      'export-env': 'true',
      instances: 'destroy',
      'instances-grace': '3s',
    }
    console.log(
      [
        '\nThe workflow:\n',
        '   - uses: your-org/vast-scoped-key@v1',
        '     with:',
        '       admin-api-key: ${{ secrets.VAST_ADMIN_API_KEY }}',
        '       permissions: instance_read, instance_write',
        '       export-env: true',
        '       instances: destroy',
        '   - run: |',
        '       vastai create instance "$OFFER" --image pytorch/pytorch \\',
        '         --label "$VAST_INSTANCE_LABEL" --cancel-unavail --raw  # twice',
        '       ./train.sh   # cancelled here',
        '   - if: always()',
        '     run: vastai destroy instance "$ID" -y   # never reached: the job was cancelled',
      ].join('\n'),
    )
    const main = await job.runMain({ inputs })
    heading(`Main step: ${main.conclusion}`)
    console.log(indent(main.log))
    const label = main.outputs['instance-label'] ?? ''
    ok &&= main.conclusion === 'success' && label !== ''

    const kept = [
      emulator.addInstance({ label: 'alice notebook' }).id,
      emulator.addInstance({ label: label.replace(/\.[0-9a-f]{12}$/, '.000000000000') }).id,
      emulator.addInstance({ label: label.toUpperCase() }).id,
    ]
    let created = 0
    let resolve: () => void = () => {}
    const both = new Promise<void>((r) => (resolve = r))
    const train = await job.runStep(step, {
      env: { VAST_URL: emulator.url, COUNT: '2', OFFER_BASE: '31000', HANG: '1' },
      onOutput: (line) => {
        if (line.startsWith('CREATED ') && ++created === 2) resolve()
      },
      cancelAfter: { when: both },
    })
    heading(`The training step: ${train.conclusion} (the run was cancelled)`)
    console.log(indent(train.log))
    heading('Instances on the account after the cancel (some not listed yet by Vast)')
    console.log(instanceTable(emulator))
    const mine = emulator
      .liveInstances()
      .filter((i) => i.label === label)
      .map((i) => i.id)
    ok &&= train.conclusion === 'cancelled' && mine.length === 2

    const post = await job.runPost({ inputs })
    heading(`Post step: ${post.conclusion} (runs after a cancel too)`)
    console.log(indent(post.log))
    heading('Job summary')
    console.log(indent(post.summary.trimEnd().split('\n')))
    heading('Instances after the job')
    console.log(instanceTable(emulator))
    const live = new Set(emulator.liveInstances().map((i) => i.id))
    ok &&= mine.every((id) => !live.has(id)) && kept.every((id) => live.has(id))
  } finally {
    await job.cleanup()
    await emulator.close()
  }
  console.log(
    ok
      ? "\nDemo finished: the job's instances died with it; every other instance stayed."
      : '\nDemo FAILED: see above.',
  )
  return ok
}
