import { createHash, createHmac, scryptSync } from 'node:crypto'
import { readFileSync } from 'node:fs'

/**
 * The network a step sees: a fingerprint of every setting that steers where its bytes go or which
 * certificates it trusts. Main saves it (state {@link NETWORK_STATE}, first thing, in every mode);
 * post computes it again and sends no secret (parent key, OIDC request token) when it differs or
 * is missing: a later step of the job can append any of these variables to `$GITHUB_ENV`, and the
 * runner hands them to post (actions/runner `FileCommandManager.cs` refuses only NODE_OPTIONS).
 *
 * Counted (each by name, set or not, and a digest of its value; never the value itself, as a proxy
 * URL can hold credentials):
 * - proxies: `https_proxy`, `HTTPS_PROXY`, `http_proxy`, `HTTP_PROXY`, `no_proxy`, `NO_PROXY`
 *   (src/core/proxy-env.ts; `ALL_PROXY` is not honoured, so not counted), `NODE_USE_ENV_PROXY`,
 *   and `GLOBAL_AGENT_*` (the global-agent package's variables);
 * - trust: `NODE_EXTRA_CA_CERTS` and `SSL_CERT_FILE` (the path and the file's content), the
 *   system's CA certificates themselves when Node uses them ({@link systemCas}),
 *   `SSL_CERT_DIR`, `NODE_USE_SYSTEM_CA`, `NODE_TLS_REJECT_UNAUTHORIZED` (the action verifies
 *   certificates whatever it says; a change is still a sign of a step at work), `OPENSSL_CONF`,
 *   `OPENSSL_MODULES`;
 * - name resolution: `HOSTALIASES`, `LOCALDOMAIN`, `RES_OPTIONS` (glibc's resolver reads them);
 * - `NODE_OPTIONS` (its flags: `--use-openssl-ca`, `--require`, ...; `$GITHUB_ENV` cannot set
 *   it, a job's `env:` can, for both steps alike).
 * A value that holds URL credentials (`//user:secret@`) is digested with scrypt, so that the
 * state, which the runner logs with debug on, gives no fast way to guess a proxy password.
 */

/** The state name main saves the fingerprint under. */
export const NETWORK_STATE = 'network'

const NAMES = [
  'https_proxy',
  'HTTPS_PROXY',
  'http_proxy',
  'HTTP_PROXY',
  'no_proxy',
  'NO_PROXY',
  'NODE_USE_ENV_PROXY',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_USE_SYSTEM_CA',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'OPENSSL_CONF',
  'OPENSSL_MODULES',
  'HOSTALIASES',
  'LOCALDOMAIN',
  'RES_OPTIONS',
  'NODE_OPTIONS',
]
const PREFIXES = ['GLOBAL_AGENT_']
/** Variables naming a file whose content is counted too. */
const FILES = new Set(['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE'])
/** A CA bundle is far smaller; past this, a digest of the first bytes and the size. */
const MAX_FILE_BYTES = 16 * 1024 * 1024

function digest(name: string, value: string): string {
  const material = `${name}\0${value}`
  if (/\/\/[^/@\s]*:[^/@\s]*@/.test(value)) {
    return scryptSync(material, 'vast-scoped-key network', 12, { N: 1 << 14 }).toString('hex')
  }
  return createHash('sha256').update(material).digest('hex').slice(0, 24)
}

/**
 * The bytes of each counted file, read once per environment object (in a step: `process.env`):
 * the fingerprint digests them and the transport trusts exactly them ({@link extraCaBytes}).
 * Node reads NODE_EXTRA_CA_CERTS lazily, when TLS is first used; reading the path twice would
 * let a process another step started serve one content to the check and another to the
 * connection (a FIFO or a rewrite at the same path).
 */
const reads = new WeakMap<NodeJS.ProcessEnv, Map<string, Buffer | NodeJS.ErrnoException>>()

function readOnce(env: NodeJS.ProcessEnv, path: string): Buffer | NodeJS.ErrnoException {
  let files = reads.get(env)
  if (!files) reads.set(env, (files = new Map<string, Buffer | NodeJS.ErrnoException>()))
  let read = files.get(path)
  if (read === undefined) {
    try {
      read = readFileSync(path)
    } catch (error) {
      read = error as NodeJS.ErrnoException
    }
    files.set(path, read)
  }
  return read
}

/**
 * The content of `NODE_EXTRA_CA_CERTS` as the fingerprint saw it (the same bytes, read once), or
 * undefined when it is unset, empty or unreadable. The transport gives these to every TLS
 * connection as the extra CAs, in place of Node's own (lazy, second) read of the path.
 */
export function extraCaBytes(env: NodeJS.ProcessEnv): Buffer | undefined {
  const path = env['NODE_EXTRA_CA_CERTS']
  if (!path) return undefined
  const read = readOnce(env, path)
  return Buffer.isBuffer(read) ? read : undefined
}

