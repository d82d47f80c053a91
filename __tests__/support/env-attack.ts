import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect, createServer as createNetServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { LoopbackProxy, PROXIED_HOST } from '../../emulator/proxy.ts'
import { TlsFront } from '../../emulator/tls.ts'
import { VastEmulator } from '../../emulator/vast.ts'
import { RunnerJob, type StepResult } from '../../harness/runner.ts'
import { BROKER_STATE } from '../../src/modes/broker.ts'
import { STATE } from '../../src/modes/mint.ts'
import { ACTION_YML } from './action.ts'
import { AUDIENCE, jobClaims, startWorld, type BrokerWorld } from './broker.ts'

/**
 * What another step of the job can write (issue 18): `$GITHUB_ENV` lines before and after the
 * action, run through dist/ with the runner's order (post's environment = the job's env + every
 * GITHUB_ENV line, then STATE_* only for the names main saved; INPUT_*, GITHUB_* and the OIDC
 * request pair set by the runner last: harness/runner.ts). The attacker's servers are loopback
 * servers this file runs: a fake Vast / broker / token service that records every request, and a
 * proxy that answers CONNECT with its own TLS front (its own certificate, `attackerCa`): a MITM.
 *
 * Invariants, checked after main and post of each case:
 * - the parent key and the job's OIDC tokens (request token and every ID token) reach none of
 *   the attacker's servers, in any header, URL or body;
 * - post deletes only keys main created: never the parent key, never another key;
 * - every key main created that is still live after post is named (its id) in a warning or error;
 * - post removes no file main did not write (a decoy the attacker names in STATE_config-file).
 *
 * Lines written before main never carry the attacker's CA: a CA a step adds before the action
 * runs is indistinguishable from a company's proxy CA, and nothing the action can do tells them
 * apart (docs/security.md says so, and recommends the broker). Shared by `npm test`
 * (__tests__/env-attack.test.ts) and `npm run test:faults` (more cases, each printed).
 */

/** Every STATE_ name post reads (src/modes/mint.ts STATE, src/modes/broker.ts BROKER_STATE). */
export const STATE_NAMES = [...new Set([...Object.values(STATE), ...Object.values(BROKER_STATE)])]

export const PATHS = [
  'create',
  'create refused',
  'create failed',
  'dry-run',
  'delete',
  'sweep',
  'rotate fails early',
  'broker',
  'broker bad input',
  'bad input',
] as const

/** Generated cases in `npm test` (a fixed seed); `npm run test:faults` runs more. */
export const NPM_TEST_CASES = 14

const isBroker = (path: AttackPath) => path === 'broker' || path === 'broker bad input'
export type AttackPath = (typeof PATHS)[number]

/** How the job reaches Vast: loopback http, https direct, https through the job's own proxy. */
export const NETWORKS = ['loopback', 'tls', 'proxied'] as const
export type Network = (typeof NETWORKS)[number]

/** A value the attacker writes, resolved against the world when the case runs. */
export type Sym =
  | 'attacker-http'
  | 'attacker-https'
  | 'legit-api'
  | 'attacker-proxy'
  | 'dead-proxy'
  | 'attacker-ca'
  | 'attacker-ca-dir'
  | 'attacker-dir'
  | 'parent-id'
  | 'bystander-id'
  | 'now'
  | 'decoy-file'
  | `state-create:${'attacker-http' | 'attacker-https' | 'legit-api'}:${'bystander' | 'random'}`
  | `state-broker:${'attacker-http' | 'attacker-https'}:${'aud' | 'other'}`
  | `literal:${string}`

export interface EnvLine {
  name: string
  value: Sym
}

export interface AttackCase {
  path: AttackPath
  network: Network
  /** Appended to GITHUB_ENV by a step before main. */
  before: EnvLine[]
  /** Appended to GITHUB_ENV by a step between main and post. */
  after: EnvLine[]
}

const lit = (value: string): Sym => `literal:${value}`

