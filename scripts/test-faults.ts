// `npm run test:faults`: the reliability figures. The fault matrix (every API operation × every
// fault) run through dist/ as the runner runs it, printed as a table; then generated cases: key
// values through the built action with debug on (leaks), bad values for every input, hostile
// text (runner commands, pieces of secrets) through every path that prints, in process and
// through dist/, sequences of rotations over five secrets sharing one key-name (every secret
// must keep a live key), and randomised lifecycle schedules (main, post and a run-aware sweep
// under faults and SIGINTs: orphans and leaks). Exits 1 when anything fails. `npm test` runs the
// same checks in fewer numbers. `npm run test:faults -- --lifecycle` runs only the lifecycle
// schedules; `-- --env-attack` only the GITHUB_ENV attacks (issue 18: lines another step writes
// before and after the action, every mode and path, against attacker-run loopback servers).
import fc from 'fast-check'
import {
  attackCase,
  describeCase,
  runAttack,
  startAttackWorld,
} from '../__tests__/support/env-attack.ts'
import { formatMatrix, runMatrix } from '../__tests__/support/fault-matrix.ts'
import {
  describeSchedule,
  runSchedule,
  scheduleArb,
  type LifecycleResult,
} from '../__tests__/support/lifecycle.ts'
import {
  badInputCase,
  badInputProblem,
  leakCase,
  leaksFor,
  mistakeCase,
  mistakeProblem,
} from '../__tests__/support/generated.ts'
import {
  hostileCase,
  hostileProblems,
  printCase,
  printProblems,
  type HostileCase,
} from '../__tests__/support/hostile-runs.ts'
import { rotationSequence, runRotationSequence } from '../__tests__/support/rotation.ts'
import { forgedCase, forgedStateProblems, PATHS } from '../__tests__/support/forged-state.ts'

const LEAK_CASES = 60
const BAD_INPUT_CASES = 3000
const MISTAKE_CASES = 3000
const HOSTILE_PRINTS = 20_000
const HOSTILE_RUNS = 300
const ROTATION_SEQUENCES = 30
const FORGED_STATE_CASES = 60
const LIFECYCLE_SCHEDULES = 40
const LIFECYCLE_SEED = 2026
const ENV_ATTACK_CASES = 120
const ENV_ATTACK_SEED = 1818

const started = Date.now()
const envAttackFailures = process.argv.includes('--lifecycle') ? 0 : await runEnvAttacks()
if (process.argv.includes('--env-attack')) {
  process.exit(envAttackFailures ? 1 : 0)
}
const lifecycleFailures = await runLifecycle()
if (process.argv.includes('--lifecycle')) {
  process.exit(lifecycleFailures ? 1 : 0)
}
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
process.stderr.write(`\n${HOSTILE_PRINTS} hostile strings through src/action/runner.ts...\n`)
let printFailures = 0
for (const [method, text] of fc.sample(printCase, HOSTILE_PRINTS)) {
  const problems = printProblems(method, text)
  if (problems.length) {
    printFailures += 1
    if (printFailures <= 10)
      console.log(`  ${method}(${JSON.stringify(text)}): ${problems.join('; ')}`)
  }
}
process.stderr.write(`${HOSTILE_RUNS} hostile strings through dist/ (every path that prints)...\n`)
let hostileFailures = 0
let hostileSteps = 0
const byPath = new Map<string, number>()
const queue: HostileCase[] = fc.sample(hostileCase, HOSTILE_RUNS)
await Promise.all(
  Array.from({ length: 3 }, async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      byPath.set(c.path, (byPath.get(c.path) ?? 0) + 1)
      const problems = await hostileProblems(c, () => (hostileSteps += 1))
      if (problems.length) {
        hostileFailures += 1
        console.log(`  hostile ${JSON.stringify(c)}: ${problems.join('; ')}`)
      }
    }
  }),
)
console.log(
  `hostile strings: ${HOSTILE_PRINTS} through src/action/runner.ts in process (failures: ${printFailures}); ` +
    `${HOSTILE_RUNS} through dist/ in ${hostileSteps} steps, ${[...byPath].map(([p, n]) => `${n} ${p}`).join(', ')} (failures: ${hostileFailures})`,
)
let mistakeFailures = 0
for (const mistake of fc.sample(mistakeCase, MISTAKE_CASES)) {
  const problem = await mistakeProblem(mistake)
  if (problem) {
    mistakeFailures += 1
    console.log(`  mistake ${mistake.input}=${JSON.stringify(mistake.value)}: ${problem}`)
  }
}
console.log(
  `first mistakes: ${MISTAKE_CASES} generated (not named with their fix: ${mistakeFailures})`,
)
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
process.stderr.write(
  `\n${FORGED_STATE_CASES} generated sets of forged STATE_* lines between main and post...\n`,
)
let forgedFailures = 0
for (const [path, forged] of fc.sample(
  fc.tuple(fc.constantFrom(...PATHS), forgedCase),
  FORGED_STATE_CASES,
)) {
  const found = await forgedStateProblems(path, forged)
  if (found.length) {
    forgedFailures += 1
    console.log(`  forged state on ${path} ${JSON.stringify(forged)}: ${found.join('; ')}`)
  }
}
console.log(
  `forged state: ${FORGED_STATE_CASES} generated cases through dist/ (post steered: ${forgedFailures})`,
)
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
process.exitCode =
  cellsFailed ||
  leaks ||
  badInputFailures ||
  printFailures ||
  hostileFailures ||
  mistakeFailures ||
  rotationFailures ||
  forgedFailures ||
  lifecycleFailures ||
  envAttackFailures
    ? 1
    : 0

