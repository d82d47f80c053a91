import { spawnSync } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { checkNodeDebug, NETWORK_DEBUG_SETS, networkDebugSets } from '../src/core/node-debug.ts'
import { createFetch } from '../src/core/vast/transport.ts'

// The action refuses to send anything when NODE_DEBUG turns on a network module's debug output
// (src/core/node-debug.ts). The oracle is Node itself: its own debuglog, fed each generated value.

/** The network sets Node's debuglog turns on for each value (one child process for the batch). */
function nodeSays(values: string[]): string[][] {
  const script = `
    const { initializeDebugEnv, debuglog } = require('internal/util/debuglog')
    const out = JSON.parse(require('fs').readFileSync(0, 'utf8')).map((value) => {
      try { initializeDebugEnv(value) } catch { return null }
      return ${JSON.stringify(NETWORK_DEBUG_SETS)}.filter((set) => debuglog(set).enabled)
    })
    process.stdout.write(JSON.stringify(out))`
  const child = spawnSync(process.execPath, ['--expose-internals', '-e', script], {
    input: JSON.stringify(values),
    encoding: 'utf8',
    env: { PATH: process.env['PATH'] ?? '' },
  })
  expect(child.stderr).toBe('')
  return JSON.parse(child.stdout) as string[][]
}

const piece = fc.oneof(
  fc.constantFrom(...NETWORK_DEBUG_SETS, 'fs', 'module', 'esm', 'stream', 'undici', 'worker'),
  fc.constantFrom('*', 'h*', '*s', 'ht*p', 'n*t', 'T*', '*2', '.', 'htt.', 'http?', 'net|tls'),
  fc.string({ unit: fc.constantFrom(...'httpsnetl2*,. |-?'), maxLength: 8 }),
)
const debugValue = fc
  .array(piece, { minLength: 0, maxLength: 4 })
  .chain((parts) =>
    fc
      .array(fc.boolean(), { minLength: parts.length, maxLength: parts.length })
      .map((upper) => parts.map((p, i) => (upper[i] ? p.toUpperCase() : p)).join(',')),
  )

describe('NODE_DEBUG', () => {
  it('turns on exactly the network sets Node would turn on (generated values)', () => {
    const values = fc.sample(debugValue, { numRuns: 400, seed: 7 })
    values.push('', 'http', 'HTTPS', '*', 'fs', 'http ', ' http', 'https2', 'h*p', 'x,tls')
    const expected = nodeSays(values)
    values.forEach((value, i) => {
      if (expected[i] === null) return // Node would not start
      expect({ value, sets: networkDebugSets(value) }).toEqual({ value, sets: expected[i] })
    })
  })

  it('the transport refuses before any request when a network set is on, and names them', () => {
    fc.assert(
      fc.property(debugValue, (value) => {
        const sets = networkDebugSets(value)
        const make = () => createFetch({ NODE_DEBUG: value })
        if (sets.length === 0) {
          expect(make).not.toThrow()
        } else {
          expect(make).toThrow(`NODE_DEBUG turns on Node's debug output for ${sets.join(', ')}: `)
        }
      }),
    )
    expect(() => checkNodeDebug({ NODE_DEBUG: 'fs,module' })).not.toThrow()
  })
})
