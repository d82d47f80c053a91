import { readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { releaseNotes, tagVersion } from '../scripts/release-notes.ts'

// The release workflow's notes come from CHANGELOG.md; the version released is package.json's.

const changelog = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8')
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string
}

describe('release notes', () => {
  it('CHANGELOG.md has an Unreleased section and notes for the package.json version', () => {
    expect(changelog).toMatch(/^## \[Unreleased\]$/m)
    expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'))
    expect(releaseNotes(changelog, pkg.version)).toMatch(/^### Added/)
  })

  it('takes one section, up to the next heading, without link definitions', () => {
    const text = [
      '# Changelog',
      '## [Unreleased]',
      '## [1.1.0] - 2026-12-01',
      '### Fixed',
      '- one',
      '## [1.0.0] - 2026-11-30',
      '### Added',
      '- two',
      '[1.0.0]: https://example.test/v1.0.0',
    ].join('\n')
    expect(releaseNotes(text, '1.1.0')).toBe('### Fixed\n- one')
    expect(releaseNotes(text, '1.0.0')).toBe('### Added\n- two')
    expect(() => releaseNotes(text, '1.2.0')).toThrow('no "## [1.2.0] - <date>" section')
    expect(() => releaseNotes(text, 'Unreleased')).toThrow('section for Unreleased is empty')
  })

  it('reads versions from release tags only', () => {
    expect(tagVersion('v1.2.3')).toBe('1.2.3')
    expect(tagVersion('v1.2.3-rc.1')).toBe('1.2.3-rc.1')
    for (const bad of ['1.2.3', 'v1', 'v1.2', 'v1.2.3.4', 'v1.2.3 ', 'refs/tags/v1.2.3']) {
      expect(tagVersion(bad)).toBeNull()
    }
  })
})
