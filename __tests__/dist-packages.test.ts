import { readFileSync, readdirSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'

// dist/ holds at most one copy of any npm package (issue 22: it once bundled two undici, about
// 1.5 MB each). Two ways a package could come twice: two versions installed for the production
// tree (a dependency's own nested copy), or one version's modules copied into several chunks by
// ncc's webpack (it copies a module shared by async chunks when the shared part is under 20 KB;
// the project's own modules are copied that way, which costs bytes on disk, not bytes loaded).

const root = new URL('../', import.meta.url)
const dist = new URL('dist/', root)

/** The packages dist/licenses.txt names (ncc --license): `name` then its SPDX licence line. */
function licensed(): string[] {
  const lines = readFileSync(new URL('licenses.txt', dist), 'utf8').split('\n')
  return lines.flatMap((line, i) =>
    (i === 0 || lines[i - 1] === '') &&
    /^(?:@[a-z0-9._-]+\/)?[a-z0-9._-]+$/.test(line) &&
    /^\(?[A-Za-z0-9.+-]+(?: (?:OR|AND) [A-Za-z0-9.+-]+)*\)?$/.test(lines[i + 1] ?? '')
      ? [line]
      : [],
  )
}

/** Every webpack module of every chunk: id, file, body. */
function modules(): { id: string; file: string; body: string }[] {
  return readdirSync(dist)
    .filter((file) => file.endsWith('.js'))
    .flatMap((file) => {
      const text = readFileSync(new URL(file, dist), 'utf8')
      const heads = [...text.matchAll(/^\/\*\*\*\/ (\d+):/gm)]
      return heads.map((m, i) => ({
        id: m[1] ?? '',
        file,
        body: text.slice(m.index, heads[i + 1]?.index ?? text.length),
      }))
    })
}

/** Every name a file under src/ exports. */
function ownExports(dir = new URL('src/', root)): Set<string> {
  const names = new Set<string>()
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const url = new URL(entry.isDirectory() ? `${entry.name}/` : entry.name, dir)
    if (entry.isDirectory()) {
      for (const name of ownExports(url)) names.add(name)
    } else if (entry.name.endsWith('.ts')) {
      const source = readFileSync(url, 'utf8')
      for (const m of source.matchAll(
        /^export (?:async )?(?:function\*?|const|let|class|abstract class) (\w+)/gm,
      ))
        names.add(m[1] ?? '')
      for (const m of source.matchAll(/^export \{([^}]*)\}/gm)) {
        for (const part of (m[1] ?? '').split(',')) {
          const name = part
            .trim()
            .split(/\s+as\s+/)
            .pop()
          if (name) names.add(name.replace(/^type\s+/, ''))
        }
      }
    }
  }
  return names
}

describe('dist/ holds one copy of each package', () => {
  it('one installed version of each bundled package in the production tree', () => {
    const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
      packages: Record<string, { dev?: boolean; version?: string }>
    }
    const names = licensed()
    expect(names.length).toBeGreaterThan(5)
    for (const name of names) {
      const copies = Object.entries(lock.packages)
        .filter(([path, info]) => path.endsWith(`node_modules/${name}`) && !info.dev)
        .map(([path, info]) => `${path}@${info.version ?? '?'}`)
      expect({ name, copies: copies.length }).toEqual({ name, copies: 1 })
    }
  })

  it('no package module is copied into two chunks (only the project’s own modules are)', () => {
    const all = modules()
    const files = new Map<string, Set<string>>()
    for (const { id, file } of all) files.set(id, (files.get(id) ?? new Set()).add(file))
    const own = ownExports()
    expect(own.size).toBeGreaterThan(100)
    const copied = all.filter(({ id }) => (files.get(id)?.size ?? 0) > 1)
    // The check can see a copy: the project's own modules are copied today.
    expect(copied.length).toBeGreaterThan(0)
    for (const { id, body } of copied) {
      const bindings = [...body.matchAll(/\/\* binding \*\/ (\w+)/g)].map((m) => m[1] ?? '')
      const foreign = bindings.filter((name) => !own.has(name))
      const packagePath = /\.\/node_modules\/[^\s]+/.exec(body)?.[0]
      expect({ id, bindings: bindings.length > 0, foreign, packagePath }).toEqual({
        id,
        bindings: true,
        foreign: [],
        packagePath: undefined,
      })
    }
  })
})
