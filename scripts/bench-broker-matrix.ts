// The broker figure of `npm run bench` (issue 20): an N-job matrix at once through one broker
// replica, against the Vast emulator at Vast's intervals scaled by 0.1 (a create every 200 ms per
// parent key). The broker paces the one parent key itself (its requests share one pace), so the
// matrix should take about N x interval, and with limits sized for N (below) no job should be
// refused by the broker.
//
// The limits it is given, for a matrix of N at create interval I (what docs/broker.md tells an
// operator to set for that size; src/broker/limits.ts has the defaults, sized for 10):
//   per-repository bucket   burst N, refilled at Vast's create rate (60 000 / I a minute)
//   admission               2 mints at Vast at once, N waiting (in all and per repository),
//                           a wait of up to (N + 1) x I x 1.5 accepted, I as the create interval
// The replica is wired as src/broker/wiring.ts does, with those admission settings.

import { performance } from 'node:perf_hooks'
import { setTimeout as delay } from 'node:timers/promises'
import {
  DEFAULT_DELETE_LIMITS,
  FairAdmission,
  MemoryLimiter,
  type AdmissionSettings,
} from '../src/broker/limits.ts'
import { jsonLogger } from '../src/broker/log.ts'
import { parsePolicy } from '../src/broker/policy.ts'
import { startBroker } from '../src/broker/server.ts'
import { createVerifier } from '../src/broker/token.ts'
import { OidcEmulator } from '../emulator/oidc.ts'
import { VastEmulator } from '../emulator/vast.ts'
import { Secret } from '../src/core/secret.ts'
import { VastClient, type PaceMemory } from '../src/core/vast/client.ts'
import { DEFAULT_RETRY } from '../src/core/vast/retry.ts'
import { createFetch } from '../src/core/vast/transport.ts'
import { AUDIENCE, callBroker, jobClaims, TEST_POLICY } from '../__tests__/support/broker.ts'
import type { Figure } from './bench-matrix.ts'

/** Vast's intervals scaled by this in the broker run (create 2 s -> 200 ms). */
const SCALE = 0.1

/** The limits assumed documented for an n-job matrix at create interval `intervalMs`. */
export function limitsFor(n: number, intervalMs: number) {
  const admission: AdmissionSettings = {
    concurrency: Number(process.env.BC ?? 2),
    maxQueued: n,
    maxQueuedPerRepository: n,
    maxWaitMs: Math.ceil((n + 1) * intervalMs * 1.5),
    createIntervalMs: intervalMs,
  }
  return { rate: { burst: n, perMinute: 60_000 / intervalMs }, admission }
}

export async function brokerMatrixFigure(report: (figure: Figure) => void, n: number) {
  const intervalMs = 2000 * SCALE
  const limits = limitsFor(n, intervalMs)
  const vast = await VastEmulator.start({ rateLimits: { scale: SCALE, form: 'text' } })
  const oidc = await OidcEmulator.start()
  const fetch = await createFetch({})
  const pace: PaceMemory = new Map()
  const broker = await startBroker({
    policy: parsePolicy(TEST_POLICY),
    verify: createVerifier({ issuer: oidc.issuer, audience: AUDIENCE }),
    limiter: new MemoryLimiter(limits.rate),
    deleteLimiter: new MemoryLimiter(DEFAULT_DELETE_LIMITS),
    admission: new FairAdmission(limits.admission),
    makeClient: (budgetMs: number, signal?: AbortSignal) =>
      Promise.resolve(
        new VastClient({
          baseUrl: vast.url,
          apiKey: new Secret(vast.parentKey),
          requestTimeoutMs: 20_000,
          retry: { ...DEFAULT_RETRY, maxAttempts: 4 },
          fetch,
          deadline: Date.now() + budgetMs,
          pace,
          ...(signal ? { signal } : {}),
        }),
      ),
    log: jsonLogger(() => {}),
  })
  try {
    const tokens = await Promise.all(
      Array.from({ length: n }, () =>
        oidc.sign(jobClaims({ run_id: '777' }), { audience: AUDIENCE }),
      ),
    )
    let refused = 0
    const started = performance.now()
    const ended = await Promise.all(
      tokens.map(async (token, leg) => {
        // As the action does: a 429 from the broker is waited out (Retry-After) and tried again.
        for (let attempt = 1; attempt <= 20; attempt++) {
          const answer = await callBroker(broker.url, 'POST', '/v1/keys', token, {
            permissions: 'instance-reader',
            ttl: '30m',
            'key-name': `leg-${leg}`,
          })
          if (answer.status === 201) return performance.now() - started
          if (answer.status !== 429) throw new Error(`the broker answered ${answer.status}`)
          refused += 1
          await delay(1000 * Number(answer.headers.get('retry-after') ?? '1'))
        }
        throw new Error('still refused after 20 tries')
      }),
    )
    const last = Math.max(...ended)
    if (process.env.BENCH_TRACE) {
      const creates = vast.requestsFor('create')
      const t0 = creates[0]?.time ?? 0
      console.log(creates.map((r) => `${r.time - t0}:${r.status}`).join(' '))
    }
    const bound = n * intervalMs
    report({
      name: `broker N=${n}, one replica: last key / (N x interval)`,
      value: `${(last / bound).toFixed(2)} (${(last / 1000).toFixed(1)} s at ${intervalMs} ms; Vast 429s ${vast.requestsFor('create').filter((r) => r.status === 429).length})`,
      target: '<= 1.1',
      met: last <= 1.1 * bound,
    })
    report({
      name: `broker N=${n}: 429s from the broker to jobs`,
      value: `${refused} (limits: burst ${n}, ${limits.rate.perMinute}/min, queue ${n})`,
      target: '0',
      met: refused === 0,
    })
  } finally {
    await broker.close()
    await oidc.close()
    await vast.close()
  }
}
