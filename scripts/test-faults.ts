// `npm run test:faults`: the reliability figures. The fault matrix (every API operation × every
// fault) run through dist/ as the runner runs it, printed as a table; then generated cases: key
// values through the built action with debug on (leaks), bad values for every input, and sequences
// of rotations over five secrets sharing one key-name (every secret must keep a live key). Exits 1
// when anything fails. `npm test` runs the same checks in fewer numbers.
import fc from 'fast-check'
import { formatMatrix, runMatrix } from '../__tests__/support/fault-matrix.ts'
import {
  badInputCase,
  badInputProblem,
  leakCase,
  leaksFor,
} from '../__tests__/support/generated.ts'
import { rotationSequence, runRotationSequence } from '../__tests__/support/rotation.ts'

const LEAK_CASES = 60
const BAD_INPUT_CASES = 3000
const ROTATION_SEQUENCES = 30

const started = Date.now()
const results = await runMatrix(4, (r) =>
  process.stderr.write(`${r.problems.length ? 'FAIL' : 'pass'}  ${r.operation} × ${r.fault}\n`),
)
console.log(`\n${formatMatrix(results)}`)

process.stderr.write(`\n${LEAK_CASES} generated key values through the built action...\n`)
let leaks = 0
for (const [parent, child, path] of fc.sample(leakCase, LEAK_CASES)) {
  const found = await leaksFor(parent, child, path)
  if (found.length) {
    leaks += 1
    console.log(`  leak (${path}): ${found.join(', ')}`)
  }
}
let badInputFailures = 0
for (const [input, value] of fc.sample(badInputCase, BAD_INPUT_CASES)) {
  const problem = await badInputProblem(input, value)
  if (problem) {
    badInputFailures += 1
    console.log(`  bad input ${input}=${JSON.stringify(value)}: ${problem}`)
  }
}
process.stderr.write(
  `\n${ROTATION_SEQUENCES} generated sequences of rotations (one label, five secrets, faults)...\n`,
)
let rotationFailures = 0
let rotationSteps = 0
for (const steps of fc.sample(rotationSequence, ROTATION_SEQUENCES)) {
  rotationSteps += steps.length
  const found = await runRotationSequence(steps)
  if (found.length) {
    rotationFailures += 1
    console.log(`  rotation sequence ${JSON.stringify(steps)}: ${found.join('; ')}`)
  }
}
const cellsFailed = results.filter((r) => r.problems.length).length
console.log(
  `\ngenerated cases: ${LEAK_CASES} key values through dist/ (leaks found: ${leaks}), ` +
    `${BAD_INPUT_CASES} bad input values (unclear or wrong errors: ${badInputFailures}), ` +
    `${ROTATION_SEQUENCES} rotation sequences, ${rotationSteps} steps (a secret left holding a dead key, or a job's key retired: ${rotationFailures})`,
)
console.log(
  `totals: ${results.length} matrix cells, ${cellsFailed} failed; leaks found: ${leaks + results.filter((r) => r.problems.some((p) => p.includes('leaked'))).length}; ` +
    `orphans: ${results.filter((r) => r.problems.some((p) => /left/.test(p))).length} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
)
process.exitCode = cellsFailed || leaks || badInputFailures || rotationFailures ? 1 : 0
