/**
 * Advisory lock files shared by processes, ranks and machines on one filesystem: the lock of
 * `status.json`, of a benchmark's writer, of a download and of a video's frame extraction are
 * this one implementation.
 *
 * A lock is a file created exclusively, holding its holder's pid, host, a random token, the
 * time it was taken and a note (what it is doing), one a line. The holder refreshes the file's
 * time while it holds it, so a long holder is not mistaken for a dead one; a lock not refreshed
 * for `staleMs` is taken over, and so is one whose holder ran on this host and no longer exists
 * (a process killed with SIGKILL). A lock from another host (a shared filesystem) is judged by
 * its age alone. A lock file that names no holder (its writer could not write it: a full disk)
 * is taken over once it is older than the moment between creating a lock and writing it. The
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
  /** One line written into the lock for whoever finds it held (e.g. `rank 0 of 2`). */
  note?: string;
  /**
   * Called once, when the lock is first found held by another process, with its holder as
   * people read it ({@linkcode describeLockHolder}: `pid 4242 on node7 since
   * 2025-01-31T09:00:00.000Z`), or `another process` when the file names no holder.
   */
  onWait?: (holder: string) => void;
  /** Called when a lock left by a dead or silent holder is taken over, with why. */
  onTakeover?: (reason: string) => void;
}

