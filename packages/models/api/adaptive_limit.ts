/** How a request held under an {@linkcode AdaptiveLimit} ended. */
export type RequestOutcome =
  /** An answer: the server keeps up. */
  | "ok"
  /** 429 or 5xx: the server is over its capacity. */
  | "overloaded"
  /** Anything else (a 4xx, a network error): says nothing about the server's load. */
  | "other";

/** A slot of an {@linkcode AdaptiveLimit}; releasing it says how its request ended. */
export interface Permit {
  /** Frees the slot (a second call does nothing). */
  release(outcome: RequestOutcome): void;
}

/** What an {@linkcode AdaptiveLimit} did so far. */
export interface LimitReport {
  /** The limit it started at, and never goes above (`--api-nproc`). */
  max: number;
  /** The limit now. */
  current: number;
  /** The lowest limit it went down to. */
  lowest: number;
  /** Times it halved. */
  decreases: number;
}

/**
 * Bounds how many requests are in flight, adapting the bound as TCP's congestion control does
 * (additive increase, multiplicative decrease), as lmms-eval, promptfoo and inspect_ai do for
 * rate-limited APIs: it starts at `max`; a request that ends `overloaded` (429, 5xx) halves the
 * limit, once per round (requests that started before the last decrease do not halve it
 * again); after `limit` answers in a row without an overload it grows by one, back up to `max`.
 * With `adaptive: false` the limit stays at `max` (a plain semaphore). Waiting callers are
 * served in arrival order.
 */
export class AdaptiveLimit {
  readonly max: number;
  readonly adaptive: boolean;
  #limit: number;
  #lowest: number;
  #decreases = 0;
  #round = 0;
  #answered = 0;
  #held = 0;
  #waiting: { grant: () => void }[] = [];

  /** @throws {RangeError} when `max` is not an integer >= 1. */
  constructor(max: number, opts: { adaptive?: boolean } = {}) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(
        `Cannot create a concurrency limit as 'max' must be an integer >= 1: current value is ${max}`,
      );
    }
    this.max = max;
    this.adaptive = opts.adaptive ?? true;
    this.#limit = max;
    this.#lowest = max;
  }

  /** Requests allowed in flight now. */
  get limit(): number {
    return this.#limit;
  }

  /** Slots held now. */
  get held(): number {
    return this.#held;
  }

  /** What the limit did so far. */
  report(): LimitReport {
    return {
      max: this.max,
      current: this.#limit,
      lowest: this.#lowest,
      decreases: this.#decreases,
    };
  }

  /** Waits for a slot. Rejects with the signal's reason when `signal` aborts first. */
  acquire(signal?: AbortSignal): Promise<Permit> {
    signal?.throwIfAborted();
    if (this.#held < this.#limit && this.#waiting.length === 0) {
      return Promise.resolve(this.#grant());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve(this.#grant());
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

  #grant(): Permit {
    this.#held++;
    const round = this.#round;
    let released = false;
    return {
      release: (outcome) => {
        if (released) return;
        released = true;
        this.#held--;
        this.#adapt(outcome, round);
        while (this.#held < this.#limit && this.#waiting.length > 0) {
          this.#waiting.shift()!.grant();
        }
      },
    };
  }

  #adapt(outcome: RequestOutcome, round: number): void {
    if (!this.adaptive) return;
    if (outcome === "overloaded") {
      if (round !== this.#round) return; // this round already halved the limit
      this.#limit = Math.max(1, Math.floor(this.#limit / 2));
      this.#lowest = Math.min(this.#lowest, this.#limit);
      this.#decreases++;
      this.#round++;
      this.#answered = 0;
    } else if (outcome === "ok" && ++this.#answered >= this.#limit && this.#limit < this.max) {
      this.#limit++;
      this.#answered = 0;
    }
  }
}
