import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { formatKeyName, type NewKeyNameFields } from '../src/core/key-name.ts'
import { sameStep, uncertaintyEnd, LATE_APPLY_MIN_MARGIN_MS } from '../src/core/step-keys.ts'
import { CANCEL_CLEANUP_BUDGET_MS, GraceBudget, graceSignals } from '../src/action/signals.ts'

const word = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/)
const fields: fc.Arbitrary<NewKeyNameFields> = fc.record({
  label: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\p{Cc}\p{Cf}]/gu, '')),
  kind: fc.constantFrom('job' as const, 'keep' as const),
  expiresAt: fc.integer({ min: 1.7e12, max: 4e12 }).map((ms) => new Date(ms - (ms % 1000))),
  repository: fc.tuple(word, word).map(([a, b]) => `${a}/${b}`),
  runId: fc.integer({ min: 1, max: 1e12 }).map(String),
  runAttempt: fc.integer({ min: 1, max: 9 }).map(String),
  job: word,
  nonce: fc.stringMatching(/^[0-9a-f]{8}$/),
})

describe('sameStep', () => {
  it('matches a name of the same step run whatever its label and deadline', () => {
    fc.assert(
      fc.property(
        fields,
        fc.string({ maxLength: 10 }),
        fc.integer({ min: 1, max: 9 }),
        (f, label, h) => {
          const other = formatKeyName({
            ...f,
            label: label.replace(/[\p{Cc}\p{Cf}]/gu, ''),
            expiresAt: new Date(f.expiresAt.getTime() + h * 3_600_000),
          })
          expect(sameStep(other, formatKeyName(f))).toBe(true)
        },
      ),
    )
  })

  it('never matches a name that differs in kind, repository, run, attempt, job or nonce', () => {
    const changes: ((f: NewKeyNameFields) => NewKeyNameFields)[] = [
      (f) => ({ ...f, kind: f.kind === 'job' ? 'keep' : 'job' }),
      (f) => ({ ...f, repository: `${f.repository}x` }),
      (f) => ({ ...f, runId: `${f.runId}1` }),
      (f) => ({ ...f, runAttempt: `${Number(f.runAttempt) + 1}` }),
      (f) => ({ ...f, job: `${f.job}x` }),
      (f) => ({ ...f, nonce: f.nonce === 'ffffffff' ? '00000000' : 'ffffffff' }),
    ]
    fc.assert(
      fc.property(fields, fc.constantFrom(...changes), (f, change) => {
        expect(sameStep(formatKeyName(change(f)), formatKeyName(f))).toBe(false)
      }),
    )
  })

  it('never matches a name the action did not make', () => {
    const mine = formatKeyName(fc.sample(fields, { numRuns: 1, seed: 1 })[0] as NewKeyNameFields)
    expect(sameStep('alice laptop', mine)).toBe(false)
    expect(sameStep(mine, 'alice laptop')).toBe(false)
  })
})

describe('the late-apply window', () => {
  it('ends request-timeout plus the margin after the send', () => {
    expect(uncertaintyEnd(1000, 30_000)).toBe(1000 + 30_000 + 15_000)
    expect(uncertaintyEnd(1000, 1_000)).toBe(1000 + 1_000 + LATE_APPLY_MIN_MARGIN_MS)
  })
})

describe('GraceBudget', () => {
  it('shortens to the grace after SIGINT and aborts only at SIGTERM or the grace end', () => {
    let now = 1_000_000
    const budget = new GraceBudget(50_000, () => now)
    expect(budget.deadline()).toBe(1_050_000)
    expect(budget.receive('SIGINT', now)).toBe(true)
    expect(budget.deadline()).toBe(1_000_000 + CANCEL_CLEANUP_BUDGET_MS)
    expect(budget.signal.aborted).toBe(false)
    now += 1000
    // a second SIGINT changes nothing
    expect(budget.receive('SIGINT', now)).toBe(true)
    expect(budget.deadline()).toBe(1_000_000 + CANCEL_CLEANUP_BUDGET_MS)
    expect(budget.receive('SIGTERM', now)).toBe(true)
    expect(budget.signal.aborted).toBe(true)
    // once aborted, a further signal ends the process
    expect(budget.receive('SIGTERM', now)).toBe(false)
  })

  it('keeps a shorter budget when SIGINT comes near its end', () => {
    const budget = new GraceBudget(2000, () => 0)
    budget.receive('SIGINT', 0)
    expect(budget.deadline()).toBe(2000)
    budget.receive('SIGTERM', 0)
  })
})

describe('graceSignals', () => {
  it('installs its handlers, then replays what was caught before the bundle loaded', () => {
    const handlers = new Map<string, (name: NodeJS.Signals) => void>()
    const exits: number[] = []
    const target = {
      on: (event: string, handler: (name: NodeJS.Signals) => void) => {
        handlers.set(event, handler)
        return target
      },
      exit: (code?: number) => {
        exits.push(code ?? 0)
      },
    } as unknown as Pick<NodeJS.Process, 'on' | 'exit'>
    const order: string[] = []
    const budget = new GraceBudget(50_000, () => 1000)
    graceSignals(
      budget,
      (name) => order.push(`told ${name}`),
      {
        received: [{ name: 'SIGINT', at: 900 }],
        release: () => order.push(`released with ${[...handlers.keys()].join(',')}`),
      },
      target,
    )
    expect(order).toEqual(['released with SIGINT,SIGTERM', 'told SIGINT'])
    expect(budget.interruptedAt).toBe(900)
    expect(budget.deadline()).toBe(900 + CANCEL_CLEANUP_BUDGET_MS)
    handlers.get('SIGTERM')?.('SIGTERM')
    expect(budget.signal.aborted).toBe(true)
    expect(exits).toEqual([])
    handlers.get('SIGTERM')?.('SIGTERM')
    expect(exits).toEqual([1])
  })
})
