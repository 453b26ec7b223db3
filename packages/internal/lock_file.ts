/**
 * Advisory lock files shared by processes, ranks and machines on one filesystem: the lock of
 * `status.json` and the lock of a video's frame extraction are this one implementation.
 *
 * A lock is a file created exclusively, holding its holder's pid, host, a random token and the
 * time it was taken, one a line. The holder refreshes the file's time while it holds it, so a
 * long holder is not mistaken for a dead one; a lock not refreshed for `staleMs` is taken over,
 * and so is one whose holder ran on this host and no longer exists (a process killed with
 * SIGKILL). A lock from another host (a shared filesystem) is judged by its age alone. The
 * takeover moves the stale file aside and puts it back if it turns out to be a fresh lock, so
 * two waiters that judge one lock stale do not both take it. Release removes the file only
 * while it is still this holder's.
 *
 * @module
 */

/** Timing and wait behaviour of {@linkcode acquireLock}. */
export interface LockOptions {
  /** A lock not refreshed for this many ms belongs to a dead process and is taken over. */
  staleMs: number;
  /**
   * Give up waiting after this many ms (see {@linkcode acquireLock} and {@linkcode withLock});
   * `Infinity` waits for as long as the holder keeps its lock fresh.
   */
  maxWaitMs: number;
  /** Pause in ms between checks while another process holds the lock. */
  pollMs: number;
  /** Aborting ends the wait: the next check throws the abort reason. */
  signal?: AbortSignal;
  /**
   * Asked after each pause while another process holds the lock; when it answers true (the
   * other process finished the work the lock guards) the wait ends with an unheld lock.
   */
  ready?: () => Promise<boolean>;
  /**
   * Called once, when the lock is first found held by another process, with its holder as
   * people read it: `pid 4242 on node7 since 2025-01-31T09:00:00.000Z`, or `another process`
   * when the file cannot be read as a lock.
   */
  onWait?: (holder: string) => void;
}

/** What {@linkcode acquireLock} got. */
export interface Lock {
  /** False when the wait ended (`ready`, or `maxWaitMs`) without taking the lock. */
  readonly held: boolean;
  /** True when the wait ended because `ready()` answered true. */
  readonly ready: boolean;
  /**
   * True when another process held the lock first and this one waited (not when it only took
   * over a stale lock): what the holder guarded may be done now, so check before redoing it.
   */
  readonly waited: boolean;
  /** Stops refreshing and removes the lock file if it is still this holder's. */
  release(): Promise<void>;
}

const NOT_HELD = { held: false, waited: true, release: () => Promise.resolve() } as const;

/**
 * True when the lock file at `path` stands for a holder working now: it exists, it was
 * refreshed within `staleMs`, and its holder is not a process of this host that no longer
 * exists. This is the judgement {@linkcode acquireLock} makes before taking a lock over, so a
 * lock this calls inactive is one the next `acquireLock` would take.
 */
export async function isLockActive(path: string, staleMs: number): Promise<boolean> {
  const age = await lockAge(path);
  if (age === undefined || age > staleMs) return false;
  const text = await readLockText(path);
  return text !== undefined && !(await holderIsDeadHere(text));
}

/** A lock file's text; undefined when it is gone, `""` when it cannot be read (judged by age). */
async function readLockText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? undefined : "";
  }
}

/** Milliseconds since the lock was written or refreshed; undefined when there is none. */
async function lockAge(path: string): Promise<number | undefined> {
  return await Deno.stat(path).then(
    (s) => Date.now() - (s.mtime?.getTime() ?? 0),
    () => undefined,
  );
}

/**
 * Takes the lock file at `path`, waiting while another process holds it. The wait ends with an
 * unheld lock (never an error) when `ready()` answers true or after `maxWaitMs`; callers that
 * must not go on without the lock use {@linkcode withLock}.
 *
 * @example Decode once across processes
 * ```ts ignore
 * import { acquireLock } from "@vlmeval/internal";
 * const lock = await acquireLock("frames/.frames-8frame.lock", {
 *   staleMs: 60_000,
 *   maxWaitMs: 900_000,
 *   pollMs: 50,
 * });
 * try {
 *   // extract (or, when !lock.held, check whether another process did)
 * } finally {
 *   await lock.release();
 * }
 * ```
 */
