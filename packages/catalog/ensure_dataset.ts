import { basename, join } from "node:path";
import { type CatalogEntry, getBenchmark } from "./catalog.ts";
import { dataRoot } from "./data_root.ts";
import { downloadFile } from "./download_file.ts";
import type { DownloadProgress } from "./download_progress.ts";
import { cachedMd5, rememberMd5 } from "./_md5_cache.ts";
import { benchmarkTsvPath, localState } from "./local_state.ts";
import { authHeaders, sourceUrl } from "./source_url.ts";
import { fetchVideoBenchmark } from "./fetch_video.ts";

/** Options of {@linkcode ensureDataset}. */
export interface EnsureDatasetOptions {
  /** The data root. @default `$LMUData` (created when missing), else `~/LMUData` */
  dataRoot?: string;
  /** A benchmark outside the catalog (a config entry with `url` and `md5`), used for `name`. */
  entry?: CatalogEntry;
  /** Keep a present file whose MD5 differs from the catalog's, instead of fetching it again. */
  keep?: boolean;
  /** Video benchmarks: keep the downloaded archives after unpacking (default: removed). */
  keepArchives?: boolean;
  /** Environment for `VLMEVAL_DATA_MIRROR`, `HF_ENDPOINT`, `HF_TOKEN`, `LMUData`. */
  env?: Record<string, string | undefined>;
  /** Progress display for downloads; none by default. */
  progress?: DownloadProgress;
  /** Warnings (a file fetched again, a file kept): default stderr. */
  warn?: (line: string) => void;
  /** Attempts after the first per file. @default `$VLMEVAL_FETCH_RETRIES`, else 5 */
  retries?: number;
  /** Ms to wait for response headers. @default `$VLMEVAL_FETCH_TIMEOUT` s, else 30_000 */
  connectTimeoutMs?: number;
  /** Ms without data before an attempt is given up. @default `$VLMEVAL_FETCH_TIMEOUT` s, else 60_000 */
  stallTimeoutMs?: number;
  /** First retry back-off in ms. @default 1000 */
  backoffMs?: number;
  /** Aborting stops the fetch; partial downloads are kept. */
  signal?: AbortSignal;
}

/** What {@linkcode ensureDataset} did. */
export type EnsureAction =
  | "present" // already there and verified (or unverifiable)
  | "downloaded" // fetched now
  | "fetched_by_other" // another process fetched it while this one waited
  | "kept" // present with another MD5, kept as asked
  | "renamed"; // found under VLMEvalKit's legacy file name and renamed

/** A benchmark ready on disk. */
export interface EnsuredDataset {
  /** The benchmark's catalog entry. */
  entry: CatalogEntry;
  /** The TSV to open: `<root>/<name>.tsv`, or `<root>/<name>/<name>.tsv` for a video benchmark. */
  path: string;
  /** The data root. */
  root: string;
  /** What was done. */
  action: EnsureAction;
}

const stderrWarn = (line: string) => console.error(line);

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<
    T
  >;
}

/** `VLMEVAL_FETCH_RETRIES` and `VLMEVAL_FETCH_TIMEOUT` (seconds), for fetches started by eval. */
function fetchSettingsFromEnv(env: Record<string, string | undefined>): EnsureDatasetOptions {
  const out: EnsureDatasetOptions = {};
  const retries = Number(env.VLMEVAL_FETCH_RETRIES);
  if (env.VLMEVAL_FETCH_RETRIES && Number.isInteger(retries) && retries >= 0) out.retries = retries;
  const timeout = Number(env.VLMEVAL_FETCH_TIMEOUT);
  if (env.VLMEVAL_FETCH_TIMEOUT && Number.isFinite(timeout) && timeout > 0) {
    out.connectTimeoutMs = out.stallTimeoutMs = timeout * 1000;
  }
  return out;
}

/**
 * Makes a benchmark available under the data root, as VLMEvalKit's `prepare_tsv` does, and
 * returns its TSV: a verified file is used as it is; a missing one is downloaded (see
 * {@linkcode downloadFile}); a present file whose MD5 differs from the catalog's is fetched
 * again with a warning, unless `keep` is set; a file under VLMEvalKit's legacy name (the URL's
 * last segment) with the right MD5 is renamed. Video benchmarks are fetched from their Hugging
 * Face repository and unpacked (see {@linkcode fetchVideoBenchmark}).
 *
 * @throws {UnknownBenchmarkError} for a name that is not in the catalog (and no `entry`)
 * @throws {ChecksumMismatchError} when the download is not the catalog's file
 * @throws {DatasetDownloadError} when the file cannot be downloaded
 *
 * @example
 * ```ts ignore
 * import { ensureDataset } from "@vlmeval/catalog";
 * const { path } = await ensureDataset("MMBench_DEV_EN"); // "~/LMUData/MMBench_DEV_EN.tsv"
 * ```
 */
export async function ensureDataset(
  name: string,
  options: EnsureDatasetOptions = {},
): Promise<EnsuredDataset> {
  const entry = options.entry ?? getBenchmark(name);
  const env = options.env ?? Deno.env.toObject();
  options = { ...fetchSettingsFromEnv(env), ...definedOnly(options) };
  const root = await dataRoot({ dataRoot: options.dataRoot, env, create: true });
  const warn = options.warn ?? stderrWarn;
  if (entry.video) return await fetchVideoBenchmark(entry, root, { ...options, env, warn });

  const path = benchmarkTsvPath(root, entry);
  const local = await localState(entry, root);
  if (local.state === "verified" || local.state === "unverified") {
    return { entry, path, root, action: "present" };
  }
  if (local.state === "md5_mismatch") {
    if (options.keep) {
      warn(
        `vlmeval: keeping ${path} although its MD5 is ${local.md5}, not the catalog's ` +
          `${entry.md5} (scores may not compare with published ones)`,
      );
      return { entry, path, root, action: "kept" };
    }
    warn(
      `vlmeval: ${path} is present but its MD5 is ${local.md5}, not the catalog's ${entry.md5}: ` +
        `fetching it again (pass --keep to keep it)`,
    );
  } else if (await renameLegacy(entry, root, path)) {
    warn(`vlmeval: found ${entry.name} under its legacy name; renamed it to ${path}`);
    return { entry, path, root, action: "renamed" };
  }
  const url = sourceUrl(entry.url, env);
  const result = await downloadFile({
    url,
    dest: path,
    checksum: entry.md5 ? { algorithm: "md5", hex: entry.md5 } : undefined,
    headers: authHeaders(url, env),
    retries: options.retries,
    connectTimeoutMs: options.connectTimeoutMs,
    stallTimeoutMs: options.stallTimeoutMs,
    backoffMs: options.backoffMs,
    progress: options.progress,
    label: `${entry.name}.tsv`,
    signal: options.signal,
  });
  if (entry.md5) await rememberMd5(path, entry.md5);
  return { entry, path, root, action: result.downloaded ? "downloaded" : "fetched_by_other" };
}

/** VLMEvalKit #1055: a TSV saved under the URL's file name is renamed to `<name>.tsv`. */
async function renameLegacy(entry: CatalogEntry, root: string, path: string): Promise<boolean> {
  if (!entry.md5) return false;
  const legacy = join(root, basename(new URL(entry.url).pathname));
  if (legacy === path) return false;
  const info = await Deno.stat(legacy).catch(() => undefined);
  if (!info?.isFile || await cachedMd5(legacy) !== entry.md5) return false;
  await Deno.rename(legacy, path);
  await rememberMd5(path, entry.md5);
  return true;
}
