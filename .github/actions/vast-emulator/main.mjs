// Self-test fixture (see action.yml): starts scripts/emulator.ts detached, so it outlives this
// step and serves the later ones, waits for its URL and parent key, and hands them out.
// Uses only the runner's file protocol (GITHUB_OUTPUT, GITHUB_STATE) and Node's standard library.

import { spawn } from 'node:child_process'
import { appendFileSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'

const root = process.env.GITHUB_WORKSPACE ?? process.cwd()
const log = join(process.env.RUNNER_TEMP ?? root, 'vast-emulator.log')
const out = openSync(log, 'w')
// Node 24 (the runner's node24) runs TypeScript without a build step (type stripping).
const child = spawn(process.execPath, [join(root, 'scripts', 'emulator.ts')], {
  cwd: root,
  detached: true,
  stdio: ['ignore', out, out],
  windowsHide: true,
})
child.unref()

let url = ''
let parentKey = ''
for (let i = 0; i < 600 && !(url && parentKey); i++) {
  await delay(100)
  const text = readFileSync(log, 'utf8')
  url = /URL:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] ?? ''
  parentKey = /parent key:\s+(\S+)/.exec(text)?.[1] ?? ''
}
if (!url || !parentKey) {
  console.log(`::error::the emulator did not start within 60 s; its log:`)
  console.log(readFileSync(log, 'utf8').replace(/parent key:\s+\S+/g, 'parent key: ***'))
  process.exit(1)
}
console.log(`::add-mask::${parentKey}`)
appendFileSync(process.env.GITHUB_OUTPUT ?? '', `url=${url}\nparent-key=${parentKey}\n`)
appendFileSync(process.env.GITHUB_STATE ?? '', `url=${url}\npid=${child.pid}\n`)
console.log(`Vast.ai emulator (pid ${child.pid}) listening on ${url}`)
