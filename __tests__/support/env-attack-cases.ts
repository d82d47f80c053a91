import fc from 'fast-check'
import { PROXIED_HOST } from '../../emulator/proxy.ts'
import { BROKER_STATE } from '../../src/action/modes/broker-client.ts'
import { NETWORK_STATE } from '../../src/core/network-fingerprint.ts'
import { STATE } from '../../src/action/modes/mint.ts'

// The generated cases of support/env-attack.ts: what another step writes to $GITHUB_ENV, before
// and after the action, in every mode and path.

/** Every STATE_ name post reads (src/action/modes/mint.ts STATE, src/action/modes/broker-client.ts BROKER_STATE). */
export const STATE_NAMES = [
  ...new Set([...Object.values(STATE), ...Object.values(BROKER_STATE), NETWORK_STATE]),
]

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
export const NPM_TEST_CASES = 12

export const isBroker = (path: AttackPath) => path === 'broker' || path === 'broker bad input'
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

export const lit = (value: string): Sym => `literal:${value}`

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
    // Node's debug output of its network modules (src/core/node-debug.ts).
    fc.record({
      name: fc.constant('NODE_DEBUG'),
      value: fc.constantFrom<Sym>(lit('http'), lit('HTTPS,fs'), lit('*'), lit('n*t,tls')),
    }),
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

/**
 * What an attacker writes together: a forged state that names a host or a key, a proxy with the
 * means to read through TLS, Node's own proxy support with a proxy.
 */
function bundle(withCa: boolean): fc.Arbitrary<EnvLine[]> {
  const proxy = fc.constantFrom(...PROXY_NAMES)
  const bundles: Array<fc.Arbitrary<EnvLine[]>> = [
    fc
      .tuple(
        fc.constantFrom<Sym>(
          'state-create:attacker-http:bystander',
          'state-create:attacker-https:random',
          'state-create:legit-api:bystander',
        ),
        fc.constantFrom<Sym>('parent-id', 'bystander-id', lit('7')),
        fc.constantFrom<Sym>(lit('create'), lit('rotated')),
      )
      .map(([create, id, mode]) => [
        { name: `STATE_${STATE.mode}`, value: mode },
        { name: `STATE_${STATE.create}`, value: create },
        { name: `STATE_${STATE.keyId}`, value: id },
      ]),
    fc
      .constantFrom<Sym>('state-broker:attacker-http:aud', 'state-broker:attacker-https:other')
      .map((broker) => [
        { name: `STATE_${BROKER_STATE.mode}`, value: lit('broker') },
        { name: `STATE_${BROKER_STATE.broker}`, value: broker },
        { name: `STATE_${BROKER_STATE.keyId}`, value: lit('5') },
      ]),
    fc.constant([
      { name: `STATE_${STATE.mode}`, value: lit('create') },
      { name: `STATE_${STATE.configFile}`, value: 'decoy-file' },
    ]),
    proxy.map((name) => [
      { name, value: 'attacker-proxy' },
      { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: lit('0') },
    ]),
    proxy.map((name) => [
      { name: 'NODE_USE_ENV_PROXY', value: lit('1') },
      { name, value: 'attacker-proxy' },
    ]),
    proxy.map((name) => [{ name, value: 'dead-proxy' }]),
  ]
  if (withCa) {
    bundles.push(
      proxy.map((name) => [
        { name, value: 'attacker-proxy' },
        { name: 'NODE_EXTRA_CA_CERTS', value: 'attacker-ca' },
      ]),
    )
  }
  return fc.oneof(...bundles)
}

function lines(withCa: boolean, max: number): fc.Arbitrary<EnvLine[]> {
  return fc
    .array(
      fc.oneof(
        {
          weight: 2,
          arbitrary: fc
            .constantFrom(...STATE_NAMES)
            .chain(stateLine)
            .map((l) => [l]),
        },
        { weight: 2, arbitrary: networkLine(withCa).map((l) => [l]) },
        { weight: 3, arbitrary: bundle(withCa) },
      ),
      { maxLength: max },
    )
    .map((groups) => groups.flat())
}

export const attackCase: fc.Arbitrary<AttackCase> = fc
  .record({
    path: fc.constantFrom(...PATHS),
    network: fc.constantFrom(...NETWORKS),
    before: lines(false, 3),
    after: lines(true, 4),
  })
  .map((c) => (isBroker(c.path) ? { ...c, network: 'loopback' as const } : c))

/** One line for a counterexample. */
export function describeCase(c: AttackCase): string {
  const show = (ls: EnvLine[]) => ls.map((l) => `${l.name}=${l.value}`).join(' ') || '-'
  return `${c.path} (${c.network}); before main: ${show(c.before)}; after main: ${show(c.after)}`
}
