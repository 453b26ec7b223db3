/**
 * @vlmeval/catalog: VLMEvalKit's benchmarks by name, and fetching them.
 *
 * - {@link listBenchmarks} / {@link findBenchmark} / {@link getBenchmark}: the catalog in
 *   `catalog.json` (name, kind, scorer, URL, MD5; for video benchmarks their Hugging Face
 *   repository and how VLMEvalKit unpacks it), written by `scripts/extract_catalog.py` from
 *   VLMEvalKit's dataset classes at the commit {@link catalogSource} names;
 * - {@link ensureDataset}: a benchmark's TSV under the data root (`lmuDataRoot` of
 *   `@vlmeval/datasets`, which reads it there), downloaded and verified when missing or
 *   different; {@link localState} says what is on disk;
 * - {@link downloadFile}: streamed, resumable, retried, verified and atomically renamed
 *   downloads, one per file across processes; {@link sourceUrl} applies
 *   `VLMEVAL_DATA_MIRROR` and `HF_ENDPOINT`;
 * - {@link catalogEntryFromConfig}: a `--config` data entry with `url` and `md5` as an entry.
 *
 * Its parts: the catalog, its lookup and what is on disk at the root; `fetch/` the downloader
 * (locks from `@vlmeval/internal`, checksums, progress, the MD5 cache, source URLs); `video/`
 * the Hugging Face snapshot of a video benchmark (repository listing, unzip, pickled videos,
 * the TSVs VLMEvalKit generates).
 *
 * @module
 */
export {
  type BenchmarkKind,
  type CatalogEntry,
  type CatalogSource,
  catalogSource,
  findBenchmark,
  getBenchmark,
  listBenchmarks,
  type MvbenchTask,
  type UnpackStep,
  type VideoSource,
  type VideoTsvSource,
} from "./catalog.ts";
export { catalogEntryFromConfig, type ConfigDataEntry, scorerFor } from "./config_entry.ts";
export {
  type Checksum,
  downloadFile,
  type DownloadFileOptions,
  type DownloadResult,
} from "./fetch/download_file.ts";
export {
  createDownloadProgress,
  type DownloadProgress,
  type DownloadProgressOptions,
} from "./fetch/download_progress.ts";
export { ensureDataset, type EnsureDatasetOptions } from "./ensure_dataset.ts";
export { type EnsureAction, type EnsuredDataset, type FetchSettings } from "./ensured_dataset.ts";
export {
  ChecksumMismatchError,
  DatasetDownloadError,
  DatasetLayoutError,
  UnknownBenchmarkError,
} from "./errors.ts";
export { fetchVideoBenchmark, type FetchVideoOptions } from "./video/fetch_video.ts";
export {
  globToRegExp,
  listRepoFiles,
  type ListRepoFilesOptions,
  type RepoFile,
  repoFileUrl,
  repoTreeUrl,
} from "./video/hf_repo.ts";
export {
  benchmarkTsvPath,
  type LocalState,
  localState,
  type LocalStateName,
  readVideoFetchRecord,
  VIDEO_FETCH_RECORD,
  type VideoFetchRecord,
} from "./local_state.ts";
export {
  authHeaders,
  HF_HOST,
  isHuggingFaceUrl,
  sourceUrl,
  type SourceUrlEnv,
} from "./fetch/source_url.ts";
