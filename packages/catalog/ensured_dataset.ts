import type { CatalogEntry } from "./catalog.ts";
import type { DownloadProgress } from "./fetch/download_progress.ts";

/**
 * How a benchmark is fetched: the settings `ensureDataset` passes on to the fetch of a video
 * benchmark and to each download.
 */
export interface FetchSettings {
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

/** What `ensureDataset` (or the fetch of a video benchmark) did. */
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
