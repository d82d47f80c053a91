// `npm run test:faults`: the fault matrix (every API operation × every fault) run through dist/
// as the runner runs it, printed as a table with its totals. Exits 1 when a cell fails.
import { formatMatrix, runMatrix } from '../__tests__/support/fault-matrix.ts'

const started = Date.now()
const results = await runMatrix(4, (r) =>
  process.stderr.write(`${r.problems.length ? 'FAIL' : 'pass'}  ${r.operation} × ${r.fault}\n`),
)
console.log(`\n${formatMatrix(results)}\n\n(${((Date.now() - started) / 1000).toFixed(0)} s)`)
process.exitCode = results.some((r) => r.problems.length) ? 1 : 0
