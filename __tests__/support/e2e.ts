import { afterEach } from '@jest/globals'
import { GitHubEmulator, type GitHubEmulatorOptions } from '../../emulator/github.ts'
import { scenario, type Scenario } from './action.ts'

// The setup most e2e files repeat: a scenario (the Vast emulator and a RunnerJob on dist/) per
// test, sometimes a GitHub emulator beside it, and all of it closed after the test.

type ScenarioOptions = NonNullable<Parameters<typeof scenario>[0]>

export interface E2eSetup {
  /**
   * A scenario with the file's defaults under `options` (emulator and job options merged one
   * level deep), closed after the test. A test may start several.
   */
  start: (options?: ScenarioOptions) => Promise<Scenario>
  /** A GitHub emulator (no repositories or tokens yet), closed after the test. */
  startGitHub: (options?: GitHubEmulatorOptions) => Promise<GitHubEmulator>
  /** Anything else with close() (a proxy, a broker world), closed after the test. */
  closeAfter: <T extends { close(): Promise<void> }>(thing: T) => T
}

/**
 * Call once at the top of an e2e test file. Registers an afterEach that closes everything the
 * test started through the returned functions, the latest first, so that a job's files and every
 * server are gone before the next test. `defaults` are scenario options every `start` gets, for
 * instance the job's GITHUB_* context.
 */
export function useScenarios(defaults: ScenarioOptions = {}): E2eSetup {
  const open: { close(): Promise<void> }[] = []
  afterEach(async () => {
    for (const thing of open.splice(0).reverse()) await thing.close()
  })
  const closeAfter = <T extends { close(): Promise<void> }>(thing: T): T => {
    open.push(thing)
    return thing
  }
  return {
    start: async (options = {}) =>
      closeAfter(
        await scenario({
          ...defaults,
          ...options,
          emulator: { ...defaults.emulator, ...options.emulator },
          job: { ...defaults.job, ...options.job },
        }),
      ),
    startGitHub: async (options) => closeAfter(await GitHubEmulator.start(options)),
    closeAfter,
  }
}
