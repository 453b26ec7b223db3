import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import { join } from "node:path";
import { isFrameLockActive, isFrameLockName } from "./frame_lock.ts";

/**
 * The media cache: images decoded from benchmark TSVs and frames sampled from videos, written
 * once and reused by later runs and other ranks. Its layout is
 *
 *   <work-dir>/images/<dataset>/...                image benchmarks (`<index>.png`, ...)
 *   <work-dir>/images/<video base>/<video>/...     video benchmarks: frames, `.frames-*.json`
 *                                                  manifests and `.frames-*.lock` locks
 *
 * A video benchmark's folder is its base name (`Shapes_Video`), shared by every sampling
 * setting and pack mode. Predictions, scores and journals live elsewhere, under
 * `<work-dir>/<model>/`, and nothing here reads or removes them.
 */
export function mediaCacheDir(workDir: string): string {
  return join(workDir, "images");
}

/** One dataset's folder in the media cache. */
export interface MediaCacheEntry {
  /** The folder name: a dataset name, or a video benchmark's base name. */
  name: string;
  /** The folder's path. */
  path: string;
  /** Files in it, at any depth (frames, images, manifests, locks, leftovers). */
  files: number;
  /** Their total size in bytes. */
  bytes: number;
  /** Frame locks of extractions running now; a folder with any is not removed. */
  activeLocks: string[];
}

/** Options of {@link listMediaCache} and {@link cleanMediaCache}. */
export interface MediaCacheOptions {
  /** A frame lock not refreshed for this long is abandoned (default: the video package's). */
  staleMs?: number;
}

/** Thrown for a name that is not a dataset folder of the media cache; nothing was removed. */
export class MediaCacheNameError extends Error {
  /** A name that is not a dataset folder is a usage error: exit code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  /** Always `"MediaCacheNameError"`. */
  override name = "MediaCacheNameError";
  /** The name as given. */
  readonly cacheName: string;

  /** `message` says why `cacheName` was refused. */
  constructor(cacheName: string, message: string) {
    super(message);
    this.cacheName = cacheName;
  }
}

/**
 * The dataset folders of the media cache, by name, with their file counts, sizes and running
 * extractions. An absent cache is empty. Only real folders count: files at the top, symbolic
 * links and `*.journal` folders (a model named `images` keeps its journals there) are left out,
 * so they are never offered for removal.
 */
export async function listMediaCache(
  workDir: string,
  options: MediaCacheOptions = {},
): Promise<MediaCacheEntry[]> {
  const root = mediaCacheDir(workDir);
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (entry.isDirectory && !entry.isSymlink && !entry.name.endsWith(".journal")) {
        names.push(entry.name);
      }
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  names.sort();
  const entries: MediaCacheEntry[] = [];
  for (const name of names) entries.push(await describeFolder(name, join(root, name), options));
  return entries;
}

/** What {@link cleanMediaCache} did with one folder. */
export interface MediaCacheOutcome {
  /** The folder as listed (for `busy`, with the locks that kept it). */
  entry: MediaCacheEntry;
  /** `removed`; `would-remove` in a dry run; `busy` when frames are being extracted into it. */
  action: "removed" | "would-remove" | "busy";
}

/** Which folders {@link cleanMediaCache} removes, and whether it only says so. */
export interface CleanMediaCacheOptions extends MediaCacheOptions, SelectMediaCacheOptions {
  /** Folder names as {@link listMediaCache} gives them, or `"all"`. */
  names: readonly string[] | "all";
  /** Report what would be removed and remove nothing. */
  dryRun?: boolean;
}

/**
 * Removes dataset folders from the media cache. Every name is checked before anything is
 * removed: it must be a plain folder name (no `/`, `\`, `.` or `..`) of a folder that
 * {@link listMediaCache} lists. A folder with an active frame lock (an extraction running now,
 * on any rank) is left in place and reported `busy`; the lock is checked again just before the
 * folder goes. A removed folder costs only time: the next run decodes its media again.
 *
 * @throws {MediaCacheNameError} for a path-like name or one that is not in the cache
 */
