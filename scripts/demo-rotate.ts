// `npm run demo -- rotate`: mode: rotate, locally. Starts the Vast.ai API emulator and the GitHub
// secrets emulator (which opens every sealed box it is sent), runs the committed dist/ through
// the runner-protocol harness and shows a weekly rotation of a repository secret: the secret
// before and after (opened), the old key retired, the new one live, and the keys that share the
// rotation's key-name but are not its own (an environment secret's key, a running job's key) left
// alone. Nothing here reaches the real Vast.ai or GitHub; every key and token is throwaway.

import { fileURLToPath } from 'node:url'
import { GitHubEmulator, type ScopeRef } from '../emulator/github.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { demoParentPermissions } from './demo-parent.ts'
import { RunnerJob, type StepResult } from '../harness/runner.ts'

const actionYml = fileURLToPath(new URL('../action.yml', import.meta.url))
const bold = (text: string) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[0m` : text)
const heading = (text: string) => console.log(`\n${bold(`== ${text}`)}`)
const indent = (lines: string[]) => lines.map((line) => `   | ${line}`).join('\n')

const REPO = 'octo-org/deployer'
const TOKEN = 'ghs_demotoken0123456789'
const REPO_SECRET: ScopeRef = { repository: REPO }
const ENV_SECRET: ScopeRef = { repository: REPO, environment: 'production' }

/** A key's value, shortened: enough to tell two keys apart, not a whole secret on screen. */
const short = (value: string) => `${value.slice(0, 8)}…`

/** What a Vast key does now, asked over HTTP: 401 = dead; 200 or 403 (no user_read) = live. */
async function keyState(vast: VastEmulator, key: string): Promise<string> {
  const response = await fetch(`${vast.url}/api/v0/users/current`, {
    headers: { Authorization: `Bearer ${key}` },
  })
  await response.arrayBuffer()
  return response.status === 401 ? `HTTP 401: dead` : `HTTP ${response.status}: live`
}

/** The secret as GitHub holds it (the emulator's control route opens the sealed box). */
async function showSecret(
  vast: VastEmulator,
  github: GitHubEmulator,
  scope: ScopeRef,
  what: string,
): Promise<string> {
  const response = await fetch(`${github.url}/__emulator/secrets`)
  const secrets = (await response.json()) as {
    repo?: string
    environment?: string
    name: string
    value: string
  }[]
  const stored = secrets.find(
    (s) =>
      s.name === 'VAST_DEPLOY_KEY' &&
      `${REPO.split('/')[0]}/${s.repo}` === scope.repository &&
      s.environment === scope.environment,
  )
  if (!stored) {
    console.log(`   ${what}: (not written yet)`)
    return ''
  }
  const key = vast.findByValue(stored.value)
  console.log(
    `   ${what}: opened sealed box = ${short(stored.value)} = Vast key ${key?.id ?? '?'} ` +
      `"${key?.name ?? 'unknown'}" (${await keyState(vast, stored.value)})`,
  )
  return stored.value
}

function keyTable(vast: VastEmulator): void {
  for (const k of vast.liveKeys()) {
    console.log(`   ${String(k.id).padEnd(4)} ${k.name}`)
  }
}

function showStep(title: string, result: StepResult, job: RunnerJob): void {
  heading(`${title}: ${result.conclusion} (the log as the runner shows it)`)
  console.log(indent(result.log.length ? result.log : ['(no output)']))
  const outputs = Object.entries(result.outputs)
  if (outputs.length) {
    console.log('   outputs:')
    for (const [name, value] of outputs) console.log(`     ${name.padEnd(13)} ${job.mask(value)}`)
  }
}

/** Runs the walk-through; true when every step did what it says. */
export async function demoRotate(): Promise<boolean> {
  const vast = await VastEmulator.start({ parentPermissions: demoParentPermissions() })
  const github = await GitHubEmulator.start()
  github.addRepository(REPO, { environments: ['production'] })
  github.addToken(TOKEN, { secretsWrite: true })
  const jobs: RunnerJob[] = []
  const newJob = () => {
    const job = new RunnerJob({ actionYml, env: { GITHUB_REPOSITORY: REPO } })
    jobs.push(job)
    return job
  }
  const rotation = (extra: Record<string, string> = {}) => ({
    'admin-api-key': vast.parentKey,
    'api-url': vast.url,
    mode: 'rotate',
    'key-name': 'ci-deploy',
    permissions: 'instance-manager',
    ttl: '21d',
    'secret-name': 'VAST_DEPLOY_KEY',
    'github-token': TOKEN,
    'github-api-url': github.url,
    ...extra,
  })
  const rotate = async (extra: Record<string, string> = {}) => {
    const job = newJob()
    const main = await job.runMain({ inputs: rotation(extra) })
    await job.runPost({ inputs: rotation(extra) })
    return { main, job }
  }
  let ok = true
  try {
    console.log(bold('vast-scoped-key demo: rotating a Vast.ai key into a GitHub Actions secret'))
    console.log(
      `Vast.ai emulator: ${vast.url}; GitHub emulator: ${github.url} (it opens every sealed box, so we can look inside).`,
    )
    console.log('\nThe workflow step, run weekly:\n')
    console.log(
      [
        '   - uses: your-org/vast-scoped-key@v1',
        '     with:',
        '       admin-api-key: ${{ secrets.VAST_ADMIN_API_KEY }}',
        '       mode: rotate',
        '       key-name: ci-deploy',
        '       permissions: instance-manager',
        '       ttl: 21d',
        '       secret-name: VAST_DEPLOY_KEY',
        '       github-token: ${{ steps.app.outputs.token }}',
      ].join('\n'),
    )

    heading('Last week: the first rotations (same key-name, two secrets), and a job at work')
    const first = await rotate()
    const env = await rotate({ 'secret-scope': 'environment', environment: 'production' })
    // A create-mode job that happens to use the same key-name, still running.
    const running = newJob()
    const createInputs = {
      'admin-api-key': vast.parentKey,
      'api-url': vast.url,
      permissions: 'instance-manager',
      'key-name': 'ci-deploy',
      ttl: '2h',
    }
    const job = await running.runMain({ inputs: createInputs })
    ok &&= [first.main, env.main, job].every((r) => r.conclusion === 'success')
    console.log('   Keys on the account:')
    keyTable(vast)
    const before = await showSecret(vast, github, REPO_SECRET, 'repository secret, before')
    const envBefore = await showSecret(vast, github, ENV_SECRET, 'environment secret, before')

    const dry = await rotate({ 'dry-run': 'true' })
    showStep('This week, first a dry run (dry-run: true): what it would do', dry.main, dry.job)
    ok &&= dry.main.conclusion === 'success'

    const { main, job: rotateJob } = await rotate()
    showStep('This week: the rotation of the repository secret', main, rotateJob)
    ok &&= main.conclusion === 'success'
    heading('The job summary')
    console.log(indent(main.summary.trimEnd().split('\n')))

    heading('After the rotation')
    const after = await showSecret(vast, github, REPO_SECRET, 'repository secret, after')
    await showSecret(vast, github, ENV_SECRET, 'environment secret, after (untouched)')
    console.log(`   the old key ${short(before)}: ${await keyState(vast, before)} (retired)`)
    const jobKey = job.outputs['api-key'] ?? ''
    console.log(
      `   the running job's key (key-name ci-deploy, create mode): ${await keyState(vast, jobKey)}`,
    )
    console.log('   Keys on the account:')
    keyTable(vast)
    ok &&=
      after !== before &&
      vast.isLive(after) &&
      !vast.isLive(before) &&
      vast.isLive(envBefore) &&
      vast.isLive(jobKey)
    await running.runPost({ inputs: createInputs })
  } finally {
    for (const job of jobs) await job.cleanup()
    await github.close()
    await vast.close()
  }
  console.log(
    ok
      ? '\nDemo finished: the secret always held a live key; only its own old key was retired.'
      : '\nDemo FAILED: see above.',
  )
  return ok
}
