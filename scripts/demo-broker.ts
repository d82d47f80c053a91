// `npm run demo -- broker`: keyless CI, locally. Starts the Vast.ai API emulator, a GitHub OIDC
// issuer emulator (the runner's token service and the issuer's JWKS) and the key broker, which
// alone holds the parent key. Then it runs the committed dist/ through the runner-protocol harness
// as a job that has no Vast secret at all, only `permissions: id-token: write`: the job gets a
// scoped key from the broker, uses it, and loses it in the post step. Two refusals follow: a
// repository the policy does not name, and a job without id-token: write. Nothing here reaches
// the real Vast.ai or GitHub; every key and token is throwaway.

import { fileURLToPath } from 'node:url'
import { parsePolicy } from '../src/broker/policy.ts'
import { jsonLogger } from '../src/broker/log.ts'
import { buildBroker } from '../src/broker/wiring.ts'
import { OidcEmulator, type JobClaims } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { demoParentPermissions } from './demo-parent.ts'
import { RunnerJob, type StepResult } from '../harness/runner.ts'
import { Secret } from '../src/core/secret.ts'
import { createFetch } from '../src/core/vast/transport.ts'

const actionYml = fileURLToPath(new URL('../action.yml', import.meta.url))
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const heading = (text: string) => console.log(`\n${bold(`== ${text}`)}`)
const indent = (lines: string[]) => lines.map((line) => `   | ${line}`).join('\n')

const AUDIENCE = 'https://vast-broker.demo'
const POLICY = `version: 1
rules:
  - name: gpu-trainer-main
    match:
      repository: octo-org/gpu-trainer
      ref: refs/heads/main
    permissions: instance-manager
    max-ttl: 2h
`

const claims = (repository: string): JobClaims => ({
  repository,
  repository_owner: repository.split('/')[0],
  run_id: '1234567890',
  run_attempt: '1',
  ref: 'refs/heads/main',
  event_name: 'push',
  job_workflow_ref: `${repository}/.github/workflows/train.yml@refs/heads/main`,
})

function keyTable(vast: VastEmulator): string {
  return vast
    .liveKeys()
    .map(
      (k) =>
        `   ${String(k.id).padEnd(4)} ${k.name}\n        rights: ${Object.keys(k.permissions.api).join(',') || '-'}`,
    )
    .join('\n')
}

function showStep(title: string, result: StepResult, job: RunnerJob): void {
  heading(`${title}: ${result.conclusion} (the log as the runner shows it)`)
  console.log(indent(result.log.length ? result.log : ['(no output)']))
  for (const a of result.annotations) console.log(`   ${a.level}: ${job.mask(a.message)}`)
}

/** Shows and returns the broker's log lines written since `from`. */
function showLog(lines: string[], from: number): void {
  heading("The broker's log (JSON lines: never a key or a token)")
  console.log(indent(lines.slice(from)))
}

async function keyStatus(vast: VastEmulator, key: string): Promise<number> {
  const response = await fetch(`${vast.url}/api/v0/users/current`, {
    headers: { Authorization: `Bearer ${key}` },
  })
  await response.arrayBuffer()
  return response.status
}

