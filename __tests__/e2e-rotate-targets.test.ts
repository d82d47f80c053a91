import { afterEach, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { RunnerJob } from '../harness/runner.ts'
import { formatKeyName, parseKeyName } from '../src/core/key-name.ts'
import { ACTION_YML, shown } from './support/action.ts'
import {
  LABEL,
  REPO,
  TARGETS,
  TOKEN,
  rotationSequence,
  rotationWorld,
  runRotationSequence,
  type RotationStep,
  type RotationTarget,
  type RotationWorld,
  type TargetId,
} from './support/rotation.ts'

// Issue 12: a rotation owns only its own keys. One label rotated into several secrets, through
// dist/ with the Vast and GitHub emulators: after every rotation, every secret holds a live key
// of its own (the sealed box as GitHub opened it, found among Vast's live keys).

let world: RotationWorld | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

async function start(): Promise<RotationWorld> {
  world = await rotationWorld()
  return world
}

const managed = (w: RotationWorld) =>
  w.s.emulator.liveKeys().filter((k) => k.id !== w.s.emulator.parentKeyId)
const secretValue = (w: RotationWorld, t: RotationTarget) =>
  w.github.secret(t.scope, t.secretName)?.value

/** Rotates, then checks the rotated secret holds the new key and no secret is broken. */
async function rotateAndCheck(w: RotationWorld, t: RotationTarget, extra = {}) {
  const main = await w.rotate(t, extra)
  expect(main.conclusion).toBe('success')
  const key = w.s.emulator.liveKeys().find((k) => String(k.id) === main.outputs['key-id'])
  expect(key).toBeDefined()
  expect(secretValue(w, t)).toBe(key?.key)
  expect(w.brokenSecrets()).toEqual([])
  return main
}

function seedName(kind: 'job' | 'keep' | 'rot', target?: string, offsetMs = 86_400_000): string {
  return formatKeyName({
    label: LABEL,
    kind,
    expiresAt: new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000),
    repository: REPO,
    runId: '5',
    runAttempt: '1',
    job: 'seed',
    ...(target ? { target } : {}),
    nonce: Math.random().toString(16).slice(2, 10),
  })
}

