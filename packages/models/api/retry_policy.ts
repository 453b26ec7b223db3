/** How long to wait between attempts. */
export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. @default {1000} */
  baseMs?: number;
  /** Largest backoff delay, in ms. @default {60000} */
  capMs?: number;
  /** Largest wait taken from a server's `Retry-After`, in ms. @default {600000} */
  retryAfterCapMs?: number;
}

/** Backoff settings with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** Fills in the defaults of `opts` and checks them. */
export function resolveBackoff(opts: BackoffOptions = {}): ResolvedBackoff {
  const resolved = {
    baseMs: opts.baseMs ?? 1000,
    capMs: opts.capMs ?? 60_000,
    retryAfterCapMs: opts.retryAfterCapMs ?? 600_000,
  };
  for (const [key, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `Cannot use backoff option '${key}' as it must be a number >= 0: current value is ${value}`,
      );
    }
  }
  return resolved;
}

/**
 * Exponential backoff with full jitter: a uniform draw from
 * `[0, min(capMs, baseMs * 2^(retry - 1)))` for the `retry`-th retry (1-based).
 */
export function backoffDelayMs(
  retry: number,
  backoff: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** True for HTTP statuses worth retrying: 408, 409, 425, 429 and every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/** True for statuses whose `Retry-After` header is honoured (429 and 503). */
export function honoursRetryAfter(status: number): boolean {
  return status === 429 || status === 503;
}