/** Whether Node trusts the system's CAs: `NODE_USE_SYSTEM_CA=1` or `--use-system-ca`. */
function systemOn(env: NodeJS.ProcessEnv): boolean {
  return (
    env['NODE_USE_SYSTEM_CA'] === '1' || (env['NODE_OPTIONS'] ?? '').includes('--use-system-ca')
  )
}

const systemReads = new WeakMap<NodeJS.ProcessEnv, string[]>()

/**
 * The system's CA certificates (PEM) when Node uses them ({@link systemOn}), read once per
 * environment object, or undefined. On Linux they come from OpenSSL's default file and directory
 * (`SSL_CERT_FILE`, `SSL_CERT_DIR`, else /etc/ssl/certs), whose content a later step can change
 * at the same path: the fingerprint digests this list and the transport trusts exactly it.
 * Source: Node's tls docs (`getCACertificates('system')`, Node 22.15 / 23.10 and later).
 */
export function systemCas(env: NodeJS.ProcessEnv): string[] | undefined {
  if (!systemOn(env)) return undefined
  let list = systemReads.get(env)
  if (!list) {
    const tls = process.getBuiltinModule('node:tls')
    list = typeof tls.getCACertificates === 'function' ? tls.getCACertificates('system') : []
    systemReads.set(env, list)
  }
  return list
}

function fileDigest(env: NodeJS.ProcessEnv, path: string): string {
  const content = readOnce(env, path)
  if (Buffer.isBuffer(content)) {
    return createHash('sha256')
      .update(content.subarray(0, MAX_FILE_BYTES))
      .update(String(content.length))
      .digest('hex')
      .slice(0, 24)
  }
  return `unreadable:${content.code ?? 'error'}`
}

/**
 * The fingerprint of `env`: `v1` and one `NAME=digest` per set variable (then `seal=` an HMAC of
 * it all keyed with `seal`, when given) (empty included: an empty
 * `no_proxy` means something), sorted; a counted file adds `NAME#content=digest`. Never holds a
 * value. Reads the files named by NODE_EXTRA_CA_CERTS and SSL_CERT_FILE once per `env` object
 * (later calls with the same object digest the same bytes); throws nothing.
 */
export function networkFingerprint(env: NodeJS.ProcessEnv, seal = ''): string {
  const entries: string[] = []
  const names = new Set(NAMES)
  for (const name of Object.keys(env)) {
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && PREFIXES.some((p) => name.startsWith(p))) {
      names.add(name)
    }
  }
  for (const name of [...names].sort()) {
    const value = env[name]
    if (value === undefined) continue
    entries.push(`${name}=${digest(name, value)}`)
    if (FILES.has(name) && value) entries.push(`${name}#content=${fileDigest(env, value)}`)
  }
  const system = systemCas(env)
  if (system) {
    const hash = createHash('sha256')
    for (const pem of system) hash.update(pem).update('\0')
    entries.push(`NODE_USE_SYSTEM_CA#system=${hash.digest('hex').slice(0, 24)}`)
  }
  const print = ['v1', ...entries].join(' ')
  if (!seal) return print
  // Keyed with the parent key (the admin-api-key input, which $GITHUB_ENV cannot change): a step
  // that forges STATE_network, when main never ran to save it (Node can be made to exit at
  // start-up, before any of the action's code), cannot make one that post accepts.
  return `${print} seal=${createHmac('sha256', seal).update(print).digest('hex').slice(0, 32)}`
}

/**
 * Whether post may send a secret: `{ ok: true }` when `saved` (main's fingerprint) equals this
 * environment's, sealed with the same `seal` (the admin-api-key input; '' in broker mode), else the reason in words (the variables that differ, by name only).
 */
export function checkNetwork(
  saved: string,
  env: NodeJS.ProcessEnv,
  seal = '',
): { ok: true } | { ok: false; reason: string } {
  if (!saved) {
    return {
      ok: false,
      reason:
        'the main step recorded no network fingerprint (it always does: this state was not written by this action)',
    }
  }
  const now = networkFingerprint(env, seal)
  if (saved === now) return { ok: true }
  const parse = (text: string) =>
    new Map(
      text
        .split(' ')
        .slice(1)
        .map((entry) => entry.split('=') as [string, string]),
    )
  const before = parse(saved)
  const after = parse(now)
  const changed = [...new Set([...before.keys(), ...after.keys()])]
    .filter((name) => before.get(name) !== after.get(name))
    // The seal changes with any entry: named only when it alone differs.
    .filter((name, _, all) => name !== 'seal' || all.length === 1)
    .map((name) =>
      name === 'seal'
        ? "the fingerprint's seal: not written by this action's main step"
        : name.replace('#content', ' (file content)').replace('#system', " (the system's CAs)"),
    )
    .filter((name, i, all) => all.indexOf(name) === i)
    .sort()
  const names = changed.length > 0 ? changed.join(', ') : 'the fingerprint format'
  return {
    ok: false,
    reason: `the job's network settings changed after the main step (${names.slice(0, 300)}): a later step wrote them, and no secret is sent over a network the main step did not see`,
  }
}
