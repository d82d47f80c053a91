import type { ServerResponse } from 'node:http'

/**
 * Graceful shutdown of one replica (Cloud Run and Kubernetes send SIGTERM on every scale-in and
 * deploy, then SIGKILL after their grace: 10 s on Cloud Run, `terminationGracePeriodSeconds`,
 * default 30 s, on Kubernetes). On {@link Drain.settle} the broker stops taking requests, lets the
 * ones in flight finish for the grace minus a cleanup reserve, then stops them (`signal`): a mint
 * cut there deletes whatever key it may have made, within the reserve, and answers 503 so the
 * client tries again elsewhere. Every Vast call made while draining is bounded by what is left of
 * the grace ({@link Drain.budget}).
 */
export class Drain {
  readonly #stop = new AbortController()
  readonly #inflight = new Set<Promise<unknown>>()
  readonly #responses = new Set<ServerResponse>()
  #deadline = Infinity
  #draining = false

  /** True once shutdown began: new requests get 503 and every answer closes its connection. */
  get draining(): boolean {
    return this.#draining
  }

  /** Aborted when the requests still in flight must stop (the grace minus the reserve is over). */
  get signal(): AbortSignal {
    return this.#stop.signal
  }

  /** Requests being served now. */
  get inflight(): number {
    return this.#inflight.size
  }

  /** Counts `work` (one request being served, answering on `res`) until it settles. */
  track(res: ServerResponse, work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    )
    this.#inflight.add(settled)
    this.#responses.add(res)
    void settled.then(() => {
      this.#inflight.delete(settled)
      this.#responses.delete(res)
    })
  }

  /**
   * `budgetMs` capped by what is left of the grace (less `marginMs`, for the answer and the exit),
   * once shutdown began; `budgetMs` itself before.
   */
  budget(budgetMs: number, marginMs = 250): number {
    return Math.max(0, Math.min(budgetMs, this.#deadline - Date.now() - marginMs))
  }

  /**
   * Shuts down: from now on every answer says `Connection: close`; waits for the requests in
   * flight for `graceMs - reserveMs`, then aborts {@link signal} and waits for them again until
   * `graceMs` is over. Resolves with how many requests were still running at the end (0 when
   * everything finished) and how many were cut by the abort.
   */
  async settle(graceMs: number, reserveMs: number): Promise<{ cut: number; left: number }> {
    const started = Date.now()
    this.#draining = true
    this.#deadline = started + graceMs
    for (const res of this.#responses) {
      if (!res.headersSent) res.setHeader('Connection', 'close')
    }
    let cut = 0
    if (!(await this.#waitAll(Math.max(0, graceMs - reserveMs)))) {
      cut = this.#inflight.size
      this.#stop.abort()
      await this.#waitAll(Math.max(0, this.#deadline - Date.now()))
    }
    return { cut, left: this.#inflight.size }
  }

  /** True when every request in flight settled within `ms`. */
  async #waitAll(ms: number): Promise<boolean> {
    if (this.#inflight.size === 0) return true
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms)
    })
    const all = (async () => {
      while (this.#inflight.size > 0) await Promise.all([...this.#inflight])
      return true as const
    })()
    try {
      return await Promise.race([all, timeout])
    } finally {
      clearTimeout(timer)
    }
  }
}
