/**
 * Full garbage collections at a steady pace while a batch job runs (issue 19's memory).
 *
 * V8 collects the old generation only once it has grown by a step of megabytes over what was
 * live, and frees the native memory dead objects hold (buffers of finished reads and deflate
 * calls, closed files' handles) only then: the harness's peak rose with its rows, by 19 MiB from
 * 10k rows to 100k, and reached 223 MiB at 1M rows; with a full collection every 200 ms it rises
 * by 8, and 1M rows peak at 160 MiB, for 7-11% more time. A collection pauses the job about as
 * long as marking the live heap takes (6-10 ms for 12-15 MB), so the pace slows down to keep the
 * pauses within `maxShare` of the time (5% by default) when the heap is large.
 *
 * @module
 */

/** Settings of {@linkcode startPeriodicCollections}. */
export interface PeriodicCollectionOptions {
  /** Milliseconds between collections, at least; 0 or less: none. Default 200. */
  everyMs?: number;
  /** Largest share of the time the pauses may take (the pace slows to keep it). Default 0.05. */
  maxShare?: number;
}

/** The variable that sets the pace of {@linkcode startPeriodicCollections} in the CLI. */
export const COLLECTION_PACE_ENV = "VLMEVAL_GC_EVERY_MS";

/** The default milliseconds between collections. */
export const DEFAULT_COLLECTION_PACE_MS = 200;

/** The longest delay a timer takes as given. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The pace `VLMEVAL_GC_EVERY_MS` sets: whole milliseconds, 0 for no collections; the default
 * when unset or empty.
 *
 * @throws {RangeError} for anything else, naming the variable and the value.
 */
export function parseCollectionPace(text: string | undefined): number {
  if (text === undefined || text.trim() === "") return DEFAULT_COLLECTION_PACE_MS;
  // A timer's delay past 2^31 - 1 ms is taken as 1 ms: refused with the rest.
  if (!/^\s*\d+\s*$/.test(text) || Number(text) > MAX_TIMER_MS) {
    throw new RangeError(
      `${COLLECTION_PACE_ENV} must be a whole number of milliseconds up to ${MAX_TIMER_MS} (0: ` +
        `no periodic collections), not "${text}"`,
    );
  }
  return Number(text);
}

/**
 * Milliseconds to wait before the next collection, after one that paused `pauseMs`: `everyMs`,
 * or longer where the pauses would take more than `maxShare` of the time.
 */
export function nextCollectionDelay(everyMs: number, pauseMs: number, maxShare: number): number {
  return Math.max(everyMs, pauseMs / maxShare - pauseMs);
}

/**
 * Runs a full collection every `everyMs` (see {@linkcode nextCollectionDelay}) until disposed.
 * Needs V8's `gc()` (the process runs with `--v8-flags=--expose-gc`, as the CLI does): without
 * it, and with `everyMs` 0, it does nothing. Its timer never keeps the process alive.
 */
export function startPeriodicCollections(options: PeriodicCollectionOptions = {}): Disposable {
  const gc = (globalThis as { gc?: () => void }).gc;
  const everyMs = options.everyMs ?? DEFAULT_COLLECTION_PACE_MS;
  const maxShare = options.maxShare ?? 0.05;
  if (typeof gc !== "function" || !(everyMs > 0)) return { [Symbol.dispose]() {} };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = (delay: number) => {
    const t = setTimeout(collect, delay);
    Deno.unrefTimer(t);
    timer = t;
  };
  const collect = () => {
    const started = performance.now();
    gc();
    schedule(nextCollectionDelay(everyMs, performance.now() - started, maxShare));
  };
  schedule(everyMs);
  return {
    [Symbol.dispose]() {
      clearTimeout(timer);
    },
  };
}
