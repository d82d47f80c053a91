// `npm run demo -- try [--emulator-url URL] [input=value ...]`: your own inputs, or any example of
// the README and docs/ as written, locally. Runs the committed dist/ main and then post through
// the runner-protocol harness against the emulators, and shows the log as the runner shows it, the
// outputs, and the account's keys before and after. TRY_HELP (`try --help`) says it all.

import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { parsePolicy } from '../src/broker/policy.ts'
import { jsonLogger } from '../src/broker/log.ts'
import { buildBroker } from '../src/broker/wiring.ts'
import { GitHubEmulator } from '../emulator/github.ts'
import { OidcEmulator } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { demoParentPermissions } from './demo-parent.ts'
import { checkApiUrl } from '../src/core/api-url.ts'
import { formatInstanceLabel } from '../src/core/instance-label.ts'
import { formatKeyName } from '../src/core/key-name.ts'
import { didYouMean } from '../src/core/permissions-help.ts'
import { Secret } from '../src/core/secret.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { RunnerJob, type StepResult } from '../harness/runner.ts'

const actionYml = fileURLToPath(new URL('../action.yml', import.meta.url))
export const TRY_REPO = 'octo-org/gpu-trainer'
const TOKEN = 'ghs_trytoken0123456789abcdef'
/** The job's own GITHUB_TOKEN: reads workflow runs, and can never write secrets. */
const WORKFLOW_TOKEN = 'ghs_tryworkflowtoken0123456789'

/** `${{ github.token }}` or `${{ secrets.GITHUB_TOKEN }}`: the job's own token. */
export const isWorkflowToken = (value: string) =>
  /^\$\{\{\s*(github\.token|secrets\.GITHUB_TOKEN)\s*\}\}$/i.test(value.trim())

export const TRY_HELP = `usage: npm run demo -- try [--emulator-url URL] [input=value ...]

Runs the action's main and post steps (the committed dist/, as GitHub's runner runs them) with
the inputs given, and shows the log as the runner shows it, the outputs, and the keys on the
account before and after. Nothing reaches Vast.ai or GitHub.

Every example of the README and docs/ runs as written: pass each line of its with: as
input=value. What a runner or your secrets would fill in is filled in here:
  admin-api-key  \${{ secrets.VAST_ADMIN_API_KEY }} (or left out): the emulator's parent key
  api-url        left out: the Vast emulator
  github-token   \${{ ... }} (or left out in rotate and sweep mode): the GitHub emulator's token,
                 which writes repository, environment and organisation secrets; but
                 \${{ github.token }} or \${{ secrets.GITHUB_TOKEN }} is the job's own token, as on
                 GitHub: it reads workflow runs and can never write secrets
  broker-url     any https URL: a key broker started here, with its OIDC issuer, whose policy lets
                 ${TRY_REPO} (the job's repository) have any non-sensitive permission for 6h;
                 its audience is broker-audience when given
Any other \${{ ... }} must be given as the value it would have (key-id=12, say).

The GitHub emulator knows ${TRY_REPO} (environment production), octo-org/deployer and
octo-org/trainer. mode=sweep starts with keys to sweep (past their deadline, of a completed run,
of a run going on, and one the action did not make), and GPU instances labelled the same way for
instances=destroy, unless --emulator-url is given.

  --emulator-url URL   run against a Vast emulator already running (npm run emulator), so that
                       several steps share one account; its keys are what is shown. The parent
                       key comes from admin-api-key=... or the VAST_ADMIN_API_KEY variable.
  --help, -h           this text

Examples:
  npm run demo -- try permissions=instance_read ttl=1h
  npm run demo -- try 'permissions={"api":{"instance_read":{}}}' export-env=true
  npm run demo -- try broker-url=https://vast-broker.example.com permissions=instance-manager
  npm run demo -- try mode=rotate key-name=ci-deploy secret-name=VAST_DEPLOY_KEY \\
                      secret-scope=organization organization=octo-org visibility=selected \\
                      selected-repositories=deployer,trainer permissions=instance-manager
  npm run demo -- try mode=sweep                (add dry-run=true to see what it would do)
  npm run demo -- try ttl='6 hours'             (a mistake: see the message, and that nothing is sent)
A key for a later job, on one account (npm run emulator prints its URL and parent key):
  export VAST_ADMIN_API_KEY=<parent key>
  npm run demo -- try --emulator-url <URL> permissions=instance-manager revoke=never ttl=3h
  npm run demo -- try --emulator-url <URL> mode=delete key-id=<the key-id printed above>`

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