export async function acquireLock(path: string, options: LockOptions): Promise<Lock> {
  const started = Date.now();
  let waited = false;
  while (true) {
    options.signal?.throwIfAborted();
    const holder = `${Deno.pid}\n${Deno.hostname()}\n${crypto.randomUUID()}\n` +
      `${new Date().toISOString()}\n`;
    try {
      using file = await Deno.open(path, { createNew: true, write: true });
      await file.write(new TextEncoder().encode(holder));
      return heldLock(path, holder, options.staleMs, waited);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const seen = await readLockText(path);
    const age = await lockAge(path);
    if (seen === undefined || age === undefined) continue; // released meanwhile: try again
    if (age > options.staleMs || await holderIsDeadHere(seen)) {
      await takeOverStale(path, seen);
      continue;
    }
    if (!waited) options.onWait?.(describeHolder(seen));
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    if (await options.ready?.()) return { ...NOT_HELD, ready: true };
    if (Date.now() - started > options.maxWaitMs) return { ...NOT_HELD, ready: false };
  }
}

/**
 * Removes the lock at `path` judged stale while it held `staleText`: the file is renamed aside
 * first, and put back when what was moved is not what was judged (another waiter took the
 * stale lock over meanwhile and holds a fresh one).
 */
export async function takeOverStale(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(path, aside);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const moved = await Deno.readTextFile(aside).catch(() => staleText);
  if (moved !== staleText) await Deno.link(aside, path).catch(() => {});
  await Deno.remove(aside).catch(() => {});
}

/**
 * Runs `fn` holding the lock file at `path`.
 *
 * @throws {Error} naming the lock when another process still holds it after `maxWaitMs`
 * (`what` completes "Cannot ...", e.g. `update status.json`).
 */
export async function withLock<T>(
  path: string,
  what: string,
  options: Omit<LockOptions, "ready">,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(path, options);
  if (!lock.held) {
    throw new Error(
      `Cannot ${what} as ${path} is held by another process: waited ${options.maxWaitMs} ms`,
    );
  }
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

function heldLock(path: string, holder: string, staleMs: number, waited: boolean): Lock {
  const refresh = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, Math.max(10, Math.floor(staleMs / 4)));
  return {
    held: true,
    ready: false,
    waited,
    async release() {
      clearInterval(refresh);
      // A holder stalled past `staleMs` may have lost the lock: leave a new holder's file be.
      const current = await Deno.readTextFile(path).catch(() => "");
      if (current === holder) await Deno.remove(path).catch(() => {});
    },
  };
}

/** The fields of a lock file's text: pid, host, token, since (older locks lack `since`). */
function parseHolder(text: string): { pid: number; host: string; since?: string } | undefined {
  const [pidText, host, , since] = text.split("\n");
  const pid = Number(pidText);
  if (!/^\d+$/.test(pidText) || pid <= 0 || !host) return undefined;
  return { pid, host, ...(since ? { since } : {}) };
}

/** A lock's holder as people read it, for {@linkcode LockOptions.onWait}. */
function describeHolder(text: string): string {
  const holder = parseHolder(text);
  if (!holder) return "another process";
  return `pid ${holder.pid} on ${holder.host}${holder.since ? ` since ${holder.since}` : ""}`;
}

/**
 * True when the lock text names a process on this host that no longer exists. A lock from
 * another host (a shared filesystem) is judged by its age alone.
 */
async function holderIsDeadHere(text: string): Promise<boolean> {
  const holder = parseHolder(text);
  if (!holder || holder.host !== Deno.hostname()) return false;
  try {
    await Deno.stat(`/proc/${holder.pid}`);
    return false;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}
