// `npm run demo -- try [input=value ...]`: your own inputs, locally. Starts the Vast.ai API
// emulator (and the GitHub one, which rotate mode and a run-aware sweep need), runs the committed
// dist/ main and then post through the runner-protocol harness with the inputs given, and shows
// the log as the runner shows it, the outputs, and the account's keys before and after.
// `admin-api-key` and `api-url` default to the Vast emulator's; with mode=rotate or mode=sweep,
// `github-token` and `github-api-url` default to the GitHub emulator's. With mode=sweep the account
// starts with a few keys to sweep: one past its deadline, one of a completed run, one of a run
// still going, and one the action did not make.
//
//   npm run demo -- try permissions=instance_read ttl=1h
//   npm run demo -- try 'permissions={"api":{"instance_read":{}}}' export-env=true
//   npm run demo -- try mode=rotate key-name=nightly secret-name=VAST_KEY permissions=misc
//   npm run demo -- try mode=sweep                (add dry-run=true to see what it would do)
//   npm run demo -- try ttl='6 hours'          (a mistake: see the message, and that nothing is sent)

import { fileURLToPath } from 'node:url'
import { GitHubEmulator } from '../emulator/github.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { demoParentPermissions } from './demo-parent.ts'
import { formatKeyName } from '../src/core/key-name.ts'
import { RunnerJob, type StepResult } from '../harness/runner.ts'

const actionYml = fileURLToPath(new URL('../action.yml', import.meta.url))
const REPO = 'octo-org/gpu-trainer'
const TOKEN = 'ghs_trytoken0123456789abcdef'

/** `name=value` arguments as inputs; the first `=` splits, so values may hold `=`. */
export function parseTryArgs(args: readonly string[]): Record<string, string> {
  const inputs: Record<string, string> = {}
  for (const arg of args) {
    const at = arg.indexOf('=')
    if (at <= 0) throw new Error(`'${arg}' is not input=value`)
    inputs[arg.slice(0, at)] = arg.slice(at + 1)
  }
  return inputs
}

function show(title: string, result: StepResult): void {
  console.log(`\n== ${title}: ${result.conclusion} (the log as the runner shows it)`)
  console.log((result.log.length ? result.log : ['(no output)']).map((l) => `   | ${l}`).join('\n'))
  const outputs = Object.entries(result.outputs)
  if (outputs.length) {
    console.log('   outputs:')
    // api-key is the one output that holds a secret: shown as the runner would show it.
    for (const [name, value] of outputs)
      console.log(`     ${name} = ${name === 'api-key' ? '***' : value}`)
  }
}

const HOUR = 3_600_000

/**
 * What `try mode=sweep` starts with: a managed key past its deadline, one of a completed run and
 * one of a run still in progress (both within their deadline), and a key the action did not make.
 */
function seedSweep(vast: VastEmulator, github: GitHubEmulator): void {
  const managed = (label: string, runId: number, deadlineMs: number) =>
    formatKeyName({
      label,
      kind: 'job',
      expiresAt: new Date(Math.floor((Date.now() + deadlineMs) / 1000) * 1000),
      repository: REPO,
      runId: String(runId),
      runAttempt: '1',
      job: 'train',
      nonce: Math.random().toString(16).slice(2, 10),
    })
  github.setRun(REPO, 1001, [{ status: 'completed', conclusion: 'success' }])
  github.setRun(REPO, 1002, [{ status: 'completed', conclusion: 'failure' }])
  github.setRun(REPO, 1003, [{ status: 'in_progress' }])
  const add = (name: string) => vast.addKey({ name, permissions: { api: { misc: {} } } })
  add(managed('expired', 1001, -HOUR))
  add(managed('run-completed', 1002, 4 * HOUR))
  add(managed('run-going', 1003, 4 * HOUR))
  add('alice laptop')
}

/** Runs main then post with `args` as inputs; resolves to whether both steps ran (any outcome). */
export async function demoTry(args: readonly string[]): Promise<boolean> {
  let given: Record<string, string>
  try {
    given = parseTryArgs(args)
  } catch (error) {
    console.error(`${(error as Error).message}\nusage: npm run demo -- try [input=value ...]`)
    return false
  }
  const vast = await VastEmulator.start({ parentPermissions: demoParentPermissions() })
  const github = await GitHubEmulator.start()
  github.addRepository(REPO, { environments: ['production'] })
  github.addToken(TOKEN, { secretsWrite: true, orgSecretsWrite: true, actionsRead: true })
  const job = new RunnerJob({ actionYml, env: { GITHUB_REPOSITORY: REPO } })
  try {
    // Only the modes that read them get the GitHub inputs: others would warn they are ignored.
    const mode = given.mode ?? 'create'
    const usesGitHub = mode === 'rotate' || mode === 'sweep'
    if (mode === 'sweep') seedSweep(vast, github)
    const inputs = {
      'admin-api-key': vast.parentKey,
      'api-url': vast.url,
      ...(usesGitHub ? { 'github-token': TOKEN, 'github-api-url': github.url } : {}),
      ...given,
    }
    console.log(`Inputs given: ${Object.keys(given).join(', ') || '(none)'}`)
    console.log(`Keys on the account before: ${vast.liveKeys().length}`)
    const main = await job.runMain({ inputs })
    show('Main step', main)
    console.log(`\nRequests to the Vast API by main: ${vast.requests.length}`)
    const post = await job.runPost({ inputs })
    show('Post step', post)
    console.log('\n== Keys on the account after the job')
    for (const key of vast.liveKeys()) console.log(`   ${String(key.id).padEnd(4)} ${key.name}`)
    return true
  } finally {
    await job.cleanup()
    await vast.close()
    await github.close()
  }
}