export interface TryCommand {
  help: boolean
  emulatorUrl?: string
  inputs: Record<string, string>
}

/** The flags (`--help`, `--emulator-url URL` or `=URL`) and the inputs of a `try` command line. */
export function parseTryCommand(args: readonly string[]): TryCommand {
  const rest: string[] = []
  let emulatorUrl: string | undefined
  let help = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (arg === '--help' || arg === '-h') help = true
    else if (arg === '--emulator-url') {
      emulatorUrl = args[++i]
      if (!emulatorUrl) throw new Error('--emulator-url needs a URL (npm run emulator prints it)')
    } else if (arg.startsWith('--emulator-url=')) emulatorUrl = arg.slice('--emulator-url='.length)
    else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`)
    else rest.push(arg)
  }
  if (emulatorUrl !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(emulatorUrl))
    throw new Error(
      `--emulator-url ${emulatorUrl} is not the emulator's URL (http://127.0.0.1:PORT)`,
    )
  return { help, emulatorUrl: emulatorUrl?.replace(/\/$/, ''), inputs: parseTryArgs(rest) }
}

/** The Vast account try runs against: its own emulator, or one running elsewhere. */
interface Account {
  url: string
  parentKey: string
  keys(): Promise<{ id: number; name: string }[]>
  /** Requests the emulator has answered, when try can see them (its own emulator only). */
  requests(): number | undefined
  own?: VastEmulator
  close(): Promise<void>
}

async function ownAccount(): Promise<Account> {
  const vast = await VastEmulator.start({ parentPermissions: demoParentPermissions() })
  return {
    url: vast.url,
    parentKey: vast.parentKey,
    keys: () => Promise.resolve(vast.liveKeys()),
    requests: () => vast.requests.length,
    own: vast,
    close: () => vast.close(),
  }
}

function outsideAccount(url: string, parentKey: string | undefined): Account {
  if (!parentKey)
    throw new Error(
      'with --emulator-url, give the parent key that npm run emulator printed: set VAST_ADMIN_API_KEY, or pass admin-api-key=...',
    )
  return {
    url,
    parentKey,
    keys: async () => {
      const answer = await fetch(`${url}/__emulator/keys`)
      if (!answer.ok) throw new Error(`${url}/__emulator/keys answered HTTP ${answer.status}`)
      const body = (await answer.json()) as {
        keys: { id: number; name: string; deletedAt: number | null }[]
      }
      return body.keys.filter((k) => k.deletedAt === null)
    },
    requests: () => undefined,
    close: () => Promise.resolve(),
  }
}

/** A key broker with its OIDC issuer, as `demo -- broker` runs them, for broker-url. */
async function startBroker(account: Account, audience: string | undefined) {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
    probe.on('error', reject)
  })
  const url = `http://127.0.0.1:${port}`
  const oidc = await OidcEmulator.start()
  const policy = `version: 1\nrules:\n  - name: try\n    match:\n      repository: ${TRY_REPO}\n    permissions: misc, user_read, instance_read, instance_write, machine_read, machine_write, billing_read, team_read, agents_read, agents_write\n    max-ttl: 6h\n`
  const broker = await buildBroker(
    {
      policy: parsePolicy(policy),
      audience: audience ?? url,
      adminKey: new Secret(account.parentKey),
      issuer: oidc.issuer,
      apiUrl: account.url,
      host: '127.0.0.1',
      port,
      sweepIntervalMs: 0,
      sweepGraceMs: 0,
      limits: { perMinute: 60, burst: 20 },
    },
    { log: jsonLogger(() => {}), fetch: await createFetch({}) },
  )
  const env = oidc.registerJob({
    repository: TRY_REPO,
    repository_owner: 'octo-org',
    run_id: '1234567890',
    run_attempt: '1',
    ref: 'refs/heads/main',
    event_name: 'push',
    job_workflow_ref: `${TRY_REPO}/.github/workflows/train.yml@refs/heads/main`,
  })
  return {
    url: broker.url,
    env,
    close: async () => {
      await broker.close()
      await oidc.close()
    },
  }
}

const HOUR = 3_600_000

