import { fileURLToPath } from 'node:url'
import { VastEmulator, type EmulatorOptions } from '../../emulator/vast.ts'
import {
  findLeaks,
  RunnerJob,
  type RunnerJobOptions,
  type StepResult,
} from '../../harness/runner.ts'

/** The committed action, run from dist/ as GitHub's runner runs it, against the Vast emulator. */
export const ACTION_YML = fileURLToPath(new URL('../../action.yml', import.meta.url))

export interface Scenario {
  emulator: VastEmulator
  job: RunnerJob
  /** The inputs every scenario needs, plus overrides. */
  inputs(extra?: Record<string, string>): Record<string, string>
  /** Every secret this scenario has seen: the parent key and every key the emulator minted. */
  secrets(): string[]
  /**
   * Secrets found outside their own ::add-mask:: line in any log, state file or summary of the
   * job (GITHUB_OUTPUT and GITHUB_ENV carry the key by design; the tests check those by value).
   */
  leaks(): string[]
  close(): Promise<void>
}

export async function scenario(
  options: { emulator?: EmulatorOptions; job?: Omit<RunnerJobOptions, 'actionYml'> } = {},
): Promise<Scenario> {
  const emulator = await VastEmulator.start(options.emulator)
  const job = new RunnerJob({ actionYml: ACTION_YML, ...options.job })
  const secrets = () => [emulator.parentKey, ...emulator.keys().map((k) => k.key)]
  return {
    emulator,
    job,
    inputs: (extra = {}) => ({
      'admin-api-key': emulator.parentKey,
      'api-url': emulator.url,
      permissions: 'instance_read',
      ...extra,
    }),
    secrets,
    leaks: () => findLeaks(job.logText(), [...new Set(secrets())]),
    close: async () => {
      await job.cleanup()
      await emulator.close()
    },
  }
}

/** The log and annotations of a step as one text, for messages users see. */
export function shown(result: StepResult): string {
  return [...result.log, ...result.annotations.map((a) => `${a.level}: ${a.message}`)].join('\n')
}

/** The Vast key the action handed out, authenticated against the emulator over real HTTP. */
export async function keyStatus(emulator: VastEmulator, key: string): Promise<number> {
  const response = await fetch(`${emulator.url}/api/v0/users/current`, {
    headers: { Authorization: `Bearer ${key}` },
  })
  await response.arrayBuffer()
  return response.status
}
