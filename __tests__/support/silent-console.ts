import { afterAll, beforeAll, expect, jest } from '@jest/globals'

/**
 * Call at the top of a test file: the file fails if anything it ran wrote to the console (an
 * emulator handles secrets and must never print). Spies from beforeAll, checks and restores in
 * afterAll.
 */
export function expectSilentConsole(): void {
  const spies: jest.Spied<typeof console.log>[] = []
  beforeAll(() => {
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(jest.spyOn(console, method))
    }
  })
  afterAll(() => {
    for (const spy of spies) {
      expect(spy).not.toHaveBeenCalled()
      spy.mockRestore()
    }
  })
}
