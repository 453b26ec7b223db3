/**
 * What the scripts that cache downloads share: vlmeval's cache folder and a file's SHA-256.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";

/**
 * vlmeval's cache folder: `$VLMEVAL_CACHE_DIR`, else `$XDG_CACHE_HOME/vlmeval`, else
 * `$HOME/.cache/vlmeval`; undefined when none of the three is set.
 */
export function vlmevalCacheBase(env: Record<string, string | undefined>): string | undefined {
  return env.VLMEVAL_CACHE_DIR ||
    (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, "vlmeval") : undefined) ||
    (env.HOME ? join(env.HOME, ".cache", "vlmeval") : undefined);
}

/** SHA-256 of a file, hex, read in 4 MiB pieces. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  using file = await Deno.open(path);
  const buffer = new Uint8Array(4 << 20);
  for (;;) {
    const n = await file.read(buffer);
    if (n === null) break;
    hash.update(buffer.subarray(0, n));
  }
  return hash.digest("hex");
}
