// `npm run bench`'s figures for dist/ itself: what the action ships (every file, bytes and count),
// and how much of its JavaScript ncc's webpack copied into more than one chunk (a module shared
// by lazily loaded chunks is copied when the shared part is under webpack's 20 KB split size,
// which ncc does not let a build change). __tests__/dist-packages.test.ts checks that no npm
// package is among the copies; the project's own modules are, which costs disk, not bytes loaded.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

export interface DistFigure {
  name: string
  value: string
  target: string
  met: boolean | null
}

/** dist/ before issue 22 (c1f935e): 4.0 MB in 19 files, two copies of undici among them. */
const TARGET_BYTES = 1.5 * 1024 * 1024

/**
 * The figures of `<root>/dist`: total bytes and files (target <= 1.5 MB), and the bytes of
 * JavaScript modules found in more than one chunk, counted once per extra copy (info).
 */
export function distFigures(root: string): DistFigure[] {
  const dir = join(root, 'dist')
  const files = readdirSync(dir).filter((file) => statSync(join(dir, file)).isFile())
  const bytes = files.reduce((sum, file) => sum + statSync(join(dir, file)).size, 0)
  const copies = new Map<string, { size: number; count: number }>()
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(dir, file), 'utf8')
    const heads = [...text.matchAll(/^\/\*\*\*\/ (\d+):/gm)]
    heads.forEach((m, i) => {
      const size = (heads[i + 1]?.index ?? text.length) - m.index
      const seen = copies.get(m[1] ?? '')
      copies.set(m[1] ?? '', { size, count: (seen?.count ?? 0) + 1 })
    })
  }
  const copied = [...copies.values()].reduce((sum, c) => sum + c.size * (c.count - 1), 0)
  return [
    {
      name: 'size: dist/ (every file)',
      value: `${(bytes / 1024 / 1024).toFixed(2)} MB in ${files.length} files`,
      target: '<= 1.5 MB',
      met: bytes <= TARGET_BYTES,
    },
    {
      name: 'size: dist/ modules copied across chunks',
      value: `${(copied / 1024).toFixed(1)} KB`,
      target: '-',
      met: null,
    },
  ]
}
