// The emulator's key table: records in id order, looked up by id and by secret value. Deletes
// are soft, as on Vast; ids and secret values are never reused.

import { randomBytes } from 'node:crypto'
import { clonePermissions } from './vast-permissions.ts'
import type { Permissions } from './vast-permissions.ts'

export interface KeyRecord {
  id: number
  userId: number
  /** The current secret value (a reset replaces it). */
  key: string
  name: string
  permissions: Permissions
  primary: boolean
  createdAt: number
  deletedAt: number | null
  /** `key_params` as sent to create: stored, otherwise ignored. */
  keyParams?: unknown
}

export interface NewKey {
  name: string
  permissions: Permissions
  userId: number
  primary: boolean
  keyParams?: unknown
}

const randomHexKey = (): string => randomBytes(32).toString('hex')

export class KeyStore {
  #factory: (() => string) | undefined
  readonly #keys: KeyRecord[] = [] // ids only grow, so this stays in id order
  readonly #byId = new Map<number, KeyRecord>()
  readonly #bySecret = new Map<string, KeyRecord>()
  readonly #issued = new Set<string>()
  #nextId = 1

  constructor(keyFactory?: () => string) {
    this.#factory = keyFactory
  }

  /** How later secret values are made (undefined: 64 lowercase hex). */
  setFactory(keyFactory: (() => string) | undefined): void {
    this.#factory = keyFactory
  }

  add(key: NewKey, secret = this.#newSecret()): KeyRecord {
    const record: KeyRecord = {
      id: this.#nextId++,
      userId: key.userId,
      key: secret,
      name: key.name,
      permissions: clonePermissions(key.permissions),
      primary: key.primary,
      createdAt: Date.now(),
      deletedAt: null,
    }
    if (key.keyParams !== undefined) record.keyParams = key.keyParams
    this.#keys.push(record)
    this.#byId.set(record.id, record)
    this.#bySecret.set(secret, record)
    this.#issued.add(secret)
    return record
  }

  /** Many keys at once: with the default factory, one random draw serves them all. */
  seed(count: number, key: (i: number) => NewKey): void {
    const pool = this.#factory ? null : randomBytes(32 * count).toString('hex')
    for (let i = 0; i < count; i++) {
      const drawn = pool?.slice(64 * i, 64 * (i + 1))
      const secret = drawn === undefined || this.#issued.has(drawn) ? this.#newSecret() : drawn
      this.add(key(i), secret)
    }
  }

  all(): KeyRecord[] {
    return [...this.#keys]
  }

  live(): KeyRecord[] {
    return this.#keys.filter((k) => k.deletedAt === null)
  }

  get(id: number): KeyRecord | undefined {
    return this.#byId.get(id)
  }

  /** By current secret value, deleted or not. */
  byValue(secret: string): KeyRecord | undefined {
    return this.#bySecret.get(secret)
  }

  liveByValue(secret: string | null): KeyRecord | undefined {
    const key = secret === null ? undefined : this.#bySecret.get(secret)
    return key?.deletedAt === null ? key : undefined
  }

  liveOfUser(userId: number): KeyRecord[] {
    return this.#keys.filter((k) => k.deletedAt === null && k.userId === userId)
  }

  /** Gives a key a new secret value; the old one stops working at once. */
  rotate(key: KeyRecord): string {
    const secret = this.#newSecret()
    this.#bySecret.delete(key.key)
    key.key = secret
    this.#bySecret.set(secret, key)
    this.#issued.add(secret)
    return secret
  }

  #newSecret(): string {
    const factory = this.#factory ?? randomHexKey
    for (let attempt = 0; attempt < 100; attempt++) {
      const secret = factory()
      if (!this.#issued.has(secret)) return secret
    }
    throw new Error('keyFactory keeps returning values already issued')
  }
}
