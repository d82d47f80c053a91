const inspect = Symbol.for('nodejs.util.inspect.custom')

/**
 * A secret value that cannot be printed by accident: its string, JSON and inspect forms are `***`.
 * Only `reveal()` gives the value, and only the HTTP client and the runner's masking call it.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return '***'
  }

  toJSON(): string {
    return '***'
  }

  [inspect](): string {
    return 'Secret(***)'
  }
}
