import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { OPTIONS } from '../src/broker/config.ts'
import { DEFAULT_LIMITS } from '../src/broker/limits.ts'
import { MATCH_CLAIMS } from '../src/broker/claims.ts'
import { RULE_FIELDS } from '../src/broker/policy.ts'
import { policySchema } from '../src/broker/policy-schema.ts'
import { OidcEmulator } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { AUDIENCE, callBroker, jobClaims, TEST_POLICY } from './support/broker.ts'

// `npm run broker` as a process: flags and environment, the parent key from a file, JSON log lines
// on stdout, a key minted and deleted, and a clean stop on SIGTERM (what Cloud Run sends).

const main = fileURLToPath(new URL('../src/broker/main.ts', import.meta.url))
let vast: VastEmulator
let oidc: OidcEmulator

beforeAll(async () => {
  vast = await VastEmulator.start()
  oidc = await OidcEmulator.start()
})
afterAll(async () => {
  await oidc.close()
  await vast.close()
})

describe('npm run broker', () => {
  it('starts from flags and environment, serves, logs JSON lines, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-process-'))
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY)
    writeFileSync(join(dir, 'parent-key'), `${vast.parentKey}\n`)
    const child = spawn(
      process.execPath,
      [main, '--policy', join(dir, 'policy.yaml'), '--host', '127.0.0.1', '--port', '0'],
      {
        env: {
          PATH: process.env.PATH,
          BROKER_AUDIENCE: AUDIENCE,
          BROKER_ISSUER: oidc.issuer,
          VAST_API_URL: vast.url,
          VAST_ADMIN_API_KEY_FILE: join(dir, 'parent-key'),
        },
      },
    )
    let stdout = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    const started = new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]
        if (url) resolve(url)
      })
      child.on('exit', () => reject(new Error(`the broker exited: ${stdout}`)))
    })
    const url = await started
    expect((await callBroker(url, 'GET', '/healthz', undefined)).status).toBe(200)
    const token = await oidc.sign(jobClaims(), { audience: AUDIENCE })
    const minted = await callBroker(url, 'POST', '/v1/keys', token, { ttl: '5m' })
    expect(minted.status).toBe(201)
    const gone = await callBroker(url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, token)
    expect(gone.body.result).toBe('deleted')
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string })
    expect(lines.map((line) => line.event)).toEqual([
      'start',
      'POST /v1/keys',
      'DELETE /v1/keys/{id}',
      'stop',
      'stopped',
    ])
    expect(stdout).not.toContain(vast.parentKey)
    expect(stdout).not.toContain(minted.body.key)
    expect(stdout).not.toContain(token)
  })

  it('refuses to start with a bad policy, naming the rule and field, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-process-'))
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY.replace('max-ttl: 2h', 'max-ttl: forever'))
    const child = spawn(process.execPath, [main, '--policy', join(dir, 'policy.yaml')], {
      env: {
        PATH: process.env.PATH,
        BROKER_AUDIENCE: AUDIENCE,
        VAST_ADMIN_API_KEY: vast.parentKey,
      },
    })
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(1)
    expect(stdout).toMatch(/rules\[0\] \\"trainer-main\\", field \\"max-ttl\\"/)
    expect(stdout).not.toContain(vast.parentKey)
  })

  const run = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [main, ...args], {
        env: { PATH: process.env.PATH, ...env },
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        // A broker that starts when it should not is stopped, so the test fails instead of hanging.
        if (/listening on/.test(stdout)) child.kill('SIGTERM')
      })
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('exit', (code) => resolve({ code, stdout, stderr }))
    })

  it('--check validates the policy without a parent key, prints each rule and warnings, exits 0/1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-check-'))
    writeFileSync(join(dir, 'good.yaml'), TEST_POLICY)
    const good = await run(['--check', '--policy', join(dir, 'good.yaml')])
    expect(good.code).toBe(0)
    expect(good.stdout).toMatch(
      /1\. rule "trainer-main": jobs with repository octo-org\/gpu-trainer; ref refs\/heads\/main get at most instance_read, instance_write, misc for at most 2h/,
    )
    expect(good.stdout).toMatch(/The policy is valid: 3 rule\(s\), 0 warning\(s\)/)

    writeFileSync(join(dir, 'warn.yaml'), TEST_POLICY.replace('ref: refs/heads/main', 'ref: main'))
    const warned = await run(['--check'], { BROKER_POLICY_FILE: join(dir, 'warn.yaml') })
    expect(warned.code).toBe(0)
    expect(warned.stdout).toMatch(/warning: rule "trainer-main": ref "main" can never match/)

    writeFileSync(join(dir, 'bad.yaml'), TEST_POLICY.replace('octo-org/*', '"*/*"'))
    const bad = await run(['--check', '--policy', join(dir, 'bad.yaml')])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(
      /The policy is not valid: 1 problem\(s\):\n .*"octo-readers".*glob in the owner part/,
    )
    expect((await run(['--check'])).code).toBe(1)
  })

  it('stops at start, exit 1, when Vast refuses the parent key, and never prints it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-policy-'))
    writeFileSync(join(dir, 'policy.yaml'), TEST_POLICY)
    const wrongKey = 'f'.repeat(64)
    const result = await run(
      ['--policy', join(dir, 'policy.yaml'), '--host', '127.0.0.1', '--port', '0'],
      {
        BROKER_AUDIENCE: AUDIENCE,
        BROKER_ISSUER: oidc.issuer,
        VAST_API_URL: vast.url,
        VAST_ADMIN_API_KEY: wrongKey,
      },
    )
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(
      /the parent key: Vast.ai at http:\/\/127\.0\.0\.1:\d+ refused it \(HTTP 401\)/,
    )
    expect(result.stdout).not.toMatch(/listening on/)
    expect(result.stdout + result.stderr).not.toContain(wrongKey)
  })

  it('--check names every problem of the policy at once, and warns of rules that can never match', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-check-'))
    writeFileSync(
      join(dir, 'bad.yaml'),
      TEST_POLICY.replace('max-ttl: 2h', 'max-ttl: forever')
        .replace('octo-org/*', '"*/*"')
        .replace('permissions: [misc,', 'permissions: [nonsense,'),
    )
    const bad = await run(['--check', '--policy', join(dir, 'bad.yaml')])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/The policy is not valid: 3 problem\(s\):/)
    expect(bad.stderr).toMatch(/"trainer-main", field "max-ttl"/)
    expect(bad.stderr).toMatch(/"octo-readers".*glob in the owner part/)
    expect(bad.stderr).toMatch(/"secret-project", field "permissions"/)
    writeFileSync(
      join(dir, 'never.yaml'),
      TEST_POLICY.replace('ref: refs/heads/main', 'ref: main').replace(
        'event_name: [push, pull_request]',
        'event_name: [Push, pull_request]',
      ),
    )
    const never = await run(['--check', '--policy', join(dir, 'never.yaml')])
    expect(never.code).toBe(0)
    expect(never.stdout).toMatch(/warning: rule "trainer-main": ref "main" can never match/)
    expect(never.stdout).toMatch(/warning: rule "octo-readers": event_name "Push" can never match/)
    expect(never.stdout).toMatch(/2 warning\(s\)/)
  })

  it('--help is made from the one flag table: every flag, its variable and the defaults the code uses', async () => {
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    for (const [name, option] of Object.entries(OPTIONS)) {
      expect(help.stdout).toMatch(new RegExp(`--${name} \\S+ +${option.env} +`))
    }
    expect(help.stdout).toMatch(
      new RegExp(
        `--rate-per-minute N +BROKER_RATE_PER_MINUTE +default ${DEFAULT_LIMITS.perMinute};`,
      ),
    )
    expect(help.stdout).toMatch(/--shutdown-grace DUR +BROKER_SHUTDOWN_GRACE +default 9s;/)
  })

  it('reloads the policy on SIGHUP without dropping a request, and keeps it when the new one is bad', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-hup-'))
    const file = join(dir, 'policy.yaml')
    writeFileSync(file, TEST_POLICY)
    const child = spawn(
      process.execPath,
      [main, '--policy', file, '--host', '127.0.0.1', '--port', '0'],
      {
        env: {
          PATH: process.env.PATH,
          BROKER_AUDIENCE: AUDIENCE,
          BROKER_ISSUER: oidc.issuer,
          VAST_API_URL: vast.url,
          VAST_ADMIN_API_KEY: vast.parentKey,
        },
      },
    )
    let stdout = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    const waitFor = (pattern: RegExp) =>
      new Promise<string>((resolve, reject) => {
        const check = () => {
          const found = pattern.exec(stdout)
          if (found) resolve(found[1] ?? found[0])
        }
        child.stdout.on('data', check)
        child.on('exit', () => reject(new Error(`the broker exited: ${stdout}`)))
        check()
      })
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const url = await waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/)
    const other = jobClaims({ repository: 'new-org/app', repository_owner: 'new-org' })
    const ask = async () =>
      callBroker(url, 'POST', '/v1/keys', await oidc.sign(other, { audience: AUDIENCE }), {
        ttl: '5m',
      })
    expect((await ask()).status).toBe(403)
    // A request in flight across the reload is served.
    const held = vast.inject('create', { type: 'delay', ms: 500 })
    const inFlight = callBroker(
      url,
      'POST',
      '/v1/keys',
      await oidc.sign(jobClaims(), { audience: AUDIENCE }),
      { ttl: '5m' },
    )
    await held.arrived
    writeFileSync(file, TEST_POLICY.replace('hidden-org/secret-project', 'new-org/app'))
    child.kill('SIGHUP')
    await waitFor(/reloaded: 3 rule/)
    expect((await inFlight).status).toBe(201)
    expect((await ask()).status).toBe(201)
    writeFileSync(file, 'version: 2\n')
    child.kill('SIGHUP')
    await waitFor(/reload refused, the policy in use stays/)
    expect((await ask()).status).toBe(201)
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
  })

  it('the docs agree with the flag table, and the Cloud Run guide names only settings the broker reads', () => {
    const root = fileURLToPath(new URL('..', import.meta.url))
    const reference = readFileSync(join(root, 'docs/broker.md'), 'utf8')
    for (const [name, option] of Object.entries(OPTIONS)) {
      const row = reference
        .split('\n')
        .find((line) => line.startsWith('|') && line.includes(`\`--${name}\``))
      expect(row).toContain(`\`${option.env}\``)
      const fallback = /^default (\S+?)[;,]?(?: |$)/.exec(option.help)?.[1]
      if (fallback) expect(row).toContain(`\`${fallback}\``)
    }
    const guide = readFileSync(join(root, 'docs/deploy-cloud-run.md'), 'utf8')
    const known = new Set([
      ...Object.values(OPTIONS).map((option) => option.env),
      'VAST_ADMIN_API_KEY',
      'GOOGLE_CLOUD_PROJECT',
    ])
    const named = new Set(
      guide.match(/\b(?:BROKER|VAST)_[A-Z_]+\b|\bGOOGLE_CLOUD_PROJECT\b/g) ?? [],
    )
    // The others: the shell variable the guide pipes into Secret Manager, and the workflow's own.
    expect([...named].filter((variable) => !known.has(variable)).sort()).toEqual([
      'VAST_API_KEY',
      'VAST_PARENT_KEY',
    ])
    // One health path everywhere: /health (and /ready); /healthz only where it says not to use it.
    for (const text of [guide, reference, readFileSync(join(root, 'README.md'), 'utf8')]) {
      for (const line of text.split('\n\n').filter((l) => l.includes('/healthz')))
        expect(line.replace(/\s+/g, ' ')).toMatch(/reserves some paths ending in `z`/)
    }
    expect(guide).toMatch(/`user_read`/)
    // Every `npm run broker -- ...` command in the docs uses only flags the broker has.
    const flags = new Set([...Object.keys(OPTIONS), 'check', 'check-policy', 'schema', 'help'])
    for (const text of [guide, reference]) {
      for (const [command] of text
        .replace(/\\\n\s*/g, ' ')
        .matchAll(/npm run broker -- [^\n`]*/g)) {
        for (const [, flag] of command.matchAll(/(?:^|\s)--([a-z-]+)/g))
          expect(flags.has(flag ?? '')).toBe(true)
      }
    }
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>
      }
    ).scripts
    expect(scripts.broker).toBe('node src/broker/main.ts')
  })

  it('--help prints every flag; an unknown flag points at --help', async () => {
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    for (const flag of [
      '--policy',
      '--audience',
      '--admin-key-file',
      '--api-url',
      '--check',
      '--port',
    ])
      expect(help.stdout).toContain(flag)
    const wrong = await run(['--polciy', 'x'])
    expect(wrong.code).toBe(1)
    expect(wrong.stdout).toMatch(/polciy.*--help lists the flags/)
  })

  it('logs a warning at start for a rule that admits any owner', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'broker-warn-'))
    writeFileSync(
      join(dir, 'policy.yaml'),
      TEST_POLICY.replace('repository: octo-org/*', 'repository: "*/*"').replace(
        'max-ttl: 30m',
        'max-ttl: 30m\n    allow-any-owner: true',
      ),
    )
    const child = spawn(
      process.execPath,
      [main, '--policy', join(dir, 'policy.yaml'), '--host', '127.0.0.1', '--port', '0'],
      {
        env: {
          PATH: process.env.PATH,
          BROKER_AUDIENCE: AUDIENCE,
          BROKER_ISSUER: oidc.issuer,
          VAST_API_URL: vast.url,
          VAST_ADMIN_API_KEY: vast.parentKey,
        },
      },
    )
    let stdout = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (/listening on/.test(stdout)) resolve()
      })
      child.on('exit', () => reject(new Error(`the broker exited: ${stdout}`)))
    })
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const first = JSON.parse(stdout.split('\n')[0] ?? '') as Record<string, string>
    expect(first).toMatchObject({ severity: 'WARNING', event: 'policy' })
    expect(first.reason).toMatch(/rule "octo-readers" admits repositories of any owner/)
  })
})

describe('the policy JSON Schema', () => {
  it('docs/broker-policy.schema.json is what --schema prints, made from the fields and claims the parser checks', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url))
    const committed = JSON.parse(
      readFileSync(join(root, 'docs/broker-policy.schema.json'), 'utf8'),
    ) as Record<string, unknown>
    // Stale after a change to the policy's fields or claims: write it again with
    // `npm run --silent broker -- --schema > docs/broker-policy.schema.json` and prettier.
    expect(committed).toEqual(policySchema())
    const printed = await new Promise<string>((resolve) => {
      const child = spawn(process.execPath, [main, '--schema'])
      let out = ''
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      child.on('exit', () => resolve(out))
    })
    expect(JSON.parse(printed)).toEqual(committed)
    const rule = (committed.properties as Record<string, Record<string, unknown>>).rules?.items as {
      properties: Record<string, { properties?: Record<string, unknown> }>
    }
    expect(Object.keys(rule.properties).sort()).toEqual([...RULE_FIELDS].sort())
    expect(Object.keys(rule.properties.match?.properties ?? {})).toEqual([...MATCH_CLAIMS])
  })
})
