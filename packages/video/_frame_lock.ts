/** Options of {@link acquireFrameLock}. */
export interface FrameLockOptions {
  /** A lock not refreshed for this many ms belongs to a dead process and is taken over. */
  staleMs: number;
  /** Give up waiting after this many ms and work without the lock (never an error). */
  maxWaitMs: number;
  /** Pause in ms between checks while another process holds the lock. */
  pollMs: number;
  /** Aborting ends the wait: the next check throws the abort reason. */
  signal?: AbortSignal;
}

/** Default lock timing: stale after 60 s without refresh, wait up to 15 minutes. */
export const DEFAULT_LOCK: FrameLockOptions = { staleMs: 60_000, maxWaitMs: 900_000, pollMs: 50 };

/** File name of the lock guarding one sampling setting's extraction in a video's frame folder. */
export function frameLockName(key: string): string {
  return `.frames-${key}.lock`;
}

/** True for a file name that {@link frameLockName} makes. */
export function isFrameLockName(name: string): boolean {
  return /^\.frames-.+\.lock$/.test(name);
}

/**
 * True when the lock file at `path` stands for an extraction running now: it exists, its
 * holder refreshed it within `staleMs`, and the holder is not a process of this host that no
 * longer exists. This is the judgement {@link acquireFrameLock} makes before taking a lock
 * over, so a lock this calls inactive is one the next extraction would take.
 */
export async function isFrameLockActive(
  path: string,
  staleMs: number = DEFAULT_LOCK.staleMs,
): Promise<boolean> {
  const age = await lockAge(path);
  if (age === undefined || age > staleMs) return false;
  return !(await holderIsDeadHere(path));
}

/** Milliseconds since the lock was written or refreshed; undefined when there is none. */
async function lockAge(path: string): Promise<number | undefined> {
  return await Deno.stat(path).then(
    (s) => Date.now() - (s.mtime?.getTime() ?? 0),
    () => undefined,
  );
}

/** A held lock; `release()` removes it. */
export interface FrameLock {
  /** False when the wait gave up and the caller goes on without the lock. */
  readonly held: boolean;
  release(): Promise<void>;
}

/**
 * Takes an advisory lock file, so that ranks or processes asking for the same frames at the
 * same time decode them once. The lock only saves work: frames are written atomically, so a
 * caller that goes on without it still never sees a torn frame. While waiting, `ready()` is
 * asked after each pause; when it answers true (another process finished the frames) the wait
 * ends with an unheld lock. The holder refreshes the file's time so that a long extraction is
 * not mistaken for a dead one; a lock older than `staleMs` is removed and taken, and so is one
 * whose holder ran on this host and no longer exists (a process killed with SIGKILL).
 */
export async function acquireFrameLock(
  path: string,
  ready: () => Promise<boolean>,
  options: FrameLockOptions = DEFAULT_LOCK,
): Promise<FrameLock & { ready: boolean }> {
  const started = Date.now();
  while (true) {
    options.signal?.throwIfAborted();
    try {
      const file = await Deno.open(path, { createNew: true, write: true });
      await file.write(new TextEncoder().encode(`${Deno.pid}\n${Deno.hostname()}\n`));
      file.close();
      return { ...heldLock(path, options.staleMs), ready: false };
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const age = (await lockAge(path)) ?? 0;
    if (age > options.staleMs || await holderIsDeadHere(path)) {
      await Deno.remove(path).catch(() => {});
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
    if (await ready()) return { held: false, ready: true, release: () => Promise.resolve() };
    if (Date.now() - started > options.maxWaitMs) {
      return { held: false, ready: false, release: () => Promise.resolve() };
    }
  }
}

function heldLock(path: string, staleMs: number): FrameLock {
  const refresh = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, Math.max(10, Math.floor(staleMs / 4)));
  return {
    held: true,
    async release() {
      clearInterval(refresh);
      await Deno.remove(path).catch(() => {});
    },
  };
}

/**
 * True when the lock names a process on this host that no longer exists. A lock from another
 * host (a shared filesystem) is judged by its age alone.
 */
async function holderIsDeadHere(path: string): Promise<boolean> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch {
    return false;
  }
  const [pidText, host] = text.split("\n");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || host !== Deno.hostname()) return false;
  try {
    await Deno.stat(`/proc/${pid}`);
    return false;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}