/** Generated GITHUB_ENV attacks, one at a time; prints each failure and the totals. */
async function runEnvAttacks(): Promise<number> {
  const cases = fc.sample(attackCase, { numRuns: ENV_ATTACK_CASES, seed: ENV_ATTACK_SEED })
  process.stderr.write(
    `\n${cases.length} generated sets of GITHUB_ENV lines from other steps (seed ${ENV_ATTACK_SEED})...\n`,
  )
  const world = await startAttackWorld()
  const byPath = new Map<string, [number, number]>()
  let failed = 0
  try {
    for (const c of cases) {
      const { problems } = await runAttack(world, c)
      const [tried = 0, bad = 0] = byPath.get(c.path) ?? []
      byPath.set(c.path, [tried + 1, bad + (problems.length ? 1 : 0)])
      if (problems.length) {
        failed += 1
        console.log(`FAIL  ${describeCase(c)}\n      ${problems.join('; ')}`)
      }
    }
  } finally {
    await world.close()
  }
  console.log(
    `GITHUB_ENV attacks: ${cases.length} tried, ${failed} failed (${[...byPath]
      .map(([path, [tried, bad]]) => `${path} ${bad}/${tried}`)
      .join(', ')})`,
  )
  return failed
}

/** Generated schedules, two at a time; prints each and the totals; returns how many failed. */
async function runLifecycle(): Promise<number> {
  const schedules = fc.sample(scheduleArb, { numRuns: LIFECYCLE_SCHEDULES, seed: LIFECYCLE_SEED })
  process.stderr.write(`\n${schedules.length} lifecycle schedules (seed ${LIFECYCLE_SEED})...\n`)
  const results: LifecycleResult[] = []
  let next = 0
  const worker = async () => {
    while (next < schedules.length) {
      const schedule = schedules[next++]
      if (!schedule) break
      const result = await runSchedule(schedule)
      results.push(result)
      console.log(
        `${result.problems.length ? 'FAIL' : 'pass'}  post ${(result.postMs / 1000).toFixed(1)} s, left after post ${result.orphansAfterPost}, after sweep ${result.orphans}  ${describeSchedule(schedule)}` +
          (result.problems.length ? `\n      ${result.problems.join('; ')}` : ''),
      )
    }
  }
  await Promise.all([worker(), worker()])
  const failed = results.filter((r) => r.problems.length).length
  const afterPost = results.reduce((n, r) => n + r.orphansAfterPost, 0)
  const orphans = results.reduce((n, r) => n + r.orphans, 0)
  const leaked = results.reduce((n, r) => n + r.leaks.length, 0)
  console.log(
    `lifecycle: ${results.length} schedules tried, ${failed} failed; keys left after post: ${afterPost} ` +
      `(in ${results.filter((r) => r.orphansAfterPost).length} schedules), orphans after the run-aware sweep: ${orphans}; leaks: ${leaked}`,
  )
  return failed
}
