import {
  constants,
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import type { BigIntStats } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, sep } from 'node:path'
import type { Secret } from '../core/secret.ts'

/**
 * The file where the official Vast CLI and Python SDK look for a key when none is given:
 * `$XDG_CONFIG_HOME/vastai/vast_api_key`, else `~/.config/vastai/vast_api_key`. A relative
 * XDG_CONFIG_HOME is ignored, as the XDG Base Directory spec says ("If an implementation encounters
 * a relative path in any of these variables it should consider the path invalid and ignore it"):
 * it would put the key inside the checkout.
 */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config')
  return join(base, 'vastai', 'vast_api_key')
}

/** True when XDG_CONFIG_HOME is set but relative, and so ignored by {@link configFilePath}. */
export function relativeXdgConfigHome(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.XDG_CONFIG_HOME) && !isAbsolute(env.XDG_CONFIG_HOME ?? '')
}

/**
 * Identifies the file this action wrote, so post removes that file and nothing else. An inode
 * number alone is not enough: a file removed and created again often gets the same one back.
 */
export interface WrittenFile {
  path: string
  dev: string
  ino: string
  born: string
}

function identity(stat: BigIntStats): Omit<WrittenFile, 'path'> {
  return {
    dev: String(stat.dev),
    ino: String(stat.ino),
    born: String(stat.birthtimeNs || stat.ctimeNs),
  }
}

export class ConfigFileError extends Error {}

const INPUT = "Input 'export-config':"

/**
 * Checked before the key is made, so a blocked path fails the step with nothing created. The
 * `vastai` directory, when it exists, must be a plain directory (not a link, not a file); the
 * config directory above it must be a directory (a link to one is fine: dotfile managers make
 * them). Raises ConfigFileError, naming the input.
 */
export function checkConfigFileFree(path: string): void {
  const dir = dirname(path)
  const base = dirname(dir)
  const kernel = kernelFileSystem(base)
  if (kernel) {
    throw new ConfigFileError(
      `${INPUT} ${base} is in ${kernel}, a kernel file system, not a plain directory; the key file cannot go under it. ` +
        'Set XDG_CONFIG_HOME (or HOME) to a directory of your own, or unset it, or use export-env: true instead',
    )
  }
  const baseStat = statSync(base, { throwIfNoEntry: false })
  if (baseStat && !baseStat.isDirectory()) {
    throw new ConfigFileError(
      `${INPUT} ${base} is not a directory; the key file cannot go under it. Remove it, or use export-env: true instead`,
    )
  }
  const dirStat = lstatSync(dir, { throwIfNoEntry: false })
  if (dirStat?.isSymbolicLink()) {
    throw new ConfigFileError(
      `${INPUT} ${dir} is a symbolic link; refusing to write the key through it. Make it a plain directory, or use export-env: true instead`,
    )
  }
  if (dirStat && !dirStat.isDirectory()) {
    throw new ConfigFileError(
      `${INPUT} ${dir} is not a plain directory; refusing to write the key there. Remove it, or use export-env: true instead`,
    )
  }
  const existing = lstatSync(path, { throwIfNoEntry: false })
  if (existing) {
    throw new ConfigFileError(
      `${INPUT} ${path} already exists${existing.isSymbolicLink() ? ' as a symbolic link' : ''} and was not written by this step; ` +
        'refusing to overwrite it. Remove it first, or use export-env: true instead',
    )
  }
}

/**
 * Writes the key with mode 0600. Never follows a symlink and never replaces an existing file: the
 * file may be a developer's own key, or a link planted to make us write the key elsewhere.
 */
export function writeConfigFile(path: string, key: Secret): WrittenFile {
  makeDirectories(dirname(path))
  checkConfigFileFree(path)
  let fd: number
  try {
    fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    )
  } catch (error) {
    throw new ConfigFileError(
      `${INPUT} cannot create ${path}: ${(error as NodeJS.ErrnoException).code}`,
    )
  }
  try {
    writeSync(fd, key.reveal())
  } finally {
    closeSync(fd)
  }
  return { path, ...identity(lstatSync(path, { bigint: true })) }
}

/**
 * Linux's kernel file systems, where a directory is not a place for files (`/proc/self` is a
 * directory, but `mkdir` in it fails with ENOENT, and Node's recursive mkdir then never returns).
 * Returns the mount point the nearest existing ancestor of `path` resolves into, or ''.
 */
function kernelFileSystem(path: string): string {
  let existing = path
  for (let i = 0; i < 256 && !lstatSync(existing, { throwIfNoEntry: false }); i++) {
    const parent = dirname(existing)
    if (parent === existing) break
    existing = parent
  }
  let real: string
  try {
    real = realpathSync(existing)
  } catch {
    real = existing
  }
  return /^\/(proc|sys)(\/|$)/.exec(real)?.[0].replace(/\/$/, '') ?? ''
}

/**
 * Makes `dir` and any missing parents (mode 0700), one `mkdir` each, top down: every step either
 * succeeds or fails with ConfigFileError naming the directory and the error code. (Node's
 * `mkdir({ recursive: true })` loops forever on a kernel file system that answers ENOENT.)
 */
function makeDirectories(dir: string): void {
  const missing: string[] = []
  for (let at = dir; !lstatSync(at, { throwIfNoEntry: false }); at = dirname(at)) {
    if (dirname(at) === at || missing.length >= 256) break
    missing.unshift(at)
  }
  for (const at of missing) {
    try {
      mkdirSync(at, { mode: 0o700 })
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST' && statSync(at, { throwIfNoEntry: false })?.isDirectory()) continue
      throw new ConfigFileError(`${INPUT} cannot create the directory ${at}: ${code ?? 'error'}`)
    }
  }
}

/** The end of every path {@link configFilePath} makes: post removes no file whose path differs. */
const KEY_FILE_TAIL = `${sep}vastai${sep}vast_api_key`

/**
 * Removes the file if it is still the one written in main: an absolute path ending in
 * `vastai/vast_api_key` (the only file main writes; 'refused' for any other path, whatever state
 * says), a regular file with the same device, inode and birth time.
 */
export function removeConfigFile(file: WrittenFile): 'removed' | 'gone' | 'replaced' | 'refused' {
  if (
    typeof file.path !== 'string' ||
    !isAbsolute(file.path) ||
    !file.path.endsWith(KEY_FILE_TAIL) ||
    file.path.split(sep).includes('..')
  ) {
    return 'refused'
  }
  const stat = lstatSync(file.path, { bigint: true, throwIfNoEntry: false })
  if (!stat) return 'gone'
  const now = identity(stat)
  if (!stat.isFile() || now.dev !== file.dev || now.ino !== file.ino || now.born !== file.born) {
    return 'replaced'
  }
  unlinkSync(file.path)
  return 'removed'
}
