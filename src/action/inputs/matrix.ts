import type { Reader } from './reader.ts'
import { JOB_TOTAL_RANGE, type MatrixPlace } from './settings.ts'

/**
 * `job-total`, `job-index` and `max-parallel`: where this job stands in its matrix. action.yml
 * defaults them to `${{ strategy.job-total }}`, `${{ strategy.job-index }}` and
 * `${{ strategy.max-parallel }}`: the runner evaluates input defaults with the `strategy` context
 * (actions/runner, src/Runner.Worker/action_yaml.json, `input-default-context`), so they reach the
 * action with no change to the workflow. Empty (outside a runner, or a runner that gives none)
 * means a job on its own: total 1, index 0, no max-parallel; max-parallel 0 means no limit.
 *
 * @returns the place; a bad value is a problem on `read` (named, with what would be right), and
 *   the place falls back to a job on its own.
 */
export function readMatrixPlace(read: Reader): MatrixPlace {
  const whole = (value: string) => (/^\d+$/.test(value) ? Number(value) : NaN)
  const totalText = read.raw('job-total')
  let total = 1
  if (totalText) {
    total = whole(totalText)
    if (
      !Number.isSafeInteger(total) ||
      total < JOB_TOTAL_RANGE.min ||
      total > JOB_TOTAL_RANGE.max
    ) {
      read.problem(
        'job-total',
        `'${totalText}' is not a number of jobs: use a whole number from ${JOB_TOTAL_RANGE.min} to ${JOB_TOTAL_RANGE.max}, or leave it unset (the default, \${{ strategy.job-total }}, is the size of this job's matrix, 1 outside one)`,
      )
      total = 1
    }
  }
  const indexText = read.raw('job-index')
  let index = 0
  if (indexText) {
    index = whole(indexText)
    if (!Number.isSafeInteger(index) || index >= total) {
      read.problem(
        'job-index',
        `'${indexText}' is not a job of a matrix of ${total} (job-total): use a whole number from 0 to ${total - 1}, or leave it unset (the default, \${{ strategy.job-index }}, is this job's place in its matrix, 0 outside one)`,
      )
      index = 0
    }
  }
  const parallelText = read.raw('max-parallel')
  let maxParallel: number | undefined
  if (parallelText) {
    maxParallel = whole(parallelText)
    if (!Number.isSafeInteger(maxParallel)) {
      read.problem(
        'max-parallel',
        `'${parallelText}' is not a number of jobs at once: use a whole number (0: no limit), or leave it unset (the default, \${{ strategy.max-parallel }}, is the matrix's max-parallel)`,
      )
      maxParallel = undefined
    } else if (maxParallel === 0) {
      // As strategy.max-parallel unset is read elsewhere: no limit but job-total.
      maxParallel = undefined
    }
  }
  return { index, total, ...(maxParallel === undefined ? {} : { maxParallel }) }
}
