import { isLockActive, type LockOptions } from "@vlmeval/internal";

/** Timing of the lock that guards one video's frame extraction (see `acquireLock`). */
export type FrameLockOptions = Omit<LockOptions, "ready">;

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
 * True when the frame lock at `path` stands for an extraction running now (see
 * `isLockActive`): a lock this calls inactive is one the next extraction would take over.
 */
export function isFrameLockActive(
  path: string,
  staleMs: number = DEFAULT_LOCK.staleMs,
): Promise<boolean> {
  return isLockActive(path, staleMs);
}
