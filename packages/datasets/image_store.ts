import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { removeIfPresent, tempPathBeside } from "@vlmeval/internal";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * The file's bytes, or undefined when there is none. Asked first with `existsSync`, which
 * answers without an exception: a thrown `NotFound` costs more than the read itself, and a
 * fresh run meets one per image (issue 19's profile).
 */
function readIfPresent(path: string): Uint8Array | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return Deno.readFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/** Writes a new file; its parent folders are created only when they are missing. */
function writeNewFile(path: string, bytes: Uint8Array): void {
  try {
    Deno.writeFileSync(path, bytes, { createNew: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    Deno.mkdirSync(dirname(path), { recursive: true });
    Deno.writeFileSync(path, bytes, { createNew: true });
  }
}

/**
 * Makes `path` hold exactly `bytes`. A file already there with the same bytes is reused (returns
 * `false`); otherwise the bytes are written to a temporary file beside it and renamed over
 * `path` (returns `true`), so a killed process never leaves a torn file under the final name and
 * concurrent writers of the same image do not disturb each other. Parent folders are created.
 * The file is not flushed to the disk: it is a copy of the dataset's cell, and a file a power
 * loss left torn differs from it, so the next call writes it again. Synchronous calls: on a
 * loaded machine each asynchronous file operation waits for a thread-pool turn (issue 19).
 */
export async function storeImageFile(path: string, bytes: Uint8Array): Promise<boolean> {
  const existing = readIfPresent(path);
  if (existing && sameBytes(existing, bytes)) return false;
  const temp = tempPathBeside(path);
  try {
    writeNewFile(temp, bytes);
    Deno.renameSync(temp, path);
  } catch (error) {
    await removeIfPresent(temp).catch(() => {});
    throw error;
  }
  return true;
}
