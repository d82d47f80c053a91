import { existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PROXIED_HOST } from '../../emulator/proxy.ts'
import { VastEmulator } from '../../emulator/vast.ts'
import { RunnerJob, type StepResult } from '../../harness/runner.ts'
import { ACTION_YML } from './action.ts'
import { AUDIENCE, jobClaims, startWorld, type BrokerWorld } from './broker.ts'
import { isBroker, type AttackCase, type EnvLine, type Sym } from './env-attack-cases.ts'
import type { AttackWorld } from './env-attack-world.ts'

export * from './env-attack-cases.ts'
export { startAttackWorld, type AttackWorld } from './env-attack-world.ts'

/**
 * What another step of the job can write (issue 18): `$GITHUB_ENV` lines before and after the
 * action, run through dist/ with the runner's order (post's environment = the job's env + every
 * GITHUB_ENV line, then STATE_* only for the names main saved; INPUT_*, GITHUB_* and the OIDC
 * request pair set by the runner last: harness/runner.ts). The attacker's servers are loopback
 * servers the test runs (support/env-attack-world.ts): a fake Vast / broker / token service that
 * records every request, and a proxy that answers CONNECT with its own TLS front (its own
 * certificate): a MITM.
 *
 * Invariants, checked after main and post of each case:
 * - the parent key and the job's OIDC tokens (request token and every ID token) reach none of
 *   the attacker's servers, in any header, URL or body;
 * - post deletes only keys main created: never the parent key, never another key;
 * - every key main created that is still live after post is named (id or name) in a warning or
 *   error;
 * - post removes no file main did not write (a decoy the attacker names in STATE_config-file).
 *
 * Lines written before main never carry the attacker's CA: a CA a step adds before the action
 * runs is indistinguishable from a company's proxy CA, and nothing the action can do tells them
 * apart (docs/security.md says so, and recommends the broker). Shared by `npm test`
 * (__tests__/env-attack.test.ts) and `npm run test:faults` (more cases, each printed).
 */

/** This case's own servers: a fresh Vast emulator (and broker): a deleted parent stays dead here. */
interface CaseWorld {
  vast: VastEmulator
  broker?: BrokerWorld
  bystander: number
  apiUrl: string
}

function resolveSym(w: AttackWorld, k: CaseWorld, value: Sym): string {
  const apiUrl = k.apiUrl
  if (value.startsWith('literal:')) return value.slice('literal:'.length)
  const where = (kind: string) =>
    kind === 'attacker-http'
      ? w.attackerUrl
      : kind === 'attacker-https'
        ? w.attackerTls.url
        : apiUrl
  if (value.startsWith('state-create:')) {
    const [, url = '', name = ''] = value.split(':')
    return JSON.stringify({
      apiUrl: where(url),
      name: name === 'bystander' ? 'other-team-deploy' : 'gha-x',
      revoke: 'post',
      cleanupFailure: 'warn',
      requestTimeoutMs: 1000,
      maxAttempts: 1,
    })
  }
  if (value.startsWith('state-broker:')) {
    const [, url = '', audience = ''] = value.split(':')
    return JSON.stringify({
      url: where(url),
      audience: audience === 'aud' ? AUDIENCE : 'https://attacker.example',
      cleanupFailure: 'warn',
      requestTimeoutMs: 1000,
    })
  }
  switch (value) {
    case 'attacker-http':
      return w.attackerUrl
    case 'attacker-https':
      return w.attackerTls.url
    case 'legit-api':
      return apiUrl
    case 'attacker-proxy':
      return w.attackerProxyUrl
    case 'dead-proxy':
      return w.deadProxyUrl
    case 'attacker-ca':
      return w.attackerTls.caFile
    case 'attacker-ca-dir':
      return join(w.dir, 'ca')
    case 'attacker-dir':
      return w.dir
    case 'parent-id':
      return String(k.vast.parentKeyId)
    case 'bystander-id':
      return String(k.bystander)
    case 'now':
      return String(Date.now())
    case 'decoy-file': {
      const stat = statSync(w.decoy, { bigint: true })
      return JSON.stringify({
        path: w.decoy,
        dev: String(stat.dev),
        ino: String(stat.ino),
        born: String(stat.birthtimeNs || stat.ctimeNs),
      })
    }
  }
  throw new Error(`unknown value ${String(value)}`)
}

