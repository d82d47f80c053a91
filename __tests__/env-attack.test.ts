import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { RunnerJob, type StepResult } from '../harness/runner.ts'
import {
  attackCase,
  describeCase,
  NETWORKS,
  NPM_TEST_CASES,
  PATHS,
  runAttack,
  startAttackWorld,
  STATE_NAMES,
  type AttackCase,
  type AttackWorld,
} from './support/env-attack.ts'

// Issue 18: nothing another step of the job writes to $GITHUB_ENV steers the action. Every case
// runs dist/ through the harness with the runner's order of env and state (support/env-attack.ts
// says what is checked). Each fixed example failed before the fix of its finding (1: state,
// 2 and 3: the network post trusts), and so did the generated test.

let world: AttackWorld
beforeAll(async () => {
  world = await startAttackWorld()
}, 180_000)
afterAll(async () => {
  await world.close()
})

const problems = async (c: AttackCase) => (await runAttack(world, c)).problems

describe('the harness writes GITHUB_ENV as the runner reads it', () => {
  const FAKE = fileURLToPath(new URL('./fixtures/fake-action/action.yml', import.meta.url))
  const line = (result: StepResult, tag: string) =>
    JSON.parse(
      result.log.find((l) => l.startsWith(`${tag} `))?.slice(tag.length + 1) ?? '{}',
    ) as Record<string, unknown>

  it('STATE_* of names main saved win; INPUT_*, GITHUB_*, RUNNER_* and the OIDC pair are the runner’s; NODE_OPTIONS refused', async () => {
    const job = new RunnerJob({
      actionYml: FAKE,
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/t?api-version=2.0',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
      },
    })
    try {
      const written = await job.appendEnv(
        [
          'STATE_key-id=666',
          'STATE_forged=1',
          'INPUT_MODE=evil',
          'GITHUB_API_URL=https://attacker.example',
          'RUNNER_TEMP=/attacker',
          'ACTIONS_ID_TOKEN_REQUEST_URL=https://attacker.example/t',
          'HOME=/attacker-home',
          'HTTPS_PROXY=http://127.0.0.1:9',
          'NODE_OPTIONS=--require=/attacker.js',
          '',
        ].join('\n'),
      )
      expect(written.annotations.map((a) => a.message)).toEqual([
        "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
      ])
      const main = await job.runMain({ inputs: { mode: 'report', 'admin-api-key': 'k' } })
      const { env } = line(main, 'REPORT') as { env: Record<string, string> }
      expect(env).toMatchObject({
        INPUT_MODE: 'report',
        GITHUB_API_URL: 'https://api.github.com',
        RUNNER_TEMP: join(job.root, 'temp'),
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/t?api-version=2.0',
        HOME: '/attacker-home',
        HTTPS_PROXY: 'http://127.0.0.1:9',
        'STATE_key-id': '666',
      })
      expect(env.NODE_OPTIONS).toBeUndefined()

      await job.runMain({ inputs: { mode: 'files', 'admin-api-key': 'k' } })
      const post = await job.runPost({ inputs: { 'admin-api-key': 'k' } })
      expect(line(post, 'POST').state).toEqual({
        'STATE_key-id': '123',
        STATE_expires: '2026-11-22T10:00:00Z',
        STATE_forged: '1',
      })
    } finally {
      await job.cleanup()
    }
  })
})

describe('the state names the generator writes', () => {
  it('are every name post reads (every getState call in src/)', () => {
    const src = fileURLToPath(new URL('../src', import.meta.url))
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    )
    const read = new Set<string>()
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8')
      for (const [, arg = ''] of text.matchAll(/getState\(([^)]*)\)/g)) {
        if (file.endsWith('runner.ts') && arg.includes('name')) continue
        const literal = /^'([^']+)'$/.exec(arg.trim())
        const constant = /^(?:(?:BROKER_)?STATE\.\w+|NETWORK_STATE)$/.exec(arg.trim())
        if (literal?.[1]) read.add(literal[1])
        else if (constant) read.add(arg.trim() === 'NETWORK_STATE' ? 'network' : arg.trim())
        else throw new Error(`${file}: getState(${arg}) is not a name the test can follow`)
      }
    }
    // STATE.x / BROKER_STATE.x resolve through the generator's own list (imported from src/).
    expect(read.size).toBeGreaterThan(0)
    for (const name of read) {
      if (!name.includes('.')) expect(STATE_NAMES).toContain(name)
    }
  })
})

describe('without any line from another step (the checks can pass)', () => {
  const baseline: Array<[string, string]> = [
    ...NETWORKS.map((network): [string, string] => ['create', network]),
    ...PATHS.filter((p) => p !== 'create').map((path): [string, string] => [path, 'loopback']),
  ]
  it.each(baseline)(
    '%s (%s): no secret elsewhere, only its own key deleted',
    async (path, network) => {
      const c = { path, network, before: [], after: [] } as AttackCase
      expect(await problems(c)).toEqual([])
    },
  )
})

