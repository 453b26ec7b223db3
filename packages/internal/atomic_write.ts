/**
 * Files that appear whole or not at all: every temporary-file-and-rename in vlmeval goes
 * through {@linkcode writeAtomically} or {@linkcode commitFile}, which flush the data to disk
 * before the rename publishes it, so neither a killed process nor a power loss leaves a torn
 * file under the final name.
 *
 * @module
 */

import { processExists } from "./lock_file.ts";

/**
 * A fresh, hidden temporary path in the same folder as `path` (so a rename is atomic):
 * `.<name>.<pid>-<host>-<random>.tmp`, naming its writer's process and (hashed) host, so that
 * {@linkcode removeDeadTempFiles} can tell a dead writer's leftovers from a live writer's file.
 */
export function tempPathBeside(path: string): string {
  const slash = path.lastIndexOf("/");
  const folder = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  return `${folder}.${base}.${Deno.pid}-${hostTag()}-${crypto.randomUUID().slice(0, 6)}.tmp`;
}

let hostTagText: string | undefined;

/**
 * This host's name hashed to 8 hex digits (FNV-1a), as temporary file names carry it; asked of
 * the system once per process (a decoded image's temporary file needs it too).
 */
function hostTag(): string {
  if (hostTagText !== undefined) return hostTagText;
  let h = 0x811c9dc5;
  for (const char of Deno.hostname()) h = Math.imul(h ^ char.charCodeAt(0), 16777619) >>> 0;
  return hostTagText = h.toString(16).padStart(8, "0");
}

/** `.<name>.<pid>-<host>-<random>.tmp`, as {@linkcode tempPathBeside} names them. */
const TEMP_NAME = /^\.(.+)\.(\d+)-([0-9a-f]{8})-[0-9a-f]+\.tmp$/;
/** `.<name>.<random>.tmp`, as earlier versions named them (no writer recorded). */
const OLD_TEMP_NAME = /^\.(.+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files of dead writers from `dir` (not its subfolders), as
 * {@linkcode tempPathBeside} names them: a writer of this host whose process no longer exists,
 * or any file not modified for `idleMs` (a writer on another host of a shared filesystem, a
 * reused pid, a file of an earlier version that names no writer). A live writer's file is never
 * touched. Returns the names removed; a missing folder has none.
 */
export async function removeDeadTempFiles(dir: string, idleMs = 600_000): Promise<string[]> {
  const removed: string[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return removed;
    throw error;
  }
  const here = hostTag();
  for (const entry of entries) {
    if (!entry.isFile || !entry.name.endsWith(".tmp")) continue;
    const ours = TEMP_NAME.exec(entry.name);
    if (!ours && !OLD_TEMP_NAME.test(entry.name)) continue;
    const path = `${dir}/${entry.name}`;
    let dead = ours !== null && ours[3] === here && !processExists(Number(ours[2]));
    if (!dead) {
      const mtime = await Deno.stat(path).then((s) => s.mtime?.getTime() ?? 0, () => undefined);
      if (mtime === undefined) continue;
      dead = Date.now() - mtime > idleMs;
    }
    if (!dead) continue;
    await removeIfPresent(path);
    removed.push(entry.name);
  }
  return removed;
}

/** Removes a file, doing nothing when it is already gone. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** Flushes a finished file to disk, so the rename that publishes it cannot outlive its data. */
export async function syncFile(path: string): Promise<void> {
  using file = await Deno.open(path, { read: true });
  await file.sync();
}

/** Options of {@linkcode commitFile}. */
export interface CommitOptions {
  /**
   * Also flush the folder after the rename, so the new name itself survives a power loss: for a
   * file that is costly to make again (a download). Filesystems that refuse to flush a folder
   * are let be; the rename is atomic all the same.
   */
  syncFolder?: boolean;
}

/**
 * Publishes a finished temporary file: flushes it to disk, then renames it to `path` (which it
 * replaces). `tempPath` must be in the same folder as `path`, or at least on its filesystem.
 */
export async function commitFile(
  tempPath: string,
  path: string,
  options: CommitOptions = {},
): Promise<void> {
  await syncFile(tempPath);
  await Deno.rename(tempPath, path);
  if (options.syncFolder) await syncFolderOf(path);
}

async function syncFolderOf(path: string): Promise<void> {
  const slash = path.lastIndexOf("/");
  const folder = slash >= 0 ? path.slice(0, slash) || "/" : ".";
  try {
    using handle = await Deno.open(folder, { read: true });
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on a folder; the rename itself is still atomic.
  }
}

/**
 * Runs `write` on a temporary file beside `path`, then syncs it and renames it to `path`. On
 * any error the temporary file is removed and the error rethrown, so `path` only ever holds a
 * complete file (the old one, or the new one).
 *
 * @example Write a small file atomically
 * ```ts ignore
 * import { writeAtomically } from "@vlmeval/internal";
 * await writeAtomically("out/status.json", (temp) => Deno.writeTextFile(temp, "{}\n"));
 * ```
 */
export async function writeAtomically<T>(
  path: string,
  write: (tempPath: string) => Promise<T>,
): Promise<T> {
  const tempPath = tempPathBeside(path);
  try {
    const result = await write(tempPath);
    await commitFile(tempPath, path);
    return result;
  } catch (error) {
    await removeIfPresent(tempPath).catch(() => {});
    throw error;
  }
}
