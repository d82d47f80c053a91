import fc from 'fast-check'
import {
  GitHubEmulator,
  type GitHubFault,
  type GitHubRouteName,
  type ScopeRef,
  type StoredSecret,
} from '../../emulator/github.ts'
import { RunnerJob, type StepResult } from '../../harness/runner.ts'
import { parseKeyName, rotationTargetId } from '../../src/core/key-name.ts'
import { ACTION_YML, scenario, type Scenario } from './action.ts'

/**
 * Rotations of one label into several secrets, through dist/ with the Vast and GitHub emulators
 * (the GitHub emulator opens every sealed box, so a test sees exactly what a secret holds).
 * Shared by __tests__/e2e-rotate-targets.test.ts and its generated sequences.
 */

export const TOKEN = 'ghs_rotationtoken0123456789'
export const REPO = 'octo-org/gpu-trainer'
export const LABEL = 'ci-deploy'

export interface RotationTarget {
  /** A short name for test titles and counterexamples. */
  id: string
  /** The step's inputs that pick this secret. */
  inputs: Record<string, string>
  /** The secret in the GitHub emulator. */
  scope: ScopeRef
  secretName: string
  /** What the action writes into `t=` for this secret. */
  targetId: string
  /** The GitHub emulator's route for writing it (for fault injection). */
  putRoute: GitHubRouteName
}

function target(
  id: string,
  inputs: Record<string, string>,
  scope: ScopeRef,
  secretName: string,
  parts: string[],
): RotationTarget {
  return {
    id,
    inputs: { 'secret-name': secretName, ...inputs },
    scope,
    secretName,
    targetId: rotationTargetId(parts),
    putRoute: scope.organization
      ? 'orgPutSecret'
      : scope.environment
        ? 'envPutSecret'
        : 'putSecret',
  }
}

/** Five secrets one label can be rotated into: two names of one scope, two environments, an organisation. */
export const TARGETS = {
  repo: target('repo', {}, { repository: REPO }, 'VAST_DEPLOY_KEY', [
    'repository',
    REPO,
    'VAST_DEPLOY_KEY',
  ]),
  repoOther: target('repoOther', {}, { repository: REPO }, 'VAST_OTHER_KEY', [
    'repository',
    REPO,
    'VAST_OTHER_KEY',
  ]),
  production: target(
    'production',
    { 'secret-scope': 'environment', environment: 'production' },
    { repository: REPO, environment: 'production' },
    'VAST_DEPLOY_KEY',
    ['environment', REPO, 'production', 'VAST_DEPLOY_KEY'],
  ),
  staging: target(
    'staging',
    { 'secret-scope': 'environment', environment: 'staging' },
    { repository: REPO, environment: 'staging' },
    'VAST_DEPLOY_KEY',
    ['environment', REPO, 'staging', 'VAST_DEPLOY_KEY'],
  ),
  org: target(
    'org',
    { 'secret-scope': 'organization', organization: 'octo-org' },
    { organization: 'octo-org' },
    'VAST_DEPLOY_KEY',
    ['organization', 'octo-org', 'VAST_DEPLOY_KEY'],
  ),
} as const satisfies Record<string, RotationTarget>

export type TargetId = keyof typeof TARGETS
export const TARGET_IDS = Object.keys(TARGETS) as TargetId[]

export interface RotationWorld {
  s: Scenario
  github: GitHubEmulator
  /** Runs main then post of a rotation into `target`, as one job. */
  rotate(target: RotationTarget, extra?: Record<string, string>): Promise<StepResult>
  /** The rotation step's inputs for `target`. */
  inputs(target: RotationTarget, extra?: Record<string, string>): Record<string, string>
  /**
   * Every secret in the GitHub emulator that does not hold a live rotation key of its own
   * target (the sealed box as GitHub opened it, against the Vast emulator's live keys), said in
   * words; [] when every secret works.
   */
  brokenSecrets(): string[]
  close(): Promise<void>
}

/** Whether the emulator's stored secret is the secret `t` names. */
function holds(t: RotationTarget, stored: StoredSecret): boolean {
  if (stored.name !== t.secretName.toUpperCase()) return false
  if (t.scope.organization) {
    return stored.scope === 'organization' && stored.owner === t.scope.organization
  }
  const repository = `${stored.owner}/${stored.repo ?? ''}`
  if (repository !== t.scope.repository) return false
  return t.scope.environment
    ? stored.scope === 'environment' && stored.environment === t.scope.environment
    : stored.scope === 'repository'
}

