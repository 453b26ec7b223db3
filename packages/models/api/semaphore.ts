/**
 * Bounds how many holders run at once. `acquire()` resolves with a release function once a slot
 * is free; waiting callers are served in arrival order.
 */
export class Semaphore {
  readonly limit: number;
  #held = 0;
  #waiting: { grant: () => void }[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot create a semaphore as limit must be an integer >= 1: current value is ${limit}`,
      );
    }
    this.limit = limit;
  }

  /** Slots held now. */
  get held(): number {
    return this.#held;
  }

  /** Waits for a slot. Rejects with the signal's reason when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#held < this.limit) {
      this.#held++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          this.#held++;
          resolve(this.#releaser());
        },
      };
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((w) => w !== entry);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(entry);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
      this.#waiting.shift()?.grant();
    };
  }
}