describe('one key-name, several secrets', () => {
  it('repository, environment, organisation and back: every secret keeps a live key', async () => {
    const w = await start()
    const { repo, production, staging, org } = TARGETS
    for (const t of [repo, production, org, repo, staging, production, org, repo]) {
      await rotateAndCheck(w, t)
    }
    // one live key per secret, nothing left over
    expect(managed(w)).toHaveLength(4)
    expect(new Set(managed(w).map((k) => parseKeyName(k.name)?.target))).toEqual(
      new Set([repo, production, staging, org].map((t) => t.targetId)),
    )
  })

  it('two secret names of one scope are two rotations', async () => {
    const w = await start()
    const { repo, repoOther } = TARGETS
    for (const t of [repo, repoOther, repo, repoOther, repoOther]) await rotateAndCheck(w, t)
    expect(managed(w)).toHaveLength(2)
    expect(secretValue(w, repo)).not.toBe(secretValue(w, repoOther))
  })

  it('the summary names the secret of every key it retired, and what it left alone', async () => {
    const w = await start()
    const { repo, production } = TARGETS
    const first = await rotateAndCheck(w, repo)
    await rotateAndCheck(w, production)
    const main = await rotateAndCheck(w, repo)
    expect(main.outputs['deleted-count']).toBe('1')
    const where = `repository secret VAST_DEPLOY_KEY of ${REPO}`
    expect(main.summary).toContain(`The ${where} now holds key ${main.outputs['key-id']}`)
    expect(main.summary).toMatch(
      new RegExp(
        `\\| retired \\(deleted\\) \\| ${first.outputs['key-id']} \\| ci-deploy \\[vsk2 m=rot [^|]+\\| ${where} \\|`,
      ),
    )
    const leftAlone = `1 other key(s) named "ci-deploy" were left alone (1 written to another secret)`
    expect(shown(main)).toContain(leftAlone)
    expect(main.summary).toContain(leftAlone)
    const env = await rotateAndCheck(w, production)
    expect(env.summary).toMatch(
      new RegExp(
        `\\| retired \\(deleted\\) \\| \\d+ \\| [^|]+\\| environment secret VAST_DEPLOY_KEY \\(env production\\) of ${REPO} \\|`,
      ),
    )
    const org = await rotateAndCheck(w, TARGETS.org)
    expect(org.summary).toContain(
      'The organisation secret VAST_DEPLOY_KEY of octo-org (visibility private) now holds',
    )
    expect(w.s.leaks()).toEqual([])
  })

  it("the GitHub emulator's control route shows every secret opened (for the standalone emulator)", async () => {
    const w = await start()
    await rotateAndCheck(w, TARGETS.production)
    const response = await fetch(`${w.github.url}/__emulator/secrets`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual([
      expect.objectContaining({
        scope: 'environment',
        environment: 'production',
        name: 'VAST_DEPLOY_KEY',
        value: secretValue(w, TARGETS.production),
      }),
    ])
  })
})

describe('a rotation never touches keys that are not its own', () => {
  it('a running create-mode job whose key-name equals the label keeps its key', async () => {
    const w = await start()
    const job = new RunnerJob({ actionYml: ACTION_YML })
    const keepJob = new RunnerJob({ actionYml: ACTION_YML })
    try {
      const inputs = w.s.inputs({ 'key-name': LABEL, ttl: '1h' })
      const created = await job.runMain({ inputs })
      expect(created.conclusion).toBe('success')
      const jobKey = created.outputs['api-key'] ?? ''
      expect(created.outputs['key-name']).toMatch(/^ci-deploy \[vsk2 m=job /)
      const keep = await keepJob.runMain({ inputs: { ...inputs, revoke: 'never' } })
      expect(keep.outputs['key-name']).toMatch(/^ci-deploy \[vsk2 m=keep /)
      const keptKey = keep.outputs['api-key'] ?? ''
      await rotateAndCheck(w, TARGETS.repo)
      await rotateAndCheck(w, TARGETS.repo)
      expect(w.s.emulator.isLive(jobKey)).toBe(true)
      expect(w.s.emulator.isLive(keptKey)).toBe(true)
      // and the job's own post step still ends its key
      await job.runPost({ inputs })
      expect(w.s.emulator.isLive(jobKey)).toBe(false)
    } finally {
      await job.cleanup()
      await keepJob.cleanup()
    }
  })

  it('keep-previous counts only the rotation’s own keys', async () => {
    const w = await start()
    const { repo, production, org } = TARGETS
    const k1 = await rotateAndCheck(w, repo)
    await rotateAndCheck(w, production)
    await rotateAndCheck(w, org)
    // Newer keys with the same label that are not this rotation's: if they counted, they would
    // take keep-previous's place and the rotation's own previous key would go.
    const e = w.s.emulator
    const strangers = [
      e.addKey({ name: seedName('job') }).id,
      e.addKey({ name: seedName('keep') }).id,
      e.addKey({ name: seedName('rot', production.targetId) }).id,
      e.addKey({ name: `${LABEL} [vsk1 exp=20991231T000000Z repo=${REPO} run=1-1 job=x n=ab]` }).id,
    ]
    const k4 = await rotateAndCheck(w, repo, { 'keep-previous': '1' })
    expect(k4.outputs['deleted-count']).toBe('0')
    const k5 = await rotateAndCheck(w, repo, { 'keep-previous': '1' })
    expect(k5.outputs['deleted-count']).toBe('1')
    const live = managed(w).map((k) => String(k.id))
    expect(live).not.toContain(k1.outputs['key-id'])
    expect(live).toEqual(
      expect.arrayContaining([
        k4.outputs['key-id'],
        k5.outputs['key-id'],
        ...strangers.map(String),
      ]),
    )
    expect(k5.summary).toContain(`| kept (keep-previous) | ${k4.outputs['key-id']} |`)
  })

  it('a legacy vsk1 key with the same label is not retired; a sweep ends it at its deadline', async () => {
    const w = await start()
    const e = w.s.emulator
    const legacy = (exp: string) =>
      e.addKey({ name: `${LABEL} [vsk1 exp=${exp} repo=${REPO} run=1-1 job=rotate n=ab12]` }).id
    const future = legacy('20991231T000000Z')
    const past = legacy('20200101T000000Z')
    await rotateAndCheck(w, TARGETS.repo)
    const main = await rotateAndCheck(w, TARGETS.repo)
    expect(main.outputs['deleted-count']).toBe('1')
    const live = () => managed(w).map((k) => k.id)
    expect(live()).toEqual(expect.arrayContaining([future, past]))
    expect(shown(main)).toContain('2 in the vsk1 format')

    const sweep = await w.s.job.runMain({ inputs: w.s.inputs({ mode: 'sweep' }) })
    expect(sweep.conclusion).toBe('success')
    expect(live()).not.toContain(past)
    expect(live()).toContain(future)
  })

  it('a sweep ends rotation keys at their own deadline (ttl), like every managed key', async () => {
    const w = await start()
    const e = w.s.emulator
    const overdue = e.addKey({ name: seedName('rot', TARGETS.staging.targetId, -60_000) }).id
    const overdueJob = e.addKey({ name: seedName('job', undefined, -60_000) }).id
    await rotateAndCheck(w, TARGETS.repo, { ttl: '2d' })
    const sweep = await w.s.job.runMain({ inputs: w.s.inputs({ mode: 'sweep' }) })
    expect(sweep.outputs['deleted-count']).toBe('2')
    const live = managed(w).map((k) => k.id)
    expect(live).not.toContain(overdue)
    expect(live).not.toContain(overdueJob)
    // the rotated key's deadline is its ttl away: the sweep leaves it, and the secret works
    expect(w.brokenSecrets()).toEqual([])
  })
})

describe('two runs of one rotation at once', () => {
  it('a run whose key the other run retired rotates once more: the secret holds a live key', async () => {
    const w = await start()
    const t = TARGETS.repo
    const job = new RunnerJob({ actionYml: ACTION_YML })
    try {
      await rotateAndCheck(w, t)
      // Run A stops at its list of keys (after writing the secret) until run B has finished;
      // B retired A's key as an older one. A cannot tell whose write GitHub applied last, so it
      // says so and rotates once more (docs/rotation.md).
      const held = w.s.emulator.inject('list', { type: 'hold', apply: false })
      const inputs = w.s.inputs({
        mode: 'rotate',
        permissions: 'instance-manager',
        'key-name': LABEL,
        'github-token': TOKEN,
        'github-api-url': w.github.url,
        ...t.inputs,
      })
      const a = job.runMain({ inputs })
      await held.arrived
      const b = await rotateAndCheck(w, t)
      held.release()
      const resultA = await a
      expect(resultA.conclusion).toBe('success')
      expect(shown(resultA)).toMatch(
        /The new key \d+ was deleted while this rotation ran: another rotation of the same secret ran at the same time and retired it.*Rotating once more/,
      )
      expect(resultA.outputs['key-id']).not.toBe(b.outputs['key-id'])
      expect(secretValue(w, t)).toBe(
        w.s.emulator.liveKeys().find((k) => String(k.id) === resultA.outputs['key-id'])?.key,
      )
      expect(w.brokenSecrets()).toEqual([])
    } finally {
      await job.cleanup()
    }
  })
})

describe('two runs of one rotation, the other one still running', () => {
  it('a rotation never retires a newer key of its secret: the other run may have written it', async () => {
    const w = await start()
    const t = TARGETS.repo
    const job = new RunnerJob({ actionYml: ACTION_YML, env: { GITHUB_RUN_ID: '777' } })
    try {
      await rotateAndCheck(w, t)
      // A stops at its list of keys (after its write); B then mints and writes, and stops at its
      // own list. A's list shows B's newer key while A's own key is still there.
      const heldA = w.s.emulator.inject('list', { type: 'hold', apply: false })
      const inputs = w.inputs(t)
      const a = job.runMain({ inputs })
      await heldA.arrived
      const heldB = w.s.emulator.inject('list', { type: 'hold', apply: false })
      const b = w.s.job.runMain({ inputs })
      await heldB.arrived
      heldA.release()
      const resultA = await a
      heldB.release()
      const resultB = await b
      await job.runPost({ inputs })
      await w.s.job.runPost({ inputs })
      expect(resultA.conclusion).toBe('success')
      expect(shown(resultA)).toMatch(
        new RegExp(
          `Left alone 1 key\\(s\\) of the repository secret VAST_DEPLOY_KEY of ${REPO} newer than this rotation's \\(${resultB.outputs['key-id']}\\): another rotation of the same secret ran at the same time`,
        ),
      )
      expect(resultB.conclusion).toBe('success')
      expect(secretValue(w, t)).toBe(
        w.s.emulator.liveKeys().find((k) => String(k.id) === resultB.outputs['key-id'])?.key,
      )
      expect(w.brokenSecrets()).toEqual([])
    } finally {
      await job.cleanup()
    }
  })
})

const rot = (
  target: TargetId,
  fault: Extract<RotationStep, { kind: 'rotate' }>['fault'],
  keepPrevious: number,
): RotationStep => ({ kind: 'rotate', target, fault, keepPrevious })

describe('generated sequences of rotations (fast-check, fixed seed)', () => {
  it('one label over a few targets, with faults and running jobs: every secret holds a live key after every step', async () => {
    await fc.assert(
      fc.asyncProperty(rotationSequence, async (steps) => {
        expect(await runRotationSequence(steps)).toEqual([])
      }),
      {
        numRuns: 4,
        seed: 1212,
        endOnFailure: true,
        // Always tried, before the generated ones: the cases of the security review.
        examples: [
          [[rot('repo', 'none', 0), rot('repo', 'write lost then refused', 0)]],
          [[rot('production', 'create applied late', 0), rot('production', 'none', 1)]],
          [[rot('org', 'none', 0), rot('org', 'write delayed, overlapped', 0)]],
        ],
      },
    )
  }, 120_000)
})

describe('a 403 from GitHub names the permissions of the secret scope', () => {
  it.each([
    ['repo', 'putSecret', /permission-secrets: write\)/],
    [
      'production',
      'envPutSecret',
      /permission-environments: write and permission-secrets: write\)/,
    ],
    ['org', 'orgPutSecret', /permission-organization-secrets: write\)/],
  ] as const)('%s', async (id, route, permissions) => {
    const w = await start()
    w.github.inject(route, {
      type: 'status',
      status: 403,
      body: { message: 'Resource not accessible by integration' },
    })
    const main = await w.rotate(TARGETS[id])
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(permissions)
  })
})