/** What `try mode=sweep` starts with on its own emulator (see TRY_HELP). */
function seedSweep(vast: VastEmulator, github: GitHubEmulator): void {
  const managed = (label: string, runId: number, deadlineMs: number) =>
    formatKeyName({
      label,
      kind: 'job',
      expiresAt: new Date(Math.floor((Date.now() + deadlineMs) / 1000) * 1000),
      repository: TRY_REPO,
      runId: String(runId),
      runAttempt: '1',
      job: 'train',
      nonce: Math.random().toString(16).slice(2, 10),
    })
  github.setRun(TRY_REPO, 1001, [{ status: 'completed', conclusion: 'success' }])
  github.setRun(TRY_REPO, 1002, [{ status: 'completed', conclusion: 'failure' }])
  github.setRun(TRY_REPO, 1003, [{ status: 'in_progress' }])
  const add = (name: string) => vast.addKey({ name, permissions: { api: { misc: {} } } })
  add(managed('expired', 1001, -HOUR))
  add(managed('run-completed', 1002, 4 * HOUR))
  add(managed('run-going', 1003, 4 * HOUR))
  add('alice laptop')
  // and GPU instances, for instances=destroy: the same runs' labels, another repository's, a person's
  const label = (repository: string, runId: number, deadlineMs: number) =>
    formatInstanceLabel({
      repository,
      runId: String(runId),
      runAttempt: '1',
      job: 'train',
      expiresAt: new Date(Math.floor((Date.now() + deadlineMs) / 1000) * 1000),
      nonce: Math.random().toString(16).slice(2, 14).padEnd(12, '0'),
    })
  vast.addInstance({ label: label(TRY_REPO, 1001, -HOUR) })
  vast.addInstance({ label: label(TRY_REPO, 1002, 4 * HOUR) })
  vast.addInstance({ label: label(TRY_REPO, 1003, 4 * HOUR) })
  vast.addInstance({ label: label('octo-org/other', 1001, -HOUR) })
  vast.addInstance({ label: 'alice notebook' })
}

const filled = (value: string) => value.includes('${{')

export interface TryResult {
  main?: StepResult
  post?: StepResult
}

/**
 * Runs a `try` command line: main then post against the emulators, printing through `print`.
 * Resolves to the steps' results (none for --help or a bad command line: `print` says why).
 */
