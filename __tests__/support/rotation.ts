import fc from 'fast-check'
import {
  GitHubEmulator,
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
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create job' as const) }) },
)
export type RotationStep = typeof rotationStep extends fc.Arbitrary<infer T> ? T : never

export const rotationSequence = fc.array(rotationStep, { minLength: 2, maxLength: 6 })

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
        const main = await w.rotate(t, {
          'keep-previous': String(step.keepPrevious),
          'max-attempts': '1',
        })
        w.github.clearFaults()
        w.s.emulator.clearFaults()
        if (step.fault === 'none' && main.conclusion !== 'success') {
          return [`${at}: the rotation failed without a fault`]
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
