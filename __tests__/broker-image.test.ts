import { spawn } from 'node:child_process'
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { OidcEmulator } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { AUDIENCE, callBroker, jobClaims, TEST_POLICY } from './support/broker.ts'

// No container engine runs here, so the image is assembled by hand from the Dockerfile itself:
// the files its COPY lines copy (and nothing else), the production dependencies its `npm ci`
// installs (from the npm registry, or npm's cache), then the broker is run from that tree as a
// non-root user (nobody, when the tests run as root) on a tree it cannot write, until /health and
// a mint answer.

const root = fileURLToPath(new URL('..', import.meta.url))
let vast: VastEmulator
let oidc: OidcEmulator
let work: string

beforeAll(async () => {
  vast = await VastEmulator.start()
  oidc = await OidcEmulator.start()
  work = mkdtempSync(join(tmpdir(), 'broker-image-'))
})
afterAll(async () => {
  await oidc.close()
  await vast.close()
  // The tree was made read-only: writable again, so that a non-root user can remove it.
  const writable = (dir: string) => {
    chmodSync(dir, 0o755)
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) writable(join(dir, entry.name))
  }
  writable(work)
  rmSync(work, { recursive: true, force: true })
})

interface Stage {
  workdir: string
  copies: { from?: string; sources: string[]; dest: string }[]
  runs: string[]
  user?: string
  entrypoint?: string[]
}

/** The Dockerfile's stages: WORKDIR, COPY, RUN, USER and ENTRYPOINT (all this Dockerfile uses). */
function stages(text: string): Stage[] {
  const result: Stage[] = []
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const [instruction = '', ...rest] = line.split(/\s+/)
    const current = result[result.length - 1]
    if (instruction === 'FROM') result.push({ workdir: '/', copies: [], runs: [] })
    else if (!current) throw new Error(`${instruction} before FROM`)
    else if (instruction === 'WORKDIR') current.workdir = rest[0] ?? '/'
    else if (instruction === 'COPY') {
      const from = rest[0]?.startsWith('--from=') ? rest.shift()?.slice(7) : undefined
      const dest = rest.pop() ?? ''
      current.copies.push({ ...(from ? { from } : {}), sources: rest, dest })
    } else if (instruction === 'RUN') current.runs.push(rest.join(' '))
    else if (instruction === 'USER') current.user = rest[0]
    else if (instruction === 'ENTRYPOINT')
      current.entrypoint = JSON.parse(rest.join(' ')) as string[]
    else if (!['ENV', 'EXPOSE'].includes(instruction)) throw new Error(`unknown ${instruction}`)
  }
  return result
}

/** Copies `sources` (from the build context) to `dest` (relative to the stage's WORKDIR). */
function copy(sources: string[], dest: string, from: string, into: string): void {
  const target = join(into, dest)
  for (const source of sources) {
    const path = join(from, source)
    const toDir = dest.endsWith('/') || sources.length > 1 || dest === '.' || dest === './'
    const destination = toDir ? join(target, source.split('/').pop() ?? source) : target
    mkdirSync(dirname(destination), { recursive: true })
    cpSync(path, destination, { recursive: true, filter: (p) => !ignored(p, from) })
  }
}

/** .dockerignore, as far as this project uses it (top-level names and *.md). */
function ignored(path: string, from: string): boolean {
  if (from !== root) return false
  const relative = path.slice(root.length)
  const rules = readFileSync(join(root, '.dockerignore'), 'utf8').split('\n').filter(Boolean)
  return rules.some((rule) =>
    rule.startsWith('*.')
      ? relative.endsWith(rule.slice(1)) && !relative.includes('/')
      : relative === rule || relative.startsWith(`${rule}/`),
  )
}

function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, npm_config_update_notifier: 'false' },
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('exit', (code) => resolve({ code, output }))
  })
}

function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  )
}

