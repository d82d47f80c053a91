import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import {
  formatInstanceLabel,
  isLabelOf,
  isLabelOfJob,
  MAX_INSTANCE_LABEL_LENGTH,
  parseInstanceLabel,
  repositoryHash,
  type InstanceLabelFields,
} from '../src/core/instance-label.ts'
import { lookAlikes } from './support/instances.ts'

const fields: InstanceLabelFields = {
  repository: 'octo-org/gpu-trainer',
  runId: '1234567890',
  runAttempt: '1',
  job: 'train',
  expiresAt: new Date('2026-11-22T15:00:00Z'),
  nonce: '9f86d081884c',
}
const context = {
  repository: 'octo-org/gpu-trainer',
  runId: '1234567890',
  runAttempt: '1',
  job: 'train',
}

const SAFE = /^[A-Za-z0-9._:/-]+$/

describe('instance labels', () => {
  it('formats a readable label within the safe length and characters', () => {
    const label = formatInstanceLabel(fields)
    expect(label).toBe(
      `vski1:octo-org/gpu-trainer:1234567890.1:train:20261122T150000Z:${repositoryHash('octo-org/gpu-trainer')}.9f86d081884c`,
    )
    expect(label).toMatch(SAFE)
    expect(parseInstanceLabel(label)).toEqual({
      repositoryShown: 'octo-org/gpu-trainer',
      repositoryHash: repositoryHash('octo-org/gpu-trainer'),
      runId: '1234567890',
      runAttempt: '1',
      jobShown: 'train',
      expiresAt: fields.expiresAt,
      nonce: '9f86d081884c',
    })
    expect(isLabelOfJob(label, context)).toBe(true)
  })

  it('keeps the longest names within 128 characters, and tells cut repositories apart by hash', () => {
    const long = {
      ...fields,
      repository: `${'o'.repeat(39)}/${'r'.repeat(100)}`,
      runId: '9'.repeat(20),
      runAttempt: '99999',
      job: 'j'.repeat(100),
    }
    const label = formatInstanceLabel(long)
    expect(label.length).toBeLessThanOrEqual(MAX_INSTANCE_LABEL_LENGTH)
    expect(isLabelOf(label, long.repository)).toBeDefined()
    expect(isLabelOf(label, `${long.repository}x`)).toBeUndefined()
    // `_` is not in the safe set: a_b and a-b look the same but are told apart by the hash
    const underscore = formatInstanceLabel({ ...fields, repository: 'octo/a_b' })
    expect(isLabelOf(underscore, 'octo/a_b')).toBeDefined()
    expect(isLabelOf(underscore, 'octo/a-b')).toBeUndefined()
  })

  it('treats the repository case-insensitively, as GitHub does', () => {
    const label = formatInstanceLabel(fields)
    expect(isLabelOf(label, 'Octo-Org/GPU-Trainer')).toBeDefined()
  })

  it('refuses run ids, attempts and nonces the action never makes', () => {
    expect(() => formatInstanceLabel({ ...fields, runId: '12a' })).toThrow(/digits/)
    expect(() => formatInstanceLabel({ ...fields, runAttempt: '123456' })).toThrow(/digits/)
    expect(() => formatInstanceLabel({ ...fields, nonce: 'XYZ' })).toThrow(/nonce/)
  })

  it('is not the label of another run attempt, job or repository', () => {
    const label = formatInstanceLabel(fields)
    expect(isLabelOfJob(label, { ...context, runAttempt: '2' })).toBe(false)
    expect(isLabelOfJob(label, { ...context, runId: '1234567891' })).toBe(false)
    expect(isLabelOfJob(label, { ...context, job: 'test' })).toBe(false)
    expect(isLabelOfJob(label, { ...context, repository: 'octo-org/other' })).toBe(false)
  })

  it('refuses dates that do not exist', () => {
    const label = formatInstanceLabel(fields).replace('20261122', '20261322')
    expect(parseInstanceLabel(label)).toBeUndefined()
  })

  const fieldsArb = fc.record({
    repository: fc
      .tuple(
        fc.stringMatching(/^[A-Za-z0-9-]{1,39}$/),
        fc.stringMatching(/^[A-Za-z0-9._-]{1,100}$/),
      )
      .map(([owner, repo]) => `${owner}/${repo}`),
    runId: fc.stringMatching(/^[1-9]\d{0,19}$/),
    runAttempt: fc.stringMatching(/^[1-9]\d{0,4}$/),
    job: fc.string({ minLength: 1, maxLength: 120 }),
    expiresAt: fc
      .integer({ min: Date.UTC(2000, 0, 1) / 1000, max: Date.UTC(9999, 0, 1) / 1000 })
      .map((s) => new Date(s * 1000)),
    nonce: fc.stringMatching(/^[0-9a-f]{12}$/),
  })

  it("generated: every label round-trips, is safe, and is its own job's only", () => {
    fc.assert(
      fc.property(fieldsArb, (f) => {
        const label = formatInstanceLabel(f)
        expect(label.length).toBeLessThanOrEqual(MAX_INSTANCE_LABEL_LENGTH)
        expect(label).toMatch(SAFE)
        const parsed = parseInstanceLabel(label)
        expect(parsed).toBeDefined()
        expect(parsed?.runId).toBe(f.runId)
        expect(parsed?.runAttempt).toBe(f.runAttempt)
        expect(parsed?.nonce).toBe(f.nonce)
        expect(parsed?.expiresAt.getTime()).toBe(f.expiresAt.getTime())
        expect(isLabelOfJob(label, f)).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('generated: no look-alike (prefix, case, spaces, other repository) passes as the label', () => {
    fc.assert(
      fc.property(fieldsArb, fc.nat(), (f, pick) => {
        const label = formatInstanceLabel(f)
        const alikes = lookAlikes(label, f.repository)
        const alike = alikes[pick % alikes.length] ?? ''
        expect(alike).not.toBe(label)
        // A look-alike is never this job's label, and is this repository's label at all only
        // when nothing but the case of the job's shown part changed (still the action's format).
        expect(isLabelOfJob(alike, f)).toBe(false)
        const parsed = isLabelOf(alike, f.repository)
        if (parsed) {
          const own = parseInstanceLabel(label)?.jobShown ?? ''
          expect(parsed.jobShown).not.toBe(own)
          expect(parsed.jobShown.toLowerCase()).toBe(own.toLowerCase())
        }
      }),
      { numRuns: 300 },
    )
  })
})
