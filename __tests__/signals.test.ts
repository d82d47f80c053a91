import { EventEmitter } from 'node:events'
import { describe, expect, it } from '@jest/globals'
import { failOnUncaught } from '../src/action/signals.ts'

// What Node would print to stderr by itself goes through the runner instead (issue 11).

function fakeProcess() {
  const emitter = new EventEmitter()
  const exits: number[] = []
  // Node's own printer of process warnings, as installed at start-up
  emitter.on('warning', () => exits.push(-1))
  const target = Object.assign(emitter, { exit: (code?: number) => void exits.push(code ?? 0) })
  return { target: target as unknown as Parameters<typeof failOnUncaught>[2], emitter, exits }
}

describe('failOnUncaught', () => {
  it('routes process warnings to debug, and Node no longer prints them', () => {
    const { target, emitter, exits } = fakeProcess()
    const debug: string[] = []
    failOnUncaught(
      () => {},
      (m) => debug.push(m),
      target,
    )
    const warning = Object.assign(new Error('Unknown directive ##[stop-commands]x'), {
      name: 'YAMLWarning',
    })
    emitter.emit('warning', warning)
    expect(debug).toEqual(['YAMLWarning: Unknown directive ##[stop-commands]x'])
    expect(exits).toEqual([])
  })

  it.each(['uncaughtException', 'unhandledRejection'])(
    'fails the step on %s, with the stack for debug, and ends the process',
    (event) => {
      const { target, emitter, exits } = fakeProcess()
      const failed: [string, string | undefined][] = []
      failOnUncaught(
        (m, s) => failed.push([m, s]),
        () => {},
        target,
      )
      const error = new Error('boom ::stop-commands::x')
      emitter.emit(event, error)
      expect(failed).toEqual([['Unexpected error: boom ::stop-commands::x', error.stack]])
      expect(exits).toEqual([1])
    },
  )
})