/** GITHUB_ENV text for these lines (the heredoc form: a JSON value may hold anything). */
function envText(w: AttackWorld, k: CaseWorld, ls: EnvLine[]): string {
  return ls.map((l) => `${l.name}<<ATTACK_EOF\n${resolveSym(w, k, l.value)}\nATTACK_EOF\n`).join('')
}

function liveIds(vast: VastEmulator): Set<number> {
  return new Set(vast.liveKeys().map((k) => k.id))
}

function allIds(vast: VastEmulator): Set<number> {
  return new Set(vast.keys().map((k) => k.id))
}

export interface AttackResult {
  problems: string[]
  main: StepResult
  post: StepResult
}

const TOKEN = `ghs_${'A1b2C3d4E5'.repeat(4)}`

/** Runs one case through dist/ and returns every invariant it broke (none, we hope). */
export async function runAttack(w: AttackWorld, c: AttackCase): Promise<AttackResult> {
  const broker = isBroker(c.path)
  const own = await VastEmulator.start()
  const brokerWorld = broker ? await startWorld() : undefined
  try {
    return await attack(w, c, own, brokerWorld)
  } finally {
    await brokerWorld?.close()
    await own.close()
  }
}

async function attack(
  w: AttackWorld,
  c: AttackCase,
  own: VastEmulator,
  brokerWorld: BrokerWorld | undefined,
): Promise<AttackResult> {
  const broker = brokerWorld !== undefined
  const vast = brokerWorld?.vast ?? own
  w.forwardTo(Number(new URL(own.url).port))
  const tlsPort = new URL(w.legitTls.url).port
  const apiUrl =
    c.network === 'loopback'
      ? own.url
      : c.network === 'tls'
        ? w.legitTls.url
        : `https://${PROXIED_HOST}:${tlsPort}`
  const bystander = vast.addKey({ name: 'other-team-deploy', permissions: { api: { misc: {} } } })
  const k: CaseWorld = {
    vast,
    bystander: bystander.id,
    apiUrl,
    ...(brokerWorld ? { broker: brokerWorld } : {}),
  }
  const oidcEnv = brokerWorld?.oidc.registerJob(jobClaims())
  const jobEnv: Record<string, string> = {
    ...(c.network === 'loopback' ? {} : { NODE_EXTRA_CA_CERTS: w.legitTls.caFile }),
    ...(c.network === 'proxied' ? { HTTPS_PROXY: w.legitProxy.url } : {}),
    ...oidcEnv,
  }
  const parentKey = vast.parentKey
  const job = new RunnerJob({
    actionYml: ACTION_YML,
    env: jobEnv,
    secrets: broker ? [] : [parentKey],
  })
  const common = { 'max-attempts': '1', 'request-timeout': '2s' }
  const vastInputs = { 'admin-api-key': parentKey, 'api-url': apiUrl, ...common }
  let inputs: Record<string, string>
  switch (c.path) {
    case 'create':
    case 'create refused':
      inputs = { ...vastInputs, permissions: 'instance_read' }
      break
    case 'create failed':
      inputs = { ...vastInputs, permissions: 'instance_read', 'request-timeout': '1s' }
      break
    case 'dry-run':
      inputs = { ...vastInputs, permissions: 'instance_read', 'dry-run': 'true' }
      break
    case 'delete': {
      const target = vast.addKey({ name: `delete-me-${Date.now()}` })
      inputs = { ...vastInputs, mode: 'delete', 'key-id': String(target.id), force: 'true' }
      break
    }
    case 'sweep':
      inputs = { ...vastInputs, mode: 'sweep' }
      break
    case 'rotate fails early':
      inputs = {
        ...vastInputs,
        mode: 'rotate',
        permissions: 'instance_read',
        'github-token': TOKEN,
        'github-api-url': w.deadGitHubUrl,
        'secret-name': 'VAST_KEY',
      }
      break
    case 'broker':
    case 'broker bad input':
      inputs = {
        'broker-url': brokerWorld?.url ?? '',
        'broker-audience': AUDIENCE,
        permissions: 'instance-manager',
        ttl: c.path === 'broker' ? '1h' : 'soon',
        ...common,
      }
      break
    case 'bad input':
      inputs = { ...vastInputs, permissions: 'instance_read', ttl: 'soon' }
      break
  }
  vast.clearFaults()
  if (c.path === 'create refused') {
    vast.inject('create', { type: 'status', status: 400, body: { msg: 'refused' } })
  }
  if (c.path === 'create failed') vast.inject('create', { type: 'status', status: 503 })
  const recordsBefore = w.records.length
  const problems: string[] = []
  try {
    const beforeAll = allIds(vast)
    if (c.before.length > 0) await job.appendEnv(envText(w, k, c.before))
    const main = await job.runMain({ inputs })
    vast.clearFaults()
    const afterMainLive = liveIds(vast)
    const afterMainAll = allIds(vast)
    // Keys main made (the delete target was added before `beforeAll` was read).
    const created = [...afterMainAll].filter((id) => !beforeAll.has(id))
    if (c.after.length > 0) await job.appendEnv(envText(w, k, c.after))
    const post = await job.runPost({ inputs })
    const afterPost = liveIds(vast)

    // 1. No secret reaches the attacker.
    const secrets: Array<[string, string]> = [['the parent key', parentKey]]
    if (oidcEnv) secrets.push(['the OIDC request token', oidcEnv.ACTIONS_ID_TOKEN_REQUEST_TOKEN])
    for (const token of brokerWorld?.oidc.issued ?? []) {
      secrets.push(['an OIDC token', token])
    }
    for (const record of w.records.slice(recordsBefore)) {
      for (const [what, secret] of secrets) {
        if (secret && record.text.includes(secret)) {
          problems.push(`${what} reached the ${record.server}: ${record.text.split('\n')[0]}`)
        }
      }
    }
    // 1b. Node printed none of its debug output (request headers, a proxy's raw answers).
    for (const [step, result] of [
      ['main', main],
      ['post', post],
    ] as const) {
      const line = /^(?:HTTPS?|NET|TLS|HTTP2) \d+: .*/m.exec(result.rawStdout + result.rawStderr)
      if (line) problems.push(`${step} printed Node's debug output: ${line[0].slice(0, 80)}`)
    }
    // 2. Post deletes only what main created.
    for (const id of afterMainLive) {
      if (afterPost.has(id) || created.includes(id)) continue
      const who =
        id === vast.parentKeyId
          ? 'the parent key'
          : id === bystander.id
            ? 'a key of another team'
            : 'a key main did not create'
      problems.push(`post deleted ${who} (${id})`)
    }
    if (!afterPost.has(vast.parentKeyId)) problems.push('the parent key is gone')
    // 3. Every key left behind is named in a warning.
    const said = [...main.annotations, ...post.annotations]
      .filter((a) => a.level !== 'notice')
      .map((a) => a.message)
      .join('\n')
    for (const id of created) {
      const name = vast.keys().find((key) => key.id === id)?.name ?? String(id)
      if (afterPost.has(id) && !new RegExp(`\\b${id}\\b`).test(said) && !said.includes(name)) {
        problems.push(`key ${id} outlived post and no warning names it (by id or name)`)
      }
    }
    // 4. Post removes no file main did not write.
    if (!existsSync(w.decoy)) {
      problems.push('post removed a file main did not write (STATE_config-file)')
      writeFileSync(w.decoy, 'not the action’s file\n')
    }
    return { problems, main, post }
  } finally {
    await job.cleanup()
  }
}
