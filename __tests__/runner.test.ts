import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from '@jest/globals'
import fc from 'fast-check'
import { parseKeyValueFile } from '../harness/runner.ts'
import { createRunner, neutraliseCommands, SecretScrubber } from '../src/action/runner.ts'
import { Secret } from '../src/core/secret.ts'
import {
  CHILD,
  PARENT,
  PRINTERS,
  printCase,
  printProblems,
  TOKEN as GITHUB_TOKEN,
} from './support/hostile-runs.ts'
import { hostileText, splitSecret } from './support/hostile.ts'

// The chokepoint in src/action/runner.ts, in process: every method that prints, fed hostile text, checked
// on the raw lines the way the runner reads them (support/stream.ts). The same invariant is
// checked through dist/ in hostile.test.ts.

const KEY = '3f9a0c5be17d4a2f8c6e0b9d1a7f3e5c2b8d4f6a0e1c3b5d7f9a2c4e6b8d0f1a'
const TOKEN = 'ghs_16C7e42F292c6912E7710c838347Ae178B4a'

function capture(env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = []
  const files: Record<string, string> = {}
  const runner = createRunner({
    env,
    write: (line) => lines.push(line),
    appendFile: (path, text) => {
      files[path] = (files[path] ?? '') + text
    },
    setExitCode: () => {},
  })
  return { runner, lines, files }
}