function stateLine(name: string): fc.Arbitrary<EnvLine> {
  const values: Record<string, Sym[]> = {
    [STATE.mode]: [lit('create'), lit('rotated'), lit('broker')],
    [STATE.create]: [
      'state-create:attacker-http:bystander',
      'state-create:attacker-https:random',
      'state-create:legit-api:bystander',
      'state-create:legit-api:random',
    ],
    [STATE.keyId]: ['parent-id', 'bystander-id', lit('0'), lit('-1'), lit('abc')],
    [STATE.pending]: [lit('true'), lit('false')],
    [STATE.sentAt]: ['now', lit('0')],
    [STATE.uncertainAt]: ['now'],
    [STATE.configFile]: ['decoy-file'],
    [BROKER_STATE.broker]: [
      'state-broker:attacker-http:aud',
      'state-broker:attacker-https:other',
      'state-broker:attacker-http:other',
    ],
  }
  const options = values[name] ?? [lit('x')]
  return fc.constantFrom(...options).map((value) => ({ name: `STATE_${name}`, value }))
}

const PROXY_NAMES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']

/** Lines that steer the network or the files; `withCa`: the attacker's CA may be among them. */
function networkLine(withCa: boolean): fc.Arbitrary<EnvLine> {
  const lines: Array<fc.Arbitrary<EnvLine>> = [
    fc.record({
      name: fc.constantFrom(...PROXY_NAMES),
      value: fc.constantFrom<Sym>('attacker-proxy', 'dead-proxy'),
    }),
    fc.record({
      name: fc.constantFrom('NO_PROXY', 'no_proxy'),
      value: fc.constantFrom<Sym>(lit(''), lit('*'), lit(PROXIED_HOST), lit('127.0.0.1')),
    }),
    fc.constant<EnvLine>({ name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: lit('0') }),
    fc.constant<EnvLine>({ name: 'NODE_USE_ENV_PROXY', value: lit('1') }),
    fc.constant<EnvLine>({ name: 'NODE_USE_SYSTEM_CA', value: lit('1') }),
    fc.constant<EnvLine>({ name: 'NODE_EXTRA_CA_CERTS', value: lit('/nonexistent/ca.pem') }),
    fc.record({
      name: fc.constantFrom('XDG_CONFIG_HOME', 'HOME', 'NODE_PATH'),
      value: fc.constantFrom<Sym>('attacker-dir', lit('/proc/self')),
    }),
    fc.constant<EnvLine>({ name: 'NODE_OPTIONS', value: lit('--require=/nonexistent/x.js') }),
    fc.constant<EnvLine>({ name: 'NODE_PENDING_DEPRECATION', value: lit('1') }),
    // Set by the runner after the env context: a line naming them changes nothing.
    fc.record({
      name: fc.constantFrom('INPUT_API-URL', 'INPUT_BROKER-URL', 'GITHUB_API_URL'),
      value: fc.constant<Sym>('attacker-http'),
    }),
    fc.constant<EnvLine>({ name: 'INPUT_KEY-ID', value: 'parent-id' }),
    fc.constant<EnvLine>({ name: 'INPUT_MODE', value: lit('delete') }),
    fc.constant<EnvLine>({ name: 'ACTIONS_ID_TOKEN_REQUEST_URL', value: 'attacker-http' }),
  ]
  if (withCa) {
    lines.push(
      fc.record({
        name: fc.constantFrom('NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'),
        value: fc.constant<Sym>('attacker-ca'),
      }),
      fc.constant<EnvLine>({ name: 'SSL_CERT_DIR', value: 'attacker-ca-dir' }),
    )
  }
  return fc.oneof(...lines)
}

function lines(withCa: boolean, max: number): fc.Arbitrary<EnvLine[]> {
  return fc.array(
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(...STATE_NAMES).chain(stateLine) },
      { weight: 2, arbitrary: networkLine(withCa) },
    ),
    { maxLength: max },
  )
}

export const attackCase: fc.Arbitrary<AttackCase> = fc
  .record({
    path: fc.constantFrom(...PATHS),
    network: fc.constantFrom(...NETWORKS),
    before: lines(false, 4),
    after: lines(true, 6),
  })
  .map((c) => (isBroker(c.path) ? { ...c, network: 'loopback' as const } : c))

/** One line for a counterexample. */
export function describeCase(c: AttackCase): string {
  const show = (ls: EnvLine[]) => ls.map((l) => `${l.name}=${l.value}`).join(' ') || '-'
  return `${c.path} (${c.network}); before main: ${show(c.before)}; after main: ${show(c.after)}`
}

