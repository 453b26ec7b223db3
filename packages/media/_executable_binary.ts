import { basename, join } from "node:path";
import { writeAtomically } from "@vlmeval/internal";

/**
 * Returns a path to `path` that can be executed. npm installs some binaries without the
 * execute bit because Deno does not run install scripts (`@ffprobe-installer/linux-x64`); such
 * a file is copied once into `cacheDir` with mode 0755 (written atomically, so concurrent
 * callers never run a half-written copy). The installed file itself is
 * never changed: it may be a hard link into Deno's shared npm cache.
 */
export async function executablePath(path: string, cacheDir: string): Promise<string> {
  const info = await Deno.stat(path);
  if (!info.isFile) throw new Deno.errors.NotFound(`Cannot run "${path}" as it is not a file`);
  if (((info.mode ?? 0o755) & 0o111) !== 0) return path;
  const stamp = `${info.size}-${Math.trunc(info.mtime?.getTime() ?? 0)}`;
  const target = join(cacheDir, `${basename(path)}-${stamp}`);
  try {
    const existing = await Deno.stat(target);
    if (existing.size === info.size && ((existing.mode ?? 0) & 0o111) !== 0) return target;
  } catch {
    // Not copied yet.
  }
  await Deno.mkdir(cacheDir, { recursive: true });
  await writeAtomically(target, async (temp) => {
    await Deno.copyFile(path, temp);
    await Deno.chmod(temp, 0o755);
  });
  return target;
}

/** Where executable copies go: `$VLMEVAL_CACHE_DIR/bin`, else the user cache, else the temp dir. */
export function defaultBinCacheDir(env: Record<string, string | undefined>): string {
  if (env.VLMEVAL_CACHE_DIR) return join(env.VLMEVAL_CACHE_DIR, "bin");
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "vlmeval", "bin");
  if (env.HOME) return join(env.HOME, ".cache", "vlmeval", "bin");
  return join(env.TMPDIR ?? "/tmp", "vlmeval-bin");
}