export async function rotationWorld(): Promise<RotationWorld> {
  const github = await GitHubEmulator.start()
  github.addRepository(REPO, { environments: ['production', 'staging'] })
  github.addToken(TOKEN, { secretsWrite: true, orgSecretsWrite: true })
  const s = await scenario({ job: { secrets: [] } })
  const inputs = (t: RotationTarget, extra: Record<string, string>) =>
    s.inputs({
      mode: 'rotate',
      permissions: 'instance-manager',
      'key-name': LABEL,
      'github-token': TOKEN,
      'github-api-url': github.url,
      ...t.inputs,
      ...extra,
    })
  return {
    s,
    github,
    inputs: (t, extra = {}) => inputs(t, extra),
    rotate: async (t, extra = {}) => {
      const main = await s.job.runMain({ inputs: inputs(t, extra) })
      await s.job.runPost({ inputs: inputs(t, extra) })
      return main
    },
    brokenSecrets: () =>
      github.secrets().flatMap((stored) => {
        const where = `${stored.scope} secret ${stored.name} of ${stored.owner}${stored.repo ? `/${stored.repo}` : ''}${stored.environment ? ` (env ${stored.environment})` : ''}`
        const t = Object.values(TARGETS).find((c) => holds(c, stored))
        if (!t) return [`${where}: written, but not one of the test's targets`]
        const key = s.emulator.liveKeys().find((k) => k.key === stored.value)
        if (!key) return [`${where}: holds a dead key`]
        const fields = parseKeyName(key.name)
        if (fields?.kind !== 'rot' || fields.target !== t.targetId || fields.label !== LABEL) {
          return [`${where}: holds key ${key.id} (${key.name}), not a rotation key of its own`]
        }
        return []
      }),
    close: async () => {
      await s.close()
      await github.close()
    },
  }
}

/**
 * One generated step: a rotation of one of {@link TARGETS} (with a fault on its way), or a
 * create-mode job with the rotation's label that starts and keeps running.
 */
export const rotationStep = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('rotate' as const),
      target: fc.constantFrom(...TARGET_IDS),
      keepPrevious: fc.integer({ min: 0, max: 2 }),
      fault: fc.constantFrom(
        'none',
        'none',
        'none',
        'write refused',
        'write uncertain',
        'write lost',
        'delete fails',
        // The first PUT applied, its answer lost; Octokit's retry refused (rate limit, 403, 422).
        'write lost then refused',
        // This run's PUT lands only after another run of the same rotation has finished.
        'write delayed, overlapped',
        // The first create times out and Vast applies it after the retry made the key.
        'create applied late',
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create job' as const) }) },
)
export type RotationStep = typeof rotationStep extends fc.Arbitrary<infer T> ? T : never

export const rotationSequence = fc.array(rotationStep, { minLength: 2, maxLength: 6 })

/** Refusals of Octokit's retry of a PUT whose first answer was lost. */
const REFUSALS = [
  { type: 'rate-limit', kind: 'secondary', retryAfterSeconds: 200 },
  { type: 'status', status: 403 },
  { type: 'status', status: 422 },
  { type: 'status', status: 401 },
] as const

/**
 * Two runs of one rotation overlapping: this run's PUT is held 8 s by GitHub while another run
 * (its own runner job) mints, writes and retires. Returns the late run's result, and a problem
 * when a run that succeeded left the secret holding a dead key.
 */
async function overlapped(
  w: RotationWorld,
  t: RotationTarget,
  extra: Record<string, string>,
  index: number,
): Promise<{ late: StepResult; problem?: string }> {
  const late = new RunnerJob({
    actionYml: ACTION_YML,
    env: { GITHUB_RUN_ID: String(9000 + index) },
  })
  try {
    const inputs = w.inputs(t, extra)
    w.github.inject(t.putRoute, { type: 'delay', ms: 8000 })
    const sentBefore = w.github.requestsFor(t.putRoute).length
    const lateMain = late.runMain({ inputs })
    while (w.github.requestsFor(t.putRoute).length <= sentBefore) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    await w.rotate(t, extra)
    const main = await lateMain
    await late.runPost({ inputs })
    const stored = w.github.secret(t.scope, t.secretName)?.value ?? ''
    if (main.conclusion === 'success' && !w.s.emulator.isLive(stored)) {
      return { late: main, problem: 'the late run succeeded, and the secret holds a dead key' }
    }
    return { late: main }
  } finally {
    await late.cleanup()
  }
}

