import { basename, dirname, join } from "node:path";
import { writeAtomically } from "@vlmeval/internal";
import { hashFile } from "./_checksum.ts";

/** Name of the per-folder file that remembers verified MD5s by file name, size and mtime. */
export const MD5_CACHE_NAME = ".vlmeval-md5.json";

interface CacheRecord {
  size: number;
  mtimeMs: number;
  md5: string;
}

type CacheFile = Record<string, CacheRecord>;

async function readCache(path: string): Promise<CacheFile> {
  try {
    const parsed = JSON.parse(await Deno.readTextFile(path));
    return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
  } catch {
    return {}; // missing or torn: it is only a cache
  }
}

async function writeCache(path: string, cache: CacheFile): Promise<void> {
  const text = JSON.stringify(cache, null, 1) + "\n";
  try {
    await writeAtomically(path, (temp) => Deno.writeTextFile(temp, text));
  } catch {
    // A read-only data root: no cache, no error.
  }
}

/**
 * MD5 of a file, remembered in `.vlmeval-md5.json` beside it under its size and mtime, so that
 * listing a data root of multi-gigabyte TSVs does not read them again. A file rewritten in place
 * changes size or mtime and is hashed again.
 */
export async function cachedMd5(path: string): Promise<string> {
  const info = await Deno.stat(path);
  const cachePath = join(dirname(path), MD5_CACHE_NAME);
  const key = basename(path);
  const mtimeMs = info.mtime?.getTime() ?? 0;
  const hit = (await readCache(cachePath))[key];
  if (hit && hit.size === info.size && hit.mtimeMs === mtimeMs) return hit.md5;
  const md5 = await hashFile(path, { algorithm: "md5", hex: "" });
  await rememberMd5(path, md5, info);
  return md5;
}

/** Records a file's MD5 (known from its download) in the cache beside it. */
export async function rememberMd5(path: string, md5: string, info?: Deno.FileInfo): Promise<void> {
  const stat = info ?? await Deno.stat(path);
  const cachePath = join(dirname(path), MD5_CACHE_NAME);
  const cache = await readCache(cachePath);
  cache[basename(path)] = { size: stat.size, mtimeMs: stat.mtime?.getTime() ?? 0, md5 };
  await writeCache(cachePath, cache);
}