export async function cleanMediaCache(
  workDir: string,
  options: CleanMediaCacheOptions,
): Promise<MediaCacheOutcome[]> {
  const entries = await listMediaCache(workDir, options);
  const chosen = options.names === "all"
    ? entries
    : selectMediaCache(entries, options.names, options);
  const outcomes: MediaCacheOutcome[] = [];
  for (const entry of chosen) {
    if (entry.activeLocks.length > 0) {
      outcomes.push({ entry, action: "busy" });
    } else if (options.dryRun) {
      outcomes.push({ entry, action: "would-remove" });
    } else {
      const locks = await activeLocksIn(entry.path, options);
      if (locks.length > 0) {
        outcomes.push({ entry: { ...entry, activeLocks: locks }, action: "busy" });
        continue;
      }
      await Deno.remove(entry.path, { recursive: true }).catch((error) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
      outcomes.push({ entry, action: "removed" });
    }
  }
  return outcomes;
}

/** How {@link selectMediaCache} explains a name that is not in the cache. */
export interface SelectMediaCacheOptions {
  /**
   * The folder a dataset name's media lives in, for the hint given with a name that is not a
   * folder: a video benchmark's setting name (`X_8frame`) names its base name's folder (`X`).
   * Default: the name itself (no hint).
   */
  folderOf?: (name: string) => string;
}

/**
 * The entries `names` name, in the order given, without repeats: each must be a plain folder
 * name (no `/`, `\`, `.` or `..`) of an entry in `entries`.
 *
 * @throws {MediaCacheNameError} for the first name that is path-like or not in `entries`
 */
export function selectMediaCache(
  entries: readonly MediaCacheEntry[],
  names: readonly string[],
  options: SelectMediaCacheOptions = {},
): MediaCacheEntry[] {
  const byName = new Map(entries.map((e) => [e.name, e]));
  const folderOf = options.folderOf ?? ((name: string) => name);
  return [...new Set(names)].map((name) => checkedEntry(name, byName, folderOf));
}

function checkedEntry(
  name: string,
  byName: Map<string, MediaCacheEntry>,
  folderOf: (name: string) => string,
): MediaCacheEntry {
  const quoted = JSON.stringify(name);
  if (name === "" || name === "." || name === ".." || /[/\\\0]/.test(name)) {
    throw new MediaCacheNameError(
      name,
      `Cannot use ${quoted} as it is not a plain folder name: name a dataset folder of the ` +
        `media cache (no "/", "\\", "." or "..")`,
    );
  }
  const found = byName.get(name);
  if (found) return found;
  const held = [...byName.keys()];
  const base = folderOf(name);
  const hint = base !== name && byName.has(base)
    ? `; a video benchmark's frames live under its base name "${base}" (every setting)`
    : "";
  throw new MediaCacheNameError(
    name,
    `Cannot use ${quoted} as the media cache has no such dataset folder${hint}; it holds: ` +
      (held.length > 0 ? held.join(", ") : "nothing"),
  );
}

async function describeFolder(
  name: string,
  path: string,
  options: MediaCacheOptions,
): Promise<MediaCacheEntry> {
  const entry: MediaCacheEntry = { name, path, files: 0, bytes: 0, activeLocks: [] };
  await walk(path, async (file, fileName, size) => {
    entry.files++;
    entry.bytes += size;
    if (isFrameLockName(fileName) && await isFrameLockActive(file, options.staleMs)) {
      entry.activeLocks.push(file);
    }
  });
  return entry;
}

async function activeLocksIn(path: string, options: MediaCacheOptions): Promise<string[]> {
  const locks: string[] = [];
  await walk(path, async (file, fileName) => {
    if (isFrameLockName(fileName) && await isFrameLockActive(file, options.staleMs)) {
      locks.push(file);
    }
  });
  return locks;
}

/**
 * Calls `visit` for every non-folder below `dir` (symbolic links are not followed). Entries
 * that vanish meanwhile (a concurrent writer renaming its temporary file) are skipped.
 */
async function walk(
  dir: string,
  visit: (path: string, name: string, size: number) => Promise<void>,
): Promise<void> {
  let children: Deno.DirEntry[];
  try {
    children = await Array.fromAsync(Deno.readDir(dir));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  for (const child of children) {
    if (child.isDirectory && !child.isSymlink) await walk(join(dir, child.name), visit);
  }
  const files = children.filter((c) => !(c.isDirectory && !c.isSymlink));
  for (let start = 0; start < files.length; start += STAT_BATCH) {
    const batch = files.slice(start, start + STAT_BATCH).map((c) => join(dir, c.name));
    const infos = await Promise.all(batch.map((path) =>
      Deno.lstat(path).catch((error) => {
        if (error instanceof Deno.errors.NotFound) return undefined;
        throw error;
      })
    ));
    for (const [k, info] of infos.entries()) {
      if (info) await visit(batch[k], files[start + k].name, info.size);
    }
  }
}

/** Files whose size is asked for at once; a frame cache can hold hundreds of thousands. */
const STAT_BATCH = 64;
