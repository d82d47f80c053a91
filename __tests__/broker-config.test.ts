import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { readConfig } from '../src/broker/config.ts'
import { TEST_POLICY } from './support/broker.ts'

// The broker's configuration (src/broker/config.ts): flags before environment variables, the
// parent key (never printed), plain http only to this machine, every bad setting named by flag
// and variable.

describe('the configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'broker-config-'))
  const policyFile = join(dir, 'policy.yaml')
  writeFileSync(policyFile, TEST_POLICY)

  it('reads flags before the environment, with defaults', () => {
    const config = readConfig(['--policy', policyFile, '--port', '9000'], {
      BROKER_AUDIENCE: 'https://broker.example',
      VAST_ADMIN_API_KEY: 'parent-key-value-of-64-characters',
      PORT: '7000',
    })
    expect(config).toMatchObject({
      audience: 'https://broker.example',
      issuer: 'https://token.actions.githubusercontent.com',
      apiUrl: 'https://console.vast.ai',
      port: 9000,
      sweepIntervalMs: 600_000,
      limits: { perMinute: 20, burst: 20 },
    })
    expect(config.adminKey.reveal()).toBe('parent-key-value-of-64-characters')
    expect(JSON.stringify(config)).not.toContain('parent-key-value')
  })

  it('says an empty key file is empty, refuses a short parent key without printing it, and a bad port', () => {
    const empty = join(dir, 'empty-key')
    writeFileSync(empty, '\n')
    const base = ['--policy', policyFile, '--audience', 'a']
    expect(() => readConfig([...base, '--admin-key-file', empty], {})).toThrow(
      /--admin-key-file \(VAST_ADMIN_API_KEY_FILE\): .*empty-key is empty; put the parent key in it/,
    )
    let message = ''
    try {
      readConfig(base, { VAST_ADMIN_API_KEY: 'short-key-123' })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/VAST_ADMIN_API_KEY\): it is 13 characters, which is not a Vast.ai key/)
    expect(message).not.toContain('short-key-123')
    const env = { VAST_ADMIN_API_KEY: 'parent-key-value-of-64-characters' }
    for (const port of ['99999', '65536', '80.5', 'http'])
      expect(() => readConfig([...base, '--port', port], env)).toThrow(
        new RegExp(
          `--port \\(PORT\\): "${port.replace('.', '\\.')}" is not a port; expected a whole number from 0 to 65535`,
        ),
      )
    expect(readConfig([...base, '--port', '0'], env).port).toBe(0)
  })

  it('takes plain http only to this machine for --issuer, --jwks-url and --api-url (generated)', () => {
    const env = { BROKER_AUDIENCE: 'a', VAST_ADMIN_API_KEY: 'parent-key-value-long-enough' }
    const hosts = fc.oneof(
      fc.domain(),
      fc.ipV4().filter((ip) => !ip.startsWith('127.')),
      fc.constantFrom('vast.example', '10.0.0.1', 'localhost.example', 'a.localhost'),
    )
    fc.assert(
      fc.property(fc.constantFrom('issuer', 'jwks-url', 'api-url'), hosts, (flag, host) => {
        expect(() =>
          readConfig(['--policy', policyFile, `--${flag}`, `http://${host}/x`], env),
        ).toThrow(new RegExp(`--${flag} \\(.*\\): plain http is only allowed to this machine`))
      }),
    )
    const local = readConfig(
      [
        '--policy',
        policyFile,
        '--issuer',
        'http://127.0.0.1:9/',
        '--jwks-url',
        'http://[::1]:9/keys',
        '--api-url',
        'http://localhost:8/api/v0/',
      ],
      env,
    )
    expect(local).toMatchObject({
      issuer: 'http://127.0.0.1:9',
      jwksUrl: 'http://[::1]:9/keys',
      apiUrl: 'http://127.0.0.1:8',
    })
    expect(
      readConfig(['--policy', policyFile, '--api-url', 'https://console.vast.ai/api/v0'], env)
        .apiUrl,
    ).toBe('https://console.vast.ai')
  })

  it('names every missing or bad setting by flag and variable, and never prints the key', () => {
    const keyFile = join(dir, 'key')
    writeFileSync(keyFile, 'from-a-file-long-enough-to-be-a-key\n')
    expect(
      readConfig(
        ['--policy', policyFile, '--audience', 'a', '--admin-key-file', keyFile],
        {},
      ).adminKey.reveal(),
    ).toBe('from-a-file-long-enough-to-be-a-key')
    let message = ''
    try {
      readConfig(['--issuer', 'ftp://x'], {
        VAST_ADMIN_API_KEY: '',
        BROKER_SWEEP_INTERVAL: 'often',
      })
    } catch (error) {
      message = (error as Error).message
    }
    expect(message).toMatch(/--policy \(BROKER_POLICY_FILE\)/)
    expect(message).toMatch(/--audience \(BROKER_AUDIENCE\)/)
    expect(message).toMatch(/VAST_ADMIN_API_KEY/)
    expect(message).toMatch(/--issuer \(BROKER_ISSUER\): 'ftp:' is not supported; use https:\/\//)
    expect(message).toMatch(/--sweep-interval \(BROKER_SWEEP_INTERVAL\)/)
    expect(() => readConfig(['--polciy', 'x'], {})).toThrow(/polciy/)
  })
})
