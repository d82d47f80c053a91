// `npm run bench:broker`: the key broker's cost, measured on this machine against the loopback
// Vast and OIDC emulators (what the broker adds: token check, policy, one create or one list +
// delete). Not part of `npm test`: timings depend on the machine and what else it is doing.
//
//   1. one replica, 50 jobs one after another: POST /v1/keys and DELETE /v1/keys/{id} latency
//   2. a 20-job matrix at once through two replicas behind a round-robin balancer, on the broker's
//      default limits, no Vast limit
//   3. the same matrix with Vast's documented intervals scaled by 0.1 (a create every 200 ms per
//      parent key): every job must still get its key, spaced by the broker's 429 pacing

import { AUDIENCE, callBroker, jobClaims, startWorld } from '../__tests__/support/broker.ts'

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN
}
const ms = (value: number) => `${value.toFixed(1)} ms`

async function sequential(): Promise<void> {
  const world = await startWorld()
  const creates: number[] = []
  const deletes: number[] = []
  try {
    for (let i = 0; i < 50; i++) {
      const token = await world.oidc.sign(jobClaims({ run_id: String(1000 + i) }), {
        audience: AUDIENCE,
      })
      let started = performance.now()
      const minted = await callBroker(world.url, 'POST', '/v1/keys', token, {
        permissions: 'instance-reader',
        ttl: '10m',
      })
      creates.push(performance.now() - started)
      if (minted.status !== 201) throw new Error(`mint answered ${minted.status}`)
      started = performance.now()
      await callBroker(world.url, 'DELETE', `/v1/keys/${String(minted.body.id)}`, token)
      deletes.push(performance.now() - started)
    }
  } finally {
    await world.close()
  }
  console.log(
    `1. POST /v1/keys   p50 ${ms(percentile(creates, 50))}  p95 ${ms(percentile(creates, 95))}  (50 sequential, one replica)`,
  )
  console.log(
    `   DELETE /v1/keys p50 ${ms(percentile(deletes, 50))}  p95 ${ms(percentile(deletes, 95))}`,
  )
}

async function matrix(label: string, scale?: number): Promise<void> {
  const world = await startWorld({
    replicas: 2,
    limits: 'default', // the broker's own per-repository defaults, as deployed
    ...(scale ? { vast: { rateLimits: { scale, form: 'text' as const } } } : {}),
  })
  try {
    const started = performance.now()
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, leg) => {
        const token = await world.oidc.sign(jobClaims({ run_id: '555' }), { audience: AUDIENCE })
        const t0 = performance.now()
        const answer = await callBroker(world.url, 'POST', '/v1/keys', token, {
          permissions: 'instance-reader',
          ttl: '30m',
          'key-name': `leg-${leg}`,
        })
        return { status: answer.status, ms: performance.now() - t0 }
      }),
    )
    const wall = performance.now() - started
    const ok = answers.filter((a) => a.status === 201).length
    const live = world.vast.liveKeys().length - 1
    const refusals = world.vast.requests.filter((r) => r.status === 429).length
    console.log(
      `${label} 20 jobs, 2 replicas: ${ok}/20 keys (${live} on the account), all served in ${ms(wall)}; slowest ${ms(Math.max(...answers.map((a) => a.ms)))}; Vast 429s: ${refusals}`,
    )
  } finally {
    await world.close()
  }
}

await sequential()
await matrix('2.')
await matrix('3. (Vast intervals x0.1)', 0.1)
