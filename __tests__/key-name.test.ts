import { describe, expect, it } from '@jest/globals'
import {
  deadlineFrom,
  formatKeyName,
  isoSeconds,
  MAX_NAME_LENGTH,
  parseKeyName,
  type KeyNameFields,
} from '../src/key-name.ts'

const fields: KeyNameFields = {
  label: 'gha-train',
  expiresAt: new Date('2026-11-22T15:00:00Z'),
  repository: 'octo-org/gpu-trainer',
  runId: '1234567890',
  runAttempt: '1',
  job: 'train',
  nonce: '3fa9c2d1',
}

describe('key names', () => {
  it('formats a readable name', () => {
    expect(formatKeyName(fields)).toBe(
      'gha-train [vsk1 exp=20261122T150000Z repo=octo-org/gpu-trainer run=1234567890-1 job=train n=3fa9c2d1]',
    )
  })

  it('round-trips through parseKeyName', () => {
    expect(parseKeyName(formatKeyName(fields))).toEqual(fields)
  })

  it('lets the label hold anything printable, even a fake tail', () => {
    const label = 'x [vsk1 exp=20000101T000000Z repo=a/b run=1-1 job=j n=00] | ünïcode'
    expect(parseKeyName(formatKeyName({ ...fields, label }))).toEqual({ ...fields, label })
  })

  it('stays within 255 characters, shortening the job and label but not the repository', () => {
    const long = {
      ...fields,
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
    expect(parsed?.expiresAt).toEqual(long.expiresAt)
  })

  it('does not parse names the action did not make', () => {
    const smuggled = `x\n::warning::pwned${formatKeyName(fields).slice('gha-train'.length)}`
    for (const name of [
      'ci-parent',
      'deploy [vsk1 exp=2026 repo=a/b]',
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