describe('finding 1: forged STATE_* (fixed on i18-state)', () => {
  // Delete mode saves no state: STATE_mode and STATE_create from a later step reach post.
  it('delete mode: a forged STATE_create naming another host gets no parent key', async () => {
    expect(
      await problems({
        path: 'delete',
        network: 'loopback',
        before: [],
        after: [
          { name: 'STATE_mode', value: 'literal:create' },
          { name: 'STATE_create', value: 'state-create:attacker-http:bystander' },
          { name: 'STATE_key-id', value: 'literal:7' },
        ],
      }),
    ).toEqual([])
  })

  // A refused create saves no key id: a forged one makes post delete another key.
  it('a refused create: a forged STATE_key-id of another key deletes nothing', async () => {
    expect(
      await problems({
        path: 'create refused',
        network: 'loopback',
        before: [],
        after: [{ name: 'STATE_key-id', value: 'bystander-id' }],
      }),
    ).toEqual([])
  })

  it('a refused create: a forged STATE_key-id of the parent key deletes nothing', async () => {
    expect(
      await problems({
        path: 'create refused',
        network: 'loopback',
        before: [],
        after: [{ name: 'STATE_key-id', value: 'parent-id' }],
      }),
    ).toEqual([])
  })

  // A broker job whose main stops at an input error saves no state: post fetches an OIDC token.
  it('broker job, bad input: a forged STATE_broker naming another host gets no OIDC token', async () => {
    expect(
      await problems({
        path: 'broker bad input',
        network: 'loopback',
        before: [],
        after: [
          { name: 'STATE_mode', value: 'literal:broker' },
          { name: 'STATE_broker', value: 'state-broker:attacker-http:aud' },
          { name: 'STATE_key-id', value: 'literal:5' },
        ],
      }),
    ).toEqual([])
  })

  it('a forged STATE_config-file removes no file main did not write', async () => {
    expect(
      await problems({
        path: 'delete',
        network: 'loopback',
        before: [],
        after: [
          { name: 'STATE_mode', value: 'literal:create' },
          { name: 'STATE_config-file', value: 'decoy-file' },
        ],
      }),
    ).toEqual([])
  })
})

describe("finding 2: post's network is not main's (fixed on i18-network)", () => {
  it('HTTPS_PROXY + NODE_EXTRA_CA_CERTS written after main: the MITM records nothing, the key left is named', async () => {
    expect(
      await problems({
        path: 'create',
        network: 'proxied',
        before: [],
        after: [
          { name: 'HTTPS_PROXY', value: 'attacker-proxy' },
          { name: 'NODE_EXTRA_CA_CERTS', value: 'attacker-ca' },
        ],
      }),
    ).toEqual([])
  })

  it('NODE_TLS_REJECT_UNAUTHORIZED=0 + HTTPS_PROXY written before main: main still verifies', async () => {
    expect(
      await problems({
        path: 'create',
        network: 'proxied',
        before: [
          { name: 'HTTPS_PROXY', value: 'attacker-proxy' },
          { name: 'NODE_TLS_REJECT_UNAUTHORIZED', value: 'literal:0' },
        ],
        after: [],
      }),
    ).toEqual([])
  })
})

describe('finding 3: loopback through a proxy (fixed on i18-network)', () => {
  it('NODE_USE_ENV_PROXY=1 + HTTP_PROXY: a loopback api-url never goes through the proxy', async () => {
    expect(
      await problems({
        path: 'create',
        network: 'loopback',
        before: [
          { name: 'NODE_USE_ENV_PROXY', value: 'literal:1' },
          { name: 'HTTP_PROXY', value: 'attacker-proxy' },
        ],
        after: [],
      }),
    ).toEqual([])
  })

  it('broker mode: NODE_USE_ENV_PROXY=1 + HTTP_PROXY get no OIDC token', async () => {
    expect(
      await problems({
        path: 'broker',
        network: 'loopback',
        before: [
          { name: 'NODE_USE_ENV_PROXY', value: 'literal:1' },
          { name: 'HTTP_PROXY', value: 'attacker-proxy' },
        ],
        after: [],
      }),
    ).toEqual([])
  })
})

describe('generated: sets of GITHUB_ENV lines before and after the action, every mode and path', () => {
  // Fails today (see the fixed examples above); `it` once i18-state and i18-network are merged.
  it('no secret reaches the attacker, post deletes only what main made, every key left is named', async () => {
    await fc.assert(
      fc.asyncProperty(attackCase, async (c) => {
        const found = await problems(c)
        if (found.length) throw new Error(`${describeCase(c)}\n  ${found.join('\n  ')}`)
      }),
      { numRuns: NPM_TEST_CASES, seed: 18, endOnFailure: true },
    )
  }, 120_000)
})
