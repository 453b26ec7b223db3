/**
 * Files that appear whole or not at all: every temporary-file-and-rename in vlmeval goes
 * through {@linkcode writeAtomically} or {@linkcode commitFile}, which flush the data to disk
 * before the rename publishes it, so neither a killed process nor a power loss leaves a torn
 * file under the final name.
 *
 * @module
 */

/** A fresh, hidden temporary path in the same folder as `path` (so a rename is atomic). */
export function tempPathBeside(path: string): string {
  const slash = path.lastIndexOf("/");
  const folder = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  return `${folder}.${base}.${crypto.randomUUID().slice(0, 8)}.tmp`;
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
