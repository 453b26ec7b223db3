import { dirname } from "node:path";
import { writeAtomically } from "@vlmeval/internal";

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

async function readIfPresent(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

/**
 * Makes `path` hold exactly `bytes`. A file already there with the same bytes is reused (returns
 * `false`); otherwise the bytes are written atomically (`writeAtomically`: a temporary file
 * beside it, flushed and renamed over `path`; returns `true`), so a killed process never leaves
 * a torn file under the final name and concurrent writers of the same image do not disturb each
 * other. Parent folders are created.
 */
export async function storeImageFile(path: string, bytes: Uint8Array): Promise<boolean> {
  const existing = await readIfPresent(path);
  if (existing && sameBytes(existing, bytes)) return false;
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeAtomically(path, (temp) => Deno.writeFile(temp, bytes, { createNew: true }));
  return true;
}
