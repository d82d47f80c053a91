import { afterEach, describe, expect, it } from '@jest/globals'
import { parseKeyName } from '../src/core/key-name.ts'
import { scenario, shown, type Scenario } from './support/action.ts'
import { findLeaks } from '../harness/runner.ts'
import {
  LABEL,
  REPO,
  TARGETS,
  TOKEN,
  rotationWorld,
  type RotationWorld,
} from './support/rotation.ts'

// dry-run: true in create and rotate mode, from dist/ against the emulators: everything is
// checked and reported, nothing is created, written or deleted, and the post step has nothing
// to do.

let world: RotationWorld | undefined
let plain: Scenario | undefined
afterEach(async () => {
  await world?.close()
  await plain?.close()
  world = undefined
  plain = undefined
})

/** The Vast requests that change something. */
const changes = (s: Scenario) =>
  s.emulator.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`)

describe('create, dry run', () => {
  it('checks the parent key with Vast, says what it would make, makes nothing', async () => {
    const s = (plain = await scenario())
    const inputs = s.inputs({
      'dry-run': 'true',
      'key-name': 'train',
      ttl: '2h',
      'export-env': 'true',
    })
    const started = Date.now()
    const main = await s.job.runMain({ inputs })
    const post = await s.job.runPost({ inputs })
    expect(main.conclusion).toBe('success')
    expect(changes(s)).toEqual([])
    expect(s.emulator.requestsFor('current')).toHaveLength(1)
    expect(s.emulator.liveKeys()).toHaveLength(1) // the parent only
    expect(main.outputs['api-key']).toBeUndefined()
    expect(main.outputs['key-id']).toBeUndefined()
    expect(main.exportedEnv).toEqual({})
    const fields = parseKeyName(main.outputs['key-name'] ?? '')
    expect(fields).toMatchObject({ label: 'train', kind: 'job', repository: REPO })
    // the deadline a key made now would get: 2 h from the step's clock, rounded up to a second
    const deadline = fields?.expiresAt.getTime() ?? 0
    expect(deadline).toBeGreaterThanOrEqual(started + 2 * 3_600_000 - 1000)
    expect(deadline).toBeLessThanOrEqual(Date.now() + 2 * 3_600_000 + 1000)
    expect(main.outputs['expires-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(main.outputs.permissions).toBe('{"api":{"instance_read":{}}}')
    expect(shown(main)).toMatch(
      new RegExp(
        `Dry run: nothing was created\\. Vast accepted the parent key \\(key ${s.emulator.parentKeyId}\\)\\. A real run would create "train \\[vsk2 m=job `,
      ),
    )
    expect(shown(main)).toContain('hand it out as the api-key output, $VAST_API_KEY')
    expect(main.summary).toContain('dry run: nothing created')
    expect(post.conclusion).toBe('success')
    expect(shown(post)).toMatch(/Nothing to clean up/)
    expect(changes(s)).toEqual([])
    expect(s.leaks()).toEqual([])
  })

  it('a parent key Vast refuses fails the dry run, naming the input', async () => {
    const s = (plain = await scenario())
    const main = await s.job.runMain({
      inputs: s.inputs({ 'dry-run': 'true', 'admin-api-key': 'not-a-known-key-0123' }),
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/Dry run: the parent key \(admin-api-key\) did not pass: .*401/)
    expect(changes(s)).toEqual([])
  })

  it('bad input fails before any request, in a dry run too', async () => {
    const s = (plain = await scenario())
    const main = await s.job.runMain({ inputs: s.inputs({ 'dry-run': 'true', ttl: 'forever' }) })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/Input 'ttl'/)
    expect(s.emulator.requests).toEqual([])
  })
})

describe('rotate, dry run', () => {
  it('reads the public key, lists the keys, says what it would write and retire, changes nothing', async () => {
    const w = (world = await rotationWorld())
    const { repo, production } = TARGETS
    const old = await w.rotate(repo)
    await w.rotate(production)
    const before = w.github.secret(repo.scope, repo.secretName)
    const vastChanges = changes(w.s).length
    const puts = w.github.requestsFor('putSecret').length

    const main = await w.rotate(repo, { 'dry-run': 'true' })
    expect(main.conclusion).toBe('success')
    expect(changes(w.s)).toHaveLength(vastChanges)
    expect(w.github.requestsFor('putSecret')).toHaveLength(puts)
    expect(w.github.secret(repo.scope, repo.secretName)).toEqual(before)
    expect(w.brokenSecrets()).toEqual([])
    expect(main.outputs).toMatchObject({
      'secret-name': 'VAST_DEPLOY_KEY',
      'deleted-count': '0',
    })
    expect(main.outputs['key-id']).toBeUndefined()
    expect(main.outputs['rotated-at']).toBeUndefined()
    expect(parseKeyName(main.outputs['key-name'] ?? '')).toMatchObject({
      label: LABEL,
      kind: 'rot',
      target: repo.targetId,
    })
    const where = `repository secret VAST_DEPLOY_KEY of ${REPO}`
    expect(shown(main)).toMatch(
      new RegExp(`GitHub gave the public key of the ${where} \\(key id \\w+\\)`),
    )
    expect(shown(main)).toContain(
      `It would then delete the older key ${old.outputs['key-id']} (${old.outputs['key-name']}), written to the ${where}.`,
    )
    expect(shown(main)).toContain('1 written to another secret')
    expect(main.summary).toContain(`| would delete | ${old.outputs['key-id']} |`)
    expect(main.summary).toContain('dry run: nothing created, written or deleted')
    expect([...w.s.leaks(), ...findLeaks(w.s.job.logText(), [TOKEN])]).toEqual([])
  })

  it('with keep-previous, says which key it would keep', async () => {
    const w = (world = await rotationWorld())
    const first = await w.rotate(TARGETS.production)
    const main = await w.rotate(TARGETS.production, { 'dry-run': 'true', 'keep-previous': '1' })
    expect(shown(main)).toContain(
      `It would keep 1 older key(s) (keep-previous: 1): ${first.outputs['key-id']}.`,
    )
    expect(shown(main)).not.toMatch(/would then delete/)
  })

  it('resolves selected repositories to ids, and fails on one GitHub cannot find', async () => {
    const w = (world = await rotationWorld())
    w.github.addRepository('octo-org/deployer')
    const org = {
      'secret-scope': 'organization',
      organization: 'octo-org',
      visibility: 'selected',
    }
    const ok = await w.rotate(TARGETS.org, {
      ...org,
      'dry-run': 'true',
      'selected-repositories': 'deployer',
    })
    expect(ok.conclusion).toBe('success')
    expect(shown(ok)).toMatch(/and the selected repositories' ids \(\d+\)/)
    const missing = await w.rotate(TARGETS.org, {
      ...org,
      'dry-run': 'true',
      'selected-repositories': 'missing',
    })
    expect(missing.conclusion).toBe('failure')
    expect(shown(missing)).toMatch(/Could not find repository octo-org\/missing .*HTTP 404/)
    expect(changes(w.s)).toEqual([])
    expect(w.github.secrets()).toEqual([])
  })

  it('a token that cannot see the secret fails the dry run before Vast is asked', async () => {
    const w = (world = await rotationWorld())
    const main = await w.rotate(TARGETS.repo, {
      'dry-run': 'true',
      repository: 'octo-org/missing',
    })
    expect(main.conclusion).toBe('failure')
    expect(shown(main)).toMatch(/Could not read the public key of the repository secret .*HTTP 404/)
    expect(w.s.emulator.requests).toEqual([])
  })
})
