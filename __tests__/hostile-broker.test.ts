import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { OidcEmulator } from '../emulator/oidc.ts'
import { RunnerJob } from '../harness/runner.ts'
import { ACTION_YML } from './support/action.ts'
import { hostileText } from './support/hostile.ts'
import { CHILD } from './support/hostile-runs.ts'
import { stepProblems } from './support/stream.ts'

// A broker's refusal is text from outside: generated hostile text (workflow commands in every
// form, line ends, escapes, pieces of the key) in the broker's answers to create and to the post
// step's delete must never become a runner command, nor show the key or the OIDC token.

interface Answer {
  phase: 'create' | 'delete'
  status: number
  text: string
}
let answer: Answer = { phase: 'create', status: 403, text: '' }
let server: Server
let url = ''
let oidc: OidcEmulator

beforeAll(async () => {
  oidc = await OidcEmulator.start()
  server = createServer((req, res) => {
    req.resume()
    const refuse = req.method === 'POST' ? answer.phase === 'create' : answer.phase === 'delete'
    res.writeHead(refuse ? answer.status : req.method === 'POST' ? 201 : 200, {
      'Content-Type': 'application/json',
    })
    res.end(
      JSON.stringify(
        refuse
          ? { error: answer.text }
          : req.method === 'POST'
            ? {
                id: 7,
                key: CHILD,
                name: 'x [vsk2]',
                expires_at: '2030-01-01T00:00:00Z',
                permissions: {},
              }
            : { id: 7, result: 'deleted' },
      ),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await oidc.close()
})

describe("hostile text in the broker's answers", () => {
  it('never becomes a runner command and never shows the key or the token (generated)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Answer['phase']>('create', 'delete'),
        fc.constantFrom(400, 401, 403, 404),
        hostileText([CHILD]),
        async (phase, status, text) => {
          answer = { phase, status, text }
          const before = oidc.issued.length
          const env = oidc.registerJob({
            repository: 'octo-org/gpu-trainer',
            run_id: '1',
            run_attempt: '1',
          })
          const job = new RunnerJob({ actionYml: ACTION_YML, env })
          try {
            const inputs = {
              'broker-url': url,
              permissions: 'instance_read',
              'request-timeout': '5s',
            }
            const main = await job.runMain({ inputs })
            const post = await job.runPost({ inputs })
            expect(main.conclusion).toBe(phase === 'create' ? 'failure' : 'success')
            const tokens = [env.ACTIONS_ID_TOKEN_REQUEST_TOKEN, ...oidc.issued.slice(before)]
            const secrets = phase === 'delete' ? [CHILD, ...tokens] : tokens
            expect([...stepProblems(main, secrets), ...stepProblems(post, secrets)]).toEqual([])
          } finally {
            await job.cleanup()
          }
        },
      ),
      { numRuns: 12 },
    )
  }, 120_000)
})
