/** Options of {@link acquireDownloadLock}. */
export interface DownloadLockOptions {
  /** A lock not refreshed for this many ms is stale and taken over. @default 60_000 */
  staleMs?: number;
  /** Pause between checks while another process holds the lock. @default 500 */
  pollMs?: number;
  /** Aborting ends the wait with the abort reason. */
  signal?: AbortSignal;
  /** Called once when the lock is held by someone else, with the holder's description. */
  onWait?: (holder: string) => void;
}

/** A held download lock. */
export interface DownloadLock {
  /** True when another process held the lock first and this one waited for it. */
  readonly waited: boolean;
  /** Stops the heartbeat and removes the lock file (only while it is still ours). */
  release(): Promise<void>;
}

interface Holder {
  pid: number;
  host: string;
  since: string;
  token: string;
}

async function readHolder(path: string): Promise<{ text: string; holder?: Holder } | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
  try {
    return { text, holder: JSON.parse(text) as Holder };
  } catch {
    return { text }; // being written right now, or not ours: judged by its age alone
  }
}

/** True when the holder is a process of this host that no longer exists. */
async function deadHere(holder: Holder | undefined): Promise<boolean> {
  if (!holder || holder.host !== Deno.hostname() || !Number.isInteger(holder.pid)) return false;
  if (holder.pid === Deno.pid) return false;
  try {
    await Deno.stat(`/proc/${holder.pid}`);
    return false;
  } catch (error) {
    return error instanceof Deno.errors.NotFound;
  }
}

function describe(holder: Holder | undefined): string {
  return holder ? `pid ${holder.pid} on ${holder.host} since ${holder.since}` : "another process";
}

/**
 * Takes the lock file `path` (beside the file being downloaded) so that concurrent fetches of
 * one file (several ranks, several runs, several hosts on a shared filesystem) download it once.
 * The file holds the holder's pid, host and start time; the holder refreshes its time every
 * quarter of `staleMs`. A lock is taken over when it was not refreshed for `staleMs`, or when its
 * holder is a process of this host that no longer exists. The takeover renames the stale file
 * away first and puts it back if it turns out to be a fresh lock, so two waiters that judge the
 * same lock stale do not both take it.
 */
export async function acquireDownloadLock(
  path: string,
  options: DownloadLockOptions = {},
): Promise<DownloadLock> {
  const staleMs = options.staleMs ?? 60_000;
  const pollMs = options.pollMs ?? 500;
  const token = crypto.randomUUID();
  let waited = false;
  while (true) {
    options.signal?.throwIfAborted();
    const holder: Holder = {
      pid: Deno.pid,
      host: Deno.hostname(),
      since: new Date().toISOString(),
      token,
    };
    try {
      await Deno.writeTextFile(path, JSON.stringify(holder) + "\n", { createNew: true });
      return heldLock(path, token, staleMs, waited);
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    const seen = await readHolder(path);
    if (seen === undefined) continue;
    const age = await Deno.stat(path).then((s) => Date.now() - (s.mtime?.getTime() ?? 0), () => 0);
    if (age > staleMs || await deadHere(seen.holder)) {
      await takeOver(path, seen.text);
      continue;
    }
    if (!waited) options.onWait?.(describe(seen.holder));
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function takeOver(path: string, staleText: string): Promise<void> {
  const aside = `${path}.stale-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.rename(path, aside);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const moved = await Deno.readTextFile(aside).catch(() => staleText);
  if (moved !== staleText) {
    // Someone took the lock between our look and the rename: give it back.
    await Deno.link(aside, path).catch(() => {});
  }
  await Deno.remove(aside).catch(() => {});
}

function heldLock(path: string, token: string, staleMs: number, waited: boolean): DownloadLock {
  const refresh = setInterval(() => {
    const now = new Date();
    Deno.utime(path, now, now).catch(() => {});
  }, Math.max(10, Math.floor(staleMs / 4)));
  return {
    waited,
    async release() {
      clearInterval(refresh);
      const seen = await readHolder(path).catch(() => undefined);
      if (seen?.holder?.token === token) await Deno.remove(path).catch(() => {});
    },
  };
}