/**
 * Runs the steps in one fresh world; after each, checks that every secret holds a live key of
 * its own and that every running create-mode job still has its key. Returns what broke, each
 * with the step it broke at; [] when nothing did.
 */
export async function runRotationSequence(steps: readonly RotationStep[]): Promise<string[]> {
  const w = await rotationWorld()
  const jobs: { job: RunnerJob; key: string; inputs: Record<string, string> }[] = []
  try {
    for (const [index, step] of steps.entries()) {
      const at = `step ${index + 1} (${step.kind === 'rotate' ? `${step.target}, ${step.fault}` : step.kind})`
      if (step.kind === 'create job') {
        const job = new RunnerJob({ actionYml: ACTION_YML })
        const inputs = w.s.inputs({ 'key-name': LABEL, ttl: '1h' })
        const main = await job.runMain({ inputs })
        jobs.push({ job, key: main.outputs['api-key'] ?? '', inputs })
        if (main.conclusion !== 'success') return [`${at}: the create-mode job failed`]
      } else {
        const t = TARGETS[step.target]
        if (step.fault === 'write refused')
          w.github.inject(t.putRoute, { type: 'status', status: 403 })
        if (step.fault === 'write uncertain')
          w.github.inject(t.putRoute, { type: 'status', status: 502 }, 5)
        if (step.fault === 'write lost') w.github.inject(t.putRoute, { type: 'lost' })
        if (step.fault === 'delete fails')
          w.s.emulator.inject('delete', { type: 'status', status: 500 }, 20)
        if (step.fault === 'write lost then refused') {
          w.github.inject(t.putRoute, { type: 'lost' })
          w.github.inject(t.putRoute, REFUSALS[index % REFUSALS.length] as GitHubFault)
        }
        if (step.fault === 'create applied late') {
          // Applied later than any step waits for (request-timeout 1 s + the 10 s margin): a
          // stray of the same name appears after post; the next rotations must still tell the
          // held key from it.
          w.s.emulator.inject('create', { type: 'delay', ms: 14_000 })
        }
        const before = w.github.secret(t.scope, t.secretName)?.value
        const extra = {
          'keep-previous': String(step.keepPrevious),
          // Octokit retries the PUT, and the action the create, only with more than one attempt.
          'max-attempts':
            step.fault === 'write lost then refused' || step.fault === 'create applied late'
              ? '3'
              : '1',
          ...(step.fault === 'create applied late' ? { 'request-timeout': '1s' } : {}),
        }
        let main: StepResult
        if (step.fault === 'write delayed, overlapped') {
          const result = await overlapped(w, t, extra, index)
          main = result.late
          if (result.problem) return [`${at}: ${result.problem}`]
        } else {
          main = await w.rotate(t, extra)
        }
        if (step.fault === 'create applied late' && main.conclusion === 'success') {
          const name = w.s.emulator
            .liveKeys()
            .find((k) => String(k.id) === main.outputs['key-id'])?.name
          for (let waited = 0; waited < 20_000; waited += 100) {
            if (w.s.emulator.liveKeys().filter((k) => k.name === name).length > 1) break
            await new Promise((resolve) => setTimeout(resolve, 100))
          }
        }
        w.github.clearFaults()
        w.s.emulator.clearFaults()
        if (step.fault === 'none' && main.conclusion !== 'success') {
          return [`${at}: the rotation failed without a fault`]
        }
        // keep-previous keeps the key the secret held before: its users may still hold it.
        if (
          main.conclusion === 'success' &&
          step.fault !== 'write delayed, overlapped' &&
          step.keepPrevious > 0 &&
          before !== undefined &&
          !w.s.emulator.isLive(before)
        ) {
          return [
            `${at}: keep-previous ${step.keepPrevious}, yet the key the secret held before is gone`,
          ]
        }
      }
      const problems = [
        ...w.brokenSecrets(),
        ...jobs
          .filter((j) => !w.s.emulator.isLive(j.key))
          .map(() => 'a running create-mode job lost its key'),
      ]
      if (problems.length) return problems.map((p) => `${at}: ${p}`)
    }
    return []
  } finally {
    for (const { job, inputs } of jobs) {
      await job.runPost({ inputs })
      await job.cleanup()
    }
    await w.close()
  }
}