describe('the broker image, assembled from the Dockerfile', () => {
  it('installs only the broker dependencies and serves /health and a mint as a non-root user on a read-only tree', async () => {
    const [deps, image] = stages(readFileSync(join(root, 'Dockerfile'), 'utf8'))
    if (!deps || !image) throw new Error('the Dockerfile has two stages')
    // Stage 1: the manifest and lockfile, then its own npm ci (plus --prefer-offline: npm's cache
    // first, the npm registry otherwise).
    const depsDir = join(work, 'dependencies')
    mkdirSync(depsDir)
    for (const step of deps.copies) copy(step.sources, step.dest, root, depsDir)
    for (const command of deps.runs) {
      const [tool, ...args] = command.split(' ')
      expect(tool).toBe('npm')
      const result = await run('npm', [...args, '--prefer-offline'], depsDir)
      expect(result.output).not.toMatch(/npm error/)
      expect(result.code).toBe(0)
    }
    const installed = readdirSync(join(depsDir, 'node_modules')).filter(
      (name) => !name.startsWith('.'),
    )
    expect(installed.sort()).toEqual([
      '@opentelemetry',
      'bintrees',
      'jose',
      'prom-client',
      'tdigest',
      'yaml',
    ])
    // Stage 2: exactly what it copies.
    const app = join(work, 'app')
    mkdirSync(app)
    for (const step of image.copies) {
      if (step.from) {
        for (const source of step.sources)
          cpSync(join(depsDir, source.replace(/^\/app\/?/, '')), join(app, step.dest), {
            recursive: true,
          })
      } else copy(step.sources, step.dest, root, app)
    }
    expect(files(app).filter((file) => !file.startsWith('node_modules/'))).toEqual(
      expect.not.arrayContaining([
        expect.stringMatching(/^(dist|__tests__|emulator|harness|scripts)\//),
      ]),
    )
    expect(image.user).toBe('node')
    // Readable, not writable, by anyone but root; the config outside the tree.
    const config = join(work, 'config')
    mkdirSync(config)
    writeFileSync(join(config, 'policy.yaml'), TEST_POLICY)
    writeFileSync(join(config, 'parent-key'), vast.parentKey)
    for (const dir of [work, config]) chmodSync(dir, 0o755)
    for (const file of ['policy.yaml', 'parent-key']) chmodSync(join(config, file), 0o444)
    const readOnly = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) {
          chmodSync(path, 0o555)
          readOnly(path)
        } else if (!entry.isSymbolicLink())
          chmodSync(path, statSync(path).mode & 0o111 ? 0o555 : 0o444)
      }
    }
    readOnly(app)
    chmodSync(app, 0o555)
    const before = files(app)
    const asRoot = userInfo().uid === 0
    const entry = image.entrypoint ?? []
    expect(entry[0]).toBe('node')
    const child = spawn(process.execPath, entry.slice(1), {
      cwd: app,
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        HOME: '/nonexistent',
        BROKER_POLICY_FILE: join(config, 'policy.yaml'),
        BROKER_AUDIENCE: AUDIENCE,
        BROKER_ISSUER: oidc.issuer,
        BROKER_HOST: '127.0.0.1',
        PORT: '0',
        VAST_API_URL: vast.url,
        VAST_ADMIN_API_KEY_FILE: join(config, 'parent-key'),
      },
    })
    let stdout = ''
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString()
          const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
          if (found) resolve(found)
        })
        child.on('exit', () => reject(new Error(`the broker exited: ${stdout}${stderr}`)))
      })
      expect((await callBroker(url, 'GET', '/health', undefined)).status).toBe(200)
      expect((await callBroker(url, 'GET', '/ready', undefined)).status).toBe(200)
      const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
      const minted = await callBroker(url, 'POST', '/v1/keys', token, { ttl: '5m' })
      expect(minted.status).toBe(201)
      expect(
        (await callBroker(url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, token)).status,
      ).toBe(200)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(files(app)).toEqual(before)
    expect(stderr).toBe('')
  }, 180_000)
})