export async function demoBroker(): Promise<boolean> {
  const vast = await VastEmulator.start({ parentPermissions: demoParentPermissions() })
  const oidc = await OidcEmulator.start()
  const lines: string[] = []
  const broker = await buildBroker(
    {
      policy: parsePolicy(POLICY),
      audience: AUDIENCE,
      adminKey: new Secret(vast.parentKey),
      issuer: oidc.issuer,
      apiUrl: vast.url,
      host: '127.0.0.1',
      port: 0,
      sweepIntervalMs: 0,
      sweepGraceMs: 0,
      limits: { perMinute: 30, burst: 10 },
    },
    { log: jsonLogger((line) => lines.push(line)), fetch: await createFetch({}) },
  )
  const jobs: RunnerJob[] = []
  let ok = true
  try {
    console.log(bold('vast-scoped-key demo: keyless CI through the key broker'))
    console.log(
      [
        `The broker (${broker.url}) holds the parent key of the Vast emulator (${vast.url}).`,
        `The OIDC issuer emulator (${oidc.issuer}) plays GitHub's token service. The job below has`,
        'no Vast secret at all: no admin-api-key, nothing in secrets.',
      ].join('\n'),
    )
    heading("The broker's trust policy")
    console.log(indent(POLICY.trimEnd().split('\n')))
    heading('Keys on the account before the job')
    console.log(keyTable(vast))

    console.log('\nThe workflow:\n')
    console.log(
      [
        '   permissions:',
        '     id-token: write',
        '   steps:',
        '     - uses: your-org/vast-scoped-key@v1',
        '       id: vast',
        '       with:',
        `         broker-url: ${broker.url}`,
        `         broker-audience: ${AUDIENCE}`,
        '         permissions: instance-manager',
        '         ttl: 1h',
        '         export-env: true',
      ].join('\n'),
    )
    const inputs = {
      'broker-url': broker.url,
      'broker-audience': AUDIENCE,
      permissions: 'instance-manager',
      ttl: '1h',
      'export-env': 'true',
    }
    const job = new RunnerJob({ actionYml, env: oidc.registerJob(claims('octo-org/gpu-trainer')) })
    jobs.push(job)
    let logFrom = lines.length
    const main = await job.runMain({ inputs })
    showStep('Main step', main, job)
    ok &&= main.conclusion === 'success'
    showLog(lines, logFrom)
    const key = main.outputs['api-key'] ?? ''
    const token = oidc.issued[0] ?? ''
    console.log(
      `\n   The OIDC token and the key were masked first (::add-mask:: ${main.masks.includes(token) ? 'token' : 'NO TOKEN'}, ${main.masks.includes(key) ? 'key' : 'NO KEY'}); the step's state holds neither.`,
    )
    const state = Object.values(main.state).join('\n')
    ok &&=
      main.masks.includes(token) &&
      main.masks.includes(key) &&
      !state.includes(key) &&
      !state.includes(token)

    heading('Keys during the job')
    console.log(keyTable(vast))
    const step = await job.runStep(fileURLToPath(new URL('./demo-step.mjs', import.meta.url)), {
      env: { DEMO_API_URL: vast.url },
    })
    showStep('A later step (run: with $VAST_API_KEY)', step, job)
    ok &&= step.log.some((line) => line.endsWith('HTTP 403'))

    logFrom = lines.length
    const post = await job.runPost({ inputs })
    showStep("Post step (a fresh OIDC token; the broker deletes only this run's key)", post, job)
    ok &&= post.conclusion === 'success'
    showLog(lines, logFrom)
    heading('Keys after the job')
    console.log(keyTable(vast))
    const after = await keyStatus(vast, key)
    console.log(`\nThe job's key now: HTTP ${after} (deleted)`)
    ok &&= after === 401

    heading('A repository the policy does not name asks too')
    const stranger = new RunnerJob({
      actionYml,
      env: { ...oidc.registerJob(claims('evil-org/fork')), GITHUB_REPOSITORY: 'evil-org/fork' },
    })
    jobs.push(stranger)
    const creates = vast.requestsFor('create').length
    const refused = await stranger.runMain({ inputs })
    console.log(indent(refused.annotations.map((a) => `${a.level}: ${stranger.mask(a.message)}`)))
    ok &&= refused.conclusion === 'failure' && vast.requestsFor('create').length === creates

    heading('A job without permissions: id-token: write')
    const noToken = new RunnerJob({ actionYml })
    jobs.push(noToken)
    const denied = await noToken.runMain({ inputs })
    console.log(indent(denied.annotations.map((a) => `${a.level}: ${a.message}`)))
    ok &&=
      denied.conclusion === 'failure' &&
      /id-token: write/.test(denied.annotations[0]?.message ?? '')

    const everything = lines.join('\n')
    ok &&=
      vast.keys().every((k) => !everything.includes(k.key)) &&
      oidc.issued.every((t) => !everything.includes(t))
  } finally {
    for (const job of jobs) await job.cleanup()
    await broker.close()
    await oidc.close()
    await vast.close()
  }
  console.log(
    ok
      ? '\nDemo finished: the job held no Vast secret, got a scoped key from the broker, and lost it in post.'
      : '\nDemo FAILED: see above.',
  )
  return ok
}
