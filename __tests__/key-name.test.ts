import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  deadlineFrom,
  formatKeyName,
  isoSeconds,
  MAX_NAME_LENGTH,
  parseKeyName,
  rotationTargetId,
  type NewKeyNameFields,
} from '../src/core/key-name.ts'

const fields: NewKeyNameFields = {
  label: 'gha-train',
  kind: 'job',
  expiresAt: new Date('2026-11-22T15:00:00Z'),
  repository: 'octo-org/gpu-trainer',
  runId: '1234567890',
  runAttempt: '1',
  job: 'train',
  nonce: '3fa9c2d1',
}
const target = rotationTargetId(['repository', 'octo-org/gpu-trainer', 'VAST_KEY'])
const rotation: NewKeyNameFields = { ...fields, label: 'nightly', kind: 'rot', target }

describe('key names', () => {
  it('formats a readable name that says its kind', () => {
    expect(formatKeyName(fields)).toBe(
      'gha-train [vsk2 m=job exp=20261122T150000Z repo=octo-org/gpu-trainer run=1234567890-1 job=train n=3fa9c2d1]',
    )
    expect(formatKeyName(rotation)).toBe(
      `nightly [vsk2 m=rot exp=20261122T150000Z repo=octo-org/gpu-trainer run=1234567890-1 job=train t=${target} n=3fa9c2d1]`,
    )
  })

  it('round-trips every kind through parseKeyName', () => {
    for (const f of [fields, { ...fields, kind: 'keep' as const }, rotation]) {
      expect(parseKeyName(formatKeyName(f))).toEqual(f)
    }
  })

  it('reads names made before kinds existed as legacy', () => {
    const v1 =
      'gha-train [vsk1 exp=20261122T150000Z repo=octo-org/gpu-trainer run=1234567890-1 job=train n=3fa9c2d1]'
    expect(parseKeyName(v1)).toEqual({ ...fields, kind: 'legacy' })
  })

  it('refuses a target on a key that is not a rotation key, and a rotation key without one', () => {
    expect(() => formatKeyName({ ...fields, target })).toThrow(/target/)
    expect(() => formatKeyName({ ...rotation, target: undefined })).toThrow(/target/)
    const withTarget = formatKeyName(rotation).replace('m=rot', 'm=job')
    const withoutTarget = formatKeyName(rotation).replace(` t=${target}`, '')
    expect(parseKeyName(withTarget)).toBeUndefined()
    expect(parseKeyName(withoutTarget)).toBeUndefined()
  })

  it('tells targets apart: scope, owner, environment and secret name all count; case does not', () => {
    const ids = [
      ['repository', 'o/r', 'K'],
      ['environment', 'o/r', 'prod', 'K'],
      ['environment', 'o/r', 'staging', 'K'],
      ['organization', 'o', 'K'],
      ['repository', 'o/r', 'K2'],
    ].map(rotationTargetId)
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{12}$/)
    expect(rotationTargetId(['repository', 'O/R', 'k'])).toBe(ids[0])
  })

  it('lets the label hold anything printable, even a fake tail', () => {
    const label = 'x [vsk2 m=rot exp=20000101T000000Z repo=a/b run=1-1 job=j n=00] | ünïcode'
    expect(parseKeyName(formatKeyName({ ...fields, label }))).toEqual({ ...fields, label })
  })

  it('stays within 255 characters, shortening the job and label but not the repository', () => {
    const long = {
      ...rotation,
      label: 'l'.repeat(100),
      repository: `${'o'.repeat(39)}/${'r'.repeat(100)}`,
      job: 'j'.repeat(100),
      runId: '9'.repeat(20),
    }
    const name = formatKeyName(long)
    expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH)
    const parsed = parseKeyName(name)
    expect(parsed?.repository).toBe(long.repository)
    expect(parsed?.runId).toBe(long.runId)
    expect(parsed?.target).toBe(target)
    expect(parsed?.expiresAt).toEqual(long.expiresAt)
  })

  it('round-trips generated fields: what a sweep or rotation matches on always comes back', () => {
    const printable = fc.string({ unit: 'grapheme', maxLength: 100 })
    fc.assert(
      fc.property(
        fc.record({
          label: printable,
          kind: fc.constantFrom('job', 'keep', 'rot'),
          seconds: fc.integer({ min: 0, max: 4_000_000_000 }),
          owner: fc.stringMatching(/^[A-Za-z0-9-]{1,39}$/),
          repo: fc.stringMatching(/^[\w.-]{1,100}$/),
          runId: fc.stringMatching(/^[1-9]\d{0,19}$/),
          runAttempt: fc.stringMatching(/^[1-9]\d{0,2}$/),
          job: fc.string({ maxLength: 100 }),
          nonce: fc.stringMatching(/^[0-9a-f]{8,16}$/),
          targetParts: fc.array(fc.string(), { minLength: 1, maxLength: 4 }),
        }),
        (g) => {
          const f: NewKeyNameFields = {
            label: g.label,
            kind: g.kind,
            expiresAt: new Date(g.seconds * 1000),
            repository: `${g.owner}/${g.repo}`,
            runId: g.runId,
            runAttempt: g.runAttempt,
            job: g.job,
            nonce: g.nonce,
            ...(g.kind === 'rot' ? { target: rotationTargetId(g.targetParts) } : {}),
          }
          const name = formatKeyName(f)
          expect(name.length).toBeLessThanOrEqual(MAX_NAME_LENGTH)
          const parsed = parseKeyName(name)
          expect(parsed).toBeDefined()
          expect(parsed).toMatchObject({
            kind: f.kind,
            expiresAt: f.expiresAt,
            repository: f.repository,
            runId: f.runId,
            runAttempt: f.runAttempt,
            nonce: f.nonce,
          })
          expect(parsed?.target).toBe(f.target)
        },
      ),
      { seed: 20261130, numRuns: 300 },
    )
  })

  it('does not parse names the action did not make', () => {
    const smuggled = `x\n::warning::pwned${formatKeyName(fields).slice('gha-train'.length)}`
    for (const name of [
      'ci-parent',
      'deploy [vsk1 exp=2026 repo=a/b]',
      'deploy [vsk2 m=job exp=2026 repo=a/b]',
      'deploy [vsk2 m=other exp=20261122T150000Z repo=a/b run=1-1 job=j n=00]',
      '',
      'gha-x [vsk1]',
      smuggled,
    ]) {
      expect(parseKeyName(name)).toBeUndefined()
    }
  })

  it('rounds the deadline up to whole seconds, as the name stores it', () => {
    const deadline = deadlineFrom(new Date('2026-11-22T09:00:00.250Z'), 30_000)
    expect(isoSeconds(deadline)).toBe('2026-11-22T09:00:31Z')
    expect(parseKeyName(formatKeyName({ ...fields, expiresAt: deadline }))?.expiresAt).toEqual(
      deadline,
    )
  })
})