/** Who holds a lock file, as written in it. */
export interface LockHolder {
  /** The holder's process id, when the file names one. */
  pid?: number;
  /** The holder's host name, when the file names one. */
  host?: string;
  /** When the holder took the lock (ISO time; locks of earlier versions lack it). */
  since?: string;
  /** What the holder said it is doing. */
  note?: string;
  /** Milliseconds since the holder wrote or refreshed the file. */
  ageMs: number;
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
 * A lock file naming no holder is taken over once older than this: long enough for its creator
 * to write its holder line (creating and writing are two calls), short enough not to stall.
 */
const NAMELESS_GRACE_MS = 2_000;

/** The holder a lock's text names, with the lock's age. */
function parseHolder(text: string, ageMs: number): LockHolder {
  const [pidText, host, , since, note] = text.split("\n");
  const pid = Number(pidText);
  const named = /^\d+$/.test(pidText) && pid > 0 && !!host;
  return {
    ...(named ? { pid, host } : {}),
    ...(named && since ? { since } : {}),
    ...(named && note ? { note } : {}),
    ageMs,
  };
}

/** The holder a lock file names and its age; undefined when there is no lock file. */
export async function readLockHolder(path: string): Promise<LockHolder | undefined> {
  const seen = await readLock(path);
  return seen && parseHolder(seen.text, seen.ageMs);
}

/** A lock file's text and age; undefined when it is gone (text `""` when it cannot be read). */
async function readLock(path: string): Promise<{ text: string; ageMs: number } | undefined> {
  let ageMs: number;
  try {
    const stat = await Deno.stat(path);
    ageMs = Date.now() - (stat.mtime?.getTime() ?? 0);
  } catch {
    return undefined;
  }
  try {
    return { text: await Deno.readTextFile(path), ageMs };
  } catch (error) {
    return error instanceof Deno.errors.NotFound ? undefined : { text: "", ageMs };
  }
}

/**
 * A lock's holder as people read it: `pid 4242 on node7 (rank 0 of 2) since
 * 2025-01-31T09:00:00.000Z`, or `another process` when the file names no holder.
 */
export function describeLockHolder(holder: LockHolder): string {
  if (holder.pid === undefined) return "another process";
  const note = holder.note ? ` (${holder.note})` : "";
  return `pid ${holder.pid} on ${holder.host}${note}${
    holder.since ? ` since ${holder.since}` : ""
  }`;
}

/**
 * True when the lock file at `path` stands for a holder working now: it exists, it was
 * refreshed within `staleMs`, and its holder is not a process of this host that no longer
 * exists. This is the judgement {@linkcode acquireLock} makes before taking a lock over, so a
 * lock this calls inactive is one the next `acquireLock` would take.
 */
export async function isLockActive(path: string, staleMs: number): Promise<boolean> {
  const holder = await readLockHolder(path);
  return holder !== undefined && takeoverReason(holder, staleMs) === undefined;
}

/**
 * Why a lock with this holder may be taken over, or undefined when its holder may be working:
 * not refreshed for `staleMs`, a holder of this host that no longer exists, or no holder named
 * past the moment its creator needed to write one.
 */
function takeoverReason(holder: LockHolder, staleMs: number): string | undefined {
  if (holder.ageMs > staleMs) {
    return `it was not refreshed for ${Math.round(holder.ageMs / 1000)} s`;
  }
  if (holder.pid === undefined) {
    return holder.ageMs > NAMELESS_GRACE_MS
      ? "it names no holder (its writer could not write it, e.g. on a full disk)"
      : undefined;
  }
  if (holder.host === Deno.hostname() && !processExists(holder.pid)) {
    return `its holder, pid ${holder.pid} on this host, no longer exists`;
  }
  return undefined;
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
  const note = (options.note ?? "").replace(/[\r\n]+/g, " ");
  let waited = false;
  while (true) {
    options.signal?.throwIfAborted();
    const holder = `${Deno.pid}\n${Deno.hostname()}\n${crypto.randomUUID()}\n` +
      `${new Date().toISOString()}\n${note}\n`;
    if (await createLockFile(path, holder)) {
      return heldLock(path, holder, options.staleMs, waited);
    }
    const seen = await readLock(path);
    if (seen === undefined) continue; // released meanwhile: try again
    const current = parseHolder(seen.text, seen.ageMs);
    const reason = takeoverReason(current, options.staleMs);
    if (reason !== undefined) {
      await takeOverStale(path, seen.text);
      options.onTakeover?.(`took over ${path}: ${reason}`);
      continue;
    }
    if (!waited) options.onWait?.(describeLockHolder(current));
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
 * @throws {Error} naming the lock and its holder when another process still holds it after
 * `maxWaitMs` (`what` completes "Cannot ...", e.g. `update status.json`).
 */
export async function withLock<T>(
  path: string,
  what: string,
  options: Omit<LockOptions, "ready">,
  fn: () => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(path, options);
  if (!lock.held) {
    const holder = await readLockHolder(path);
    const by = holder ? ` (${describeLockHolder(holder)})` : "";
    throw new Error(
      `Cannot ${what} as ${path} is held by another process${by}: waited ${options.maxWaitMs} ms`,
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

/**
 * Creates the lock file holding `holder`; false when it exists already. A file that was
 * created but could not be written (a full disk) is removed again before the error is
 * rethrown, so it never stands for a holder that does not exist.
 */
async function createLockFile(path: string, holder: string): Promise<boolean> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { createNew: true, write: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) return false;
    throw error;
  }
  try {
    const bytes = new TextEncoder().encode(holder);
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
  } catch (error) {
    file.close();
    await Deno.remove(path).catch(() => {});
    throw error;
  }
  file.close();
  return true;
}

/**
 * True when process `pid` exists on this host and has not exited: on Linux `/proc` answers,
 * and a zombie (dead, not yet reaped by its parent, e.g. an orphan under a container's init
 * that reaps slowly) counts as gone. Deno lets only `--allow-all` read `/proc`; with narrower
 * permissions `cat` reads it (`--allow-run`). Where neither can, a process is assumed alive
 * (its lock then ages out).
 */
export function processExists(pid: number): boolean {
  const path = `/proc/${pid}/stat`;
  let stat: string;
  try {
    stat = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    if (!(error instanceof Deno.errors.NotCapable)) return true;
    const read = readWithCat(path);
    if (read === undefined) return true;
    if (read === null) return false;
    stat = read;
  }
  // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ")".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X";
}

/** `cat path`: its text, null when it does not exist, undefined when `cat` cannot run. */
function readWithCat(path: string): string | null | undefined {
  try {
    const out = new Deno.Command("cat", { args: [path], stdout: "piped", stderr: "null" })
      .outputSync();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return undefined;
  }
}