describe('the chokepoint (src/action/runner.ts)', () => {
  it('no hostile text becomes a command or shows a secret, through any method', () => {
    fc.assert(
      fc.property(printCase, ([method, text]) => {
        expect(printProblems(method, text)).toEqual([])
      }),
      { numRuns: 2000, seed: 11 },
    )
  })

  it('a secret cut by separators at random points never shows, through any method', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Object.keys(PRINTERS)),
        hostileText([], 3),
        hostileText([], 3),
        fc.constantFrom(PARENT, CHILD, GITHUB_TOKEN).chain(splitSecret),
        (method, before, after, split) => {
          expect(printProblems(method, `${before}${split}${after}`)).toEqual([])
        },
      ),
      { numRuns: 1500, seed: 6 },
    )
  })

  it('leaves ordinary text exactly as it is', () => {
    fc.assert(
      fc.property(
        fc.string().filter((t) => !t.includes('::') && !t.includes('##[')),
        (text) => {
          const { runner, lines } = capture()
          runner.setSecret(KEY)
          runner.info(text)
          expect(lines[1]).toBe(text)
        },
      ),
      { numRuns: 500, seed: 11 },
    )
  })

  it.each([
    ['::stop-commands::abc', ': :stop-commands::abc'],
    [' \t\u00a0::warning::x', ' \t\u00a0: :warning::x'],
    ['ok\r::error::x', 'ok\r: :error::x'],
    ['a ##[error]b ##[x]', 'a ## [error]b ## [x]'],
    ['###[x]', '### [x]'],
    ['x::y', 'x::y'],
  ])('neutralises %j', (text, expected) => {
    expect(neutraliseCommands(text)).toBe(expected)
  })

  it.each([
    ['whole', `said ${KEY}!`, 'said ***!'],
    ['cut to 12', `said ${KEY.slice(20, 32)}!`, 'said ***!'],
    ['upper-cased', `said ${KEY.toUpperCase()}`, 'said ***'],
    ['base64', `Basic ${Buffer.from(KEY).toString('base64')}`, 'Basic ***'],
    ['JSON in JSON', JSON.stringify({ key: KEY }), '{"key":"***"}'],
    ['two keys', `${KEY}${TOKEN}`, '***'],
    ['11 characters are not enough', `x${KEY.slice(0, 11)}x`, `x${KEY.slice(0, 11)}x`],
    ['cut into lines', `bad key ${KEY.match(/.{1,11}/g)?.join('\n')}!`, 'bad key ***!'],
    ['lines made spaces', `bad key ${KEY.match(/.{1,11}/g)?.join(' ')}!`, 'bad key ***!'],
    [
      'spaced, upper-cased',
      `for ${TOKEN.toUpperCase()
        .match(/.{1,9}/g)
        ?.join(' ')} x`,
      'for *** x',
    ],
    ['zero-width between', `k=${[...KEY.slice(0, 14)].join('\u200b')} y`, 'k=*** y'],
    ['tabs and CRLF', `k=${KEY.slice(3, 9)}\t\r\n${KEY.slice(9, 16)} y`, 'k=*** y'],
    [
      'words around a piece stay',
      `a ${KEY.slice(0, 6)} b ${KEY.slice(40, 45)} c`,
      `a ${KEY.slice(0, 6)} b ${KEY.slice(40, 45)} c`,
    ],
  ])('scrubs a secret: %s', (_, text, expected) => {
    const scrubber = new SecretScrubber()
    scrubber.add(KEY)
    scrubber.add(TOKEN)
    expect(scrubber.scrub(text)).toBe(expected)
  })

  it('scrubs each line of a multi-line secret, as the runner masks them', () => {
    const scrubber = new SecretScrubber()
    scrubber.add('first-line-of-it\n  second-line-of-it  \n')
    expect(scrubber.scrub('a first-line-of-it b second-line-of-it c')).toBe('a *** b *** c')
  })

  it('hands a Secret out as it is (masked first), and scrubs secrets from other outputs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-'))
    const output = join(dir, 'output')
    const env = { GITHUB_OUTPUT: output, GITHUB_ENV: join(dir, 'env') }
    writeFileSync(output, '')
    const lines: string[] = []
    const runner = createRunner({
      env,
      write: (line) => lines.push(line),
      appendFile: (path, text) => writeFileSync(path, text, { flag: 'a' }),
      setExitCode: () => {},
    })
    runner.setOutput('api-key', new Secret(KEY))
    runner.setOutput('key-name', `name ${KEY.toUpperCase()}`)
    runner.exportVariable('VAST_API_KEY', new Secret(KEY))
    expect(lines).toEqual([`::add-mask::${KEY}`])
    expect(Object.fromEntries(parseKeyValueFile(readFileSync(output, 'utf8')).pairs)).toEqual({
      'api-key': KEY,
      'key-name': 'name ***',
    })
    expect(
      Object.fromEntries(parseKeyValueFile(readFileSync(env.GITHUB_ENV, 'utf8')).pairs),
    ).toEqual({
      VAST_API_KEY: KEY,
    })
  })

  it('neither registers nor sends a line shorter than 8 characters of a multi-line secret', () => {
    const { runner, lines } = capture()
    runner.setSecret(`${KEY}\ne`)
    runner.setSecret(`${TOKEN}\r\n  x  \nsecond-long-line`)
    runner.setSecret('first-line-of-it\n  second-line-of-it  \n')
    runner.info('every e and x stays: whitespace, exit')
    runner.info(`${KEY} second-long-line`)
    expect(lines).toEqual([
      `::add-mask::${KEY}`,
      `::add-mask::${TOKEN}`,
      '::add-mask::second-long-line',
      '::add-mask::first-line-of-it%0A  second-line-of-it  %0A',
      'every e and x stays: whitespace, exit',
      '*** ***',
    ])
  })

  it('sends no mask for an empty or whitespace-only value (the runner would refuse it)', () => {
    const { runner, lines } = capture()
    for (const value of ['', ' ', '\n\t ']) runner.setSecret(value)
    expect(lines).toEqual([])
  })

  it('scrubs the summary and annotation properties', () => {
    const dir = mkdtempSync(join(tmpdir(), 'runner-'))
    const summary = join(dir, 'summary')
    const { runner, lines, files } = capture({ GITHUB_STEP_SUMMARY: summary })
    runner.setSecret(TOKEN)
    runner.appendSummary(`| ${TOKEN} |\n##[error]x`)
    runner.error('m', { title: `t ${TOKEN}`, line: 3 })
    expect(files[summary]).toBe('| *** |\n## [error]x\n')
    expect(lines[1]).toBe('::error title=t ***,line=3::m')
  })
})