export async function runTry(
  args: readonly string[],
  print: (line: string) => void = console.log,
): Promise<TryResult | undefined> {
  let command: TryCommand
  try {
    command = parseTryCommand(args)
    for (const [name, value] of Object.entries(command.inputs))
      if (filled(value) && !['admin-api-key', 'github-token'].includes(name))
        throw new Error(
          `Input '${name}': ${value} is filled in by the runner; pass the value it would have (see try --help)`,
        )
  } catch (error) {
    print(
      `${(error as Error).message}\nusage: npm run demo -- try [--emulator-url URL] [input=value ...] (--help says more)`,
    )
    return undefined
  }
  if (command.help) {
    print(TRY_HELP)
    return {}
  }
  const given = command.inputs
  const givenKey = given['admin-api-key']
  let account: Account
  try {
    account = command.emulatorUrl
      ? outsideAccount(
          command.emulatorUrl,
          givenKey && !filled(givenKey) ? givenKey : process.env.VAST_ADMIN_API_KEY,
        )
      : await ownAccount()
  } catch (error) {
    print((error as Error).message)
    return undefined
  }
  const github = await GitHubEmulator.start()
  github.addRepository(TRY_REPO, { environments: ['production'] })
  github.addRepository('octo-org/deployer')
  github.addRepository('octo-org/trainer')
  github.addToken(TOKEN, { secretsWrite: true, orgSecretsWrite: true, actionsRead: true })
  github.addToken(WORKFLOW_TOKEN, { secretsWrite: false, actionsRead: true })
  // A broker-url the action would refuse (no scheme, plain http to another host) is passed as
  // given, so that try shows the action's message rather than a key from try's own broker.
  const brokerUrl = given['broker-url']
  const broker =
    brokerUrl === undefined || 'problem' in checkApiUrl(brokerUrl, '')
      ? undefined
      : await startBroker(account, given['broker-audience'])
  const job = new RunnerJob({ actionYml, env: { GITHUB_REPOSITORY: TRY_REPO, ...broker?.env } })
  try {
    const mode = given.mode ?? 'create'
    // Only the modes that read them get the GitHub inputs: others would warn they are ignored.
    const usesGitHub = mode === 'rotate' || mode === 'sweep'
    if (mode === 'sweep' && account.own) seedSweep(account.own, github)
    // A name action.yml does not declare: GitHub's runner warns and runs the step without it.
    const { known, warnings } = runnerInputWarnings(given, Object.keys(job.definition.inputs))
    const inputs: Record<string, string> = {
      ...(brokerUrl !== undefined
        ? {}
        : { 'admin-api-key': account.parentKey, 'api-url': account.url }),
      ...(usesGitHub ? { 'github-token': TOKEN, 'github-api-url': github.url } : {}),
      ...known,
    }
    if (broker) inputs['broker-url'] = broker.url
    if (filled(inputs['admin-api-key'] ?? '')) inputs['admin-api-key'] = account.parentKey
    const githubToken = inputs['github-token'] ?? ''
    if (filled(githubToken))
      inputs['github-token'] = isWorkflowToken(githubToken) ? WORKFLOW_TOKEN : TOKEN
    print(`Inputs given: ${Object.keys(given).join(', ') || '(none)'}`)
    print(`The Vast account: ${account.own ? "try's own emulator" : account.url}`)
    if (broker) print(`broker-url: the key broker started here, ${broker.url}`)
    print(`Keys on the account before: ${(await account.keys()).length}`)
    const before = account.requests()
    const main = await job.runMain({ inputs })
    show(print, 'Main step', { ...main, log: [...warnings, ...main.log] })
    const sent = account.requests()
    if (sent !== undefined) print(`\nRequests to the Vast API by main: ${sent - (before ?? 0)}`)
    const post = await job.runPost({ inputs })
    show(print, 'Post step', post)
    print('\n== Keys on the account after the job')
    for (const key of await account.keys()) print(`   ${String(key.id).padEnd(4)} ${key.name}`)
    const instances = account.own?.liveInstances() ?? []
    if (instances.length) {
      print('\n== Instances on the account after the job')
      for (const i of instances) print(`   ${String(i.id).padEnd(8)} ${i.label ?? '(no label)'}`)
    }
    return { main, post }
  } finally {
    await job.cleanup()
    await broker?.close()
    await github.close()
    await account.close()
  }
}

/**
 * The inputs given split as GitHub's runner splits them: the names action.yml declares (any case),
 * and for the others the runner's warning, `Unexpected input(s) 'x', valid inputs are ['a', ...]`
 * (it runs the step without them), plus try's own guess at the name meant.
 */
export function runnerInputWarnings(
  given: Readonly<Record<string, string>>,
  declared: readonly string[],
): { known: Record<string, string>; warnings: string[] } {
  const lower = new Set(declared.map((name) => name.toLowerCase()))
  const known: Record<string, string> = {}
  const unexpected: string[] = []
  for (const [name, value] of Object.entries(given)) {
    if (lower.has(name.toLowerCase())) known[name] = value
    else unexpected.push(name)
  }
  if (!unexpected.length) return { known, warnings: [] }
  const quoted = (names: readonly string[]) => names.map((n) => `'${n}'`).join(', ')
  const guesses = unexpected.flatMap((name) => {
    const guess = didYouMean(name, declared)
    return guess ? [`'${name}': did you mean '${guess}'?`] : []
  })
  return {
    known,
    warnings: [
      `Warning: Unexpected input(s) ${quoted(unexpected)}, valid inputs are [${quoted(declared)}]`,
      ...(guesses.length
        ? [`(try: GitHub runs the step without them; ${guesses.join(' ')})`]
        : ['(try: GitHub runs the step without them)']),
    ],
  }
}

function show(print: (line: string) => void, title: string, result: StepResult): void {
  print(`\n== ${title}: ${result.conclusion} (the log as the runner shows it)`)
  print((result.log.length ? result.log : ['(no output)']).map((l) => `   | ${l}`).join('\n'))
  const outputs = Object.entries(result.outputs)
  if (outputs.length) {
    print('   outputs:')
    // api-key is the one output that holds a secret: shown as the runner would show it.
    for (const [name, value] of outputs)
      print(`     ${name} = ${name === 'api-key' ? '***' : value}`)
  }
}

/** `npm run demo -- try ...`: resolves to whether the command ran (any outcome of the steps). */
export async function demoTry(args: readonly string[]): Promise<boolean> {
  return (await runTry(args)) !== undefined
}
