import { basename, join } from "node:path";
import { lmuDataRoot } from "@vlmeval/datasets";
import { type CatalogEntry, getBenchmark } from "./catalog.ts";
import type { EnsuredDataset, FetchSettings } from "./ensured_dataset.ts";
import { downloadFile } from "./fetch/download_file.ts";
import { cachedMd5, rememberMd5 } from "./fetch/_md5_cache.ts";
import { benchmarkTsvPath, localState } from "./local_state.ts";
import { authHeaders, sourceUrl } from "./fetch/source_url.ts";
import { fetchVideoBenchmark } from "./video/fetch_video.ts";

/** Options of {@linkcode ensureDataset}. */
export interface EnsureDatasetOptions extends FetchSettings {
  /** The data root. @default `$LMUData` (created when missing), else `~/LMUData` */
  dataRoot?: string;
  /** A benchmark outside the catalog (a config entry with `url` and `md5`), used for `name`. */
  entry?: CatalogEntry;
  /** Keep a present file whose MD5 differs from the catalog's, instead of fetching it again. */
  keep?: boolean;
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
  const root = await lmuDataRoot({ dataRoot: options.dataRoot, env, create: true });
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
