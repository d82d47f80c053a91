// `npm run release-notes -- 1.2.3`: prints the CHANGELOG.md section of that version (the text
// under `## [1.2.3] - date`, up to the next `## `), for the GitHub release. Fails (exit 1) when
// the version has no section or an empty one, so a release is never made without its notes.
// .github/workflows/release.yml runs it; __tests__/release.test.ts tests it.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The semantic version of a release tag: `v1.2.3` or `v1.2.3-rc.1` (without the `v`), else null. */
export function tagVersion(tag: string): string | null {
  const m = /^v(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/.exec(tag)
  return m ? (m[1] ?? null) : null
}

/**
 * The notes of one version from a Keep a Changelog file: the lines after its `## [version]`
 * heading, up to the next `## ` heading, trimmed. Throws when the section is missing or empty.
 */
export function releaseNotes(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/)
  const start = lines.findIndex((line) => line.startsWith(`## [${version}]`))
  if (start < 0) throw new Error(`CHANGELOG.md has no "## [${version}] - <date>" section`)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex((line) => line.startsWith('## '))
  const notes = (end < 0 ? rest : rest.slice(0, end))
    .filter((line) => !/^\[[^\]]+\]: /.test(line))
    .join('\n')
    .trim()
  if (notes === '') throw new Error(`CHANGELOG.md's section for ${version} is empty`)
  return notes
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = process.argv[2] ?? ''
  const version = arg.startsWith('v') ? tagVersion(arg) : arg
  try {
    if (!version) throw new Error(`usage: release-notes <version or vX.Y.Z tag>, got "${arg}"`)
    const changelog = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8')
    process.stdout.write(`${releaseNotes(changelog, version)}\n`)
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    process.exitCode = 1
  }
}