// ---------------------------------------------------------------------------------------------
// The world: the job's own servers, and the attacker's.

interface Recorded {
  server: string
  text: string
}

/** The attacker's fake Vast / broker / token service: records everything, answers "yes". */
function recorderHandler(records: Recorded[], server: string) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      records.push({
        server,
        text: `${req.method ?? ''} ${req.url ?? ''}\n${JSON.stringify(req.headers)}\n${Buffer.concat(chunks).toString('utf8')}`,
      })
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(
        JSON.stringify({ success: true, value: 'attacker-token', apikeys: [], result: 'deleted' }),
      )
    })
  }
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
}

export interface AttackWorld {
  legitTls: TlsFront
  /** Points the legit TLS front at this case's Vast emulator. */
  forwardTo(port: number): void
  legitProxy: LoopbackProxy
  /** Plain http on loopback: the attacker's fake Vast, broker and token service. */
  attackerUrl: string
  /** The same, behind TLS with the attacker's certificate (trusted only with `attackerCa`). */
  attackerTls: TlsFront
  /** The attacker's proxy: records plain requests, and MITMs every CONNECT. */
  attackerProxyUrl: string
  deadProxyUrl: string
  /** Answers 401 to everything: the GitHub API of a rotation that fails before any key. */
  deadGitHubUrl: string
  dir: string
  decoy: string
  records: Recorded[]
  close(): Promise<void>
}

export async function startAttackWorld(): Promise<AttackWorld> {
  const records: Recorded[] = []
  // The legit https front forwards to whichever emulator the case runs (each case has its own).
  let target = 0
  const forwarder = createNetServer((socket) => {
    const upstream = connect(target, '127.0.0.1')
    socket.pipe(upstream).pipe(socket)
    for (const s of [socket, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        socket.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => forwarder.listen(0, '127.0.0.1', resolve))
  const sockets = new Set<Socket>()
  const legitTls = await TlsFront.start(
    `http://127.0.0.1:${(forwarder.address() as AddressInfo).port}`,
  )
  const legitProxy = await LoopbackProxy.start()
  const attacker = createServer(recorderHandler(records, 'attacker'))
  const attackerUrl = await listen(attacker)
  const attackerTls = await TlsFront.start(attackerUrl)
  const tlsPort = Number(new URL(attackerTls.url).port)
  const proxy = createServer(recorderHandler(records, 'attacker proxy'))
  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    records.push({ server: 'attacker proxy', text: `CONNECT ${req.url ?? ''}` })
    const upstream = connect(tlsPort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    for (const s of [socket, upstream]) {
      sockets.add(s)
      s.on('close', () => sockets.delete(s))
      s.on('error', () => {
        socket.destroy()
        upstream.destroy()
      })
    }
  })
  const attackerProxyUrl = await listen(proxy)
  // A port that refuses: listen, note it, close.
  const dead = createServer()
  const deadProxyUrl = await listen(dead)
  await close(dead)
  const github = createServer((_req, res) => {
    res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Bad credentials"}')
  })
  const deadGitHubUrl = await listen(github)
  const dir = mkdtempSync(join(tmpdir(), 'vsk-attack-'))
  mkdirSync(join(dir, 'ca'))
  writeFileSync(join(dir, 'ca', 'attacker.pem'), '')
  const decoy = join(dir, 'decoy-file')
  writeFileSync(decoy, 'not the action’s file\n')
  return {
    legitTls,
    forwardTo: (port) => {
      target = port
    },
    legitProxy,
    attackerUrl,
    attackerTls,
    attackerProxyUrl,
    deadProxyUrl,
    deadGitHubUrl,
    dir,
    decoy,
    records,
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await close(proxy)
      await close(attacker)
      await close(github)
      await attackerTls.close()
      await legitTls.close()
      await legitProxy.close()
      await new Promise<void>((resolve) => forwarder.close(() => resolve()))
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** This case's own servers: a fresh Vast emulator (and broker), so a deleted parent stays dead only here. */
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
      if (afterPost.has(id) && !new RegExp(`\\b${id}\\b`).test(said)) {
        problems.push(`key ${id} outlived post and no warning names it`)
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
