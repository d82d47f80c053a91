import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import type { Call } from './support/conformance-driver.ts'

// src/action/runner.ts stands in for @actions/core (exact version in package.json). The same calls, every
// kind the action makes, run through both in processes of their own; stdout and every file
// command must be the same bytes, apart from the random heredoc delimiters and the differences
// kept on purpose (docs/runner-protocol.md), which are asserted exactly so a new one fails.

const DRIVER = fileURLToPath(new URL('./support/conformance-driver.ts', import.meta.url))
const FILES = ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_ENV', 'GITHUB_STEP_SUMMARY'] as const

interface Run {
  stdout: string
  stderr: string
  status: number | null
  files: Record<string, string>
}

function run(which: 'ours' | 'core', calls: Call[], withFiles = true): Run {
  const dir = mkdtempSync(join(tmpdir(), `conformance-${which}-`))
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    RUNNER_DEBUG: '1',
    'INPUT_ADMIN-API-KEY': '  k3y with spaces around  ',
    INPUT_PERMISSIONS: 'api:\n  instance_read: {}\n',
    'INPUT_KEY NAME': 'spaced name',
    STATE_create: '{"name":"x"}',
  }
  if (withFiles) {
    for (const name of FILES) {
      env[name] = join(dir, name)
      writeFileSync(join(dir, name), '')
    }
  }
  const child = spawnSync(process.execPath, [DRIVER, which, JSON.stringify(calls)], {
    env,
    encoding: 'utf8',
  })
  const files: Record<string, string> = {}
  if (withFiles) {
    for (const name of FILES) {
      files[name] = readFileSync(join(dir, name), 'utf8').replace(
        /ghadelimiter_[0-9a-f-]{36}/g,
        'ghadelimiter_<uuid>',
      )
    }
  }
  return { stdout: child.stdout, stderr: child.stderr, status: child.status, files }
}

/** Every kind of call the action makes, with the values that are easy to get wrong. */
const CALLS: Call[] = [
  ['getInput', 'admin-api-key'],
  ['getInput', 'permissions'],
  ['getInput', 'key name'],
  ['getInput', 'missing'],
  ['getState', 'create'],
  ['isDebug'],
  ['setSecret', 'e1c3b5d7f9a2c4e6b8d0f1a3f9a0c5be17d4a2f8c6e0b9d1a7f3e5c2b8d4f6a0'],
  ['setSecret', '-----BEGIN KEY-----\r\nline two %0A\n  indented line  \n'],
  ['setSecret', '100%:,;]'],
  ['setOutput', 'api-key', 'e1c3b5d7f9a2c4e6b8d0f1a3f9a0c5be17d4a2f8c6e0b9d1a7f3e5c2b8d4f6a0'],
  ['setOutput', 'key-id', '1227'],
  ['setOutput', 'key-name', 'gha-train [vsk1 exp=20261122T150000Z n=3fa9c2]'],
  ['setOutput', 'permissions', '{"api":{"instance_read":{}}}'],
  ['setOutput', 'multi', 'first\nsecond\r\nthird\n'],
  ['setOutput', 'empty', ''],
  ['saveState', 'create', '{"apiUrl":"http://127.0.0.1:1","name":"a\\nb"}'],
  ['saveState', 'multi', 'x\ny'],
  [
    'exportVariable',
    'VAST_API_KEY',
    'e1c3b5d7f9a2c4e6b8d0f1a3f9a0c5be17d4a2f8c6e0b9d1a7f3e5c2b8d4f6a0',
  ],
  ['exportVariable', 'MULTI', 'a\nb'],
  ['info', 'Created Vast.ai key 1227 (instance_read), deadline 2026-11-30T07:00:00Z.'],
  ['info', ''],
  ['info', 'two\nlines, 100% sure: yes'],
  ['debug', 'POST /api/v0/auth/apikeys/ -> 200 in 11 ms'],
  ['debug', 'stack\n    at x (file.ts:1:2)\r\n%0A %25'],
  ['notice', 'a notice'],
  ['warning', 'Input ’ttl’: 50% of\nthe budget'],
  ['warning', 'with properties', { title: 'A title: with, commas', line: 3, col: 7 }],
  ['error', 'Create API key failed: HTTP 400: Invalid permission format'],
  [
    'appendSummary',
    '### Vast.ai scoped key\n\n| Key id | Name |\n| --- | --- |\n| 1 | a \\| b |\n',
  ],
  ['setFailed', 'Input ’permissions’: it is required\n- second problem'],
]

