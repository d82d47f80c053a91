import { describe, expect, it } from '@jest/globals'
import { allCells, runCell } from './support/fault-matrix.ts'

// Every operation × every fault, through dist/ and the runner protocol (see support/fault-matrix.ts
// for what each cell expects and checks). `npm run test:faults` prints the same cells as a table.

describe('fault matrix', () => {
  it.concurrent.each(allCells().map((c) => [c.operation, c.fault]))(
    '%s × %s',
    async (operation, fault) => {
      const result = await runCell(operation as Parameters<typeof runCell>[0], fault)
      expect(result.problems).toEqual([])
    },
    60_000,
  )
})