describe('src/action/runner.ts and @actions/core write the same bytes', () => {
  it('for every kind of call the action makes', () => {
    const ours = run('ours', CALLS)
    const core = run('core', CALLS)
    expect(ours.stderr).toBe('')
    expect(core.stderr).toBe('')
    expect(ours.stdout).toBe(core.stdout)
    expect(ours.files).toEqual(core.files)
    expect(ours.status).toBe(core.status)
    expect(ours.status).toBe(1)
    // the comparison saw something: every file command was written
    for (const name of FILES) expect(ours.files[name]).not.toBe('')
  })

  it('kept on purpose: no mask for an empty or whitespace-only value', () => {
    const calls: Call[] = [
      ['setSecret', ''],
      ['setSecret', '   '],
      ['setSecret', ' \n\t '],
    ]
    // The runner answers these with a warning annotation and masks nothing (harness/commands.ts).
    expect(run('core', calls).stdout).toBe('::add-mask::\n::add-mask::   \n::add-mask:: %0A\t \n')
    expect(run('ours', calls).stdout).toBe('')
  })

  it('kept on purpose: a multi-line secret with a line under 8 characters is sent line by line', () => {
    const calls: Call[] = [['setSecret', 'first-line-of-it\ne\r\nthird-line-of-it']]
    // The runner would mask `e` everywhere in the job's log; the short line is left out.
    expect(run('core', calls).stdout).toBe(
      '::add-mask::first-line-of-it%0Ae%0D%0Athird-line-of-it\n',
    )
    expect(run('ours', calls).stdout).toBe(
      '::add-mask::first-line-of-it\n::add-mask::third-line-of-it\n',
    )
  })

  it('kept on purpose: a summary always ends its line', () => {
    const calls: Call[] = [
      ['appendSummary', 'no line end'],
      ['appendSummary', 'next'],
    ]
    expect(run('core', calls).files.GITHUB_STEP_SUMMARY).toBe('no line endnext')
    expect(run('ours', calls).files.GITHUB_STEP_SUMMARY).toBe('no line end\nnext\n')
  })

  it('kept on purpose: no deprecated ::set-output:: / ::save-state:: when a file is missing', () => {
    const calls: Call[] = [
      ['setOutput', 'a', '1'],
      ['saveState', 'b', '2'],
    ]
    expect(run('core', calls, false).stdout).toBe(
      '\n::set-output name=a::1\n::save-state name=b::2\n',
    )
    expect(run('ours', calls, false).stdout).toBe(
      "::debug::GITHUB_OUTPUT is not set; 'a' was not written (not running under a runner?)\n" +
        "::debug::GITHUB_STATE is not set; 'b' was not written (not running under a runner?)\n",
    )
  })

  it('kept on purpose: text from outside is neutralised and scrubbed (core prints it as it is)', () => {
    const secret = 'e1c3b5d7f9a2c4e6b8d0f1a3f9a0c5be17d4a2f8c6e0b9d1a7f3e5c2b8d4f6a0'
    const calls: Call[] = [
      ['setSecret', secret],
      ['info', '::stop-commands::x'],
      ['info', `said ##[error]${secret.slice(0, 16).toUpperCase()}`],
    ]
    const core = run('core', calls).stdout.split('\n')
    const ours = run('ours', calls).stdout.split('\n')
    expect(core.slice(1, 3)).toEqual([
      '::stop-commands::x',
      `said ##[error]${secret.slice(0, 16).toUpperCase()}`,
    ])
    expect(ours.slice(1, 3)).toEqual([': :stop-commands::x', 'said ## [error]***'])
  })
})
