/**
 * @vlmeval/catalog: VLMEvalKit's benchmarks by name, and fetching them.
 *
 * - {@link listBenchmarks} / {@link findBenchmark} / {@link getBenchmark}: the catalog in
 *   `catalog.json` (name, kind, scorer, URL, MD5; for video benchmarks their Hugging Face
 *   repository and how VLMEvalKit unpacks it), written by `scripts/extract_catalog.py` from
 *   VLMEvalKit's dataset classes at the commit {@link catalogSource} names;
 * - {@link ensureDataset}: a benchmark's TSV under the data root ({@link dataRoot}), downloaded
 *   and verified when missing or different; {@link localState} says what is on disk;
 * - {@link downloadFile}: streamed, resumable, retried, verified and atomically renamed
 *   downloads, one per file across processes; {@link sourceUrl} applies
 *   `VLMEVAL_DATA_MIRROR` and `HF_ENDPOINT`;
 * - {@link catalogEntryFromConfig}: a `--config` data entry with `url` and `md5` as an entry.
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
export { dataRoot, type DataRootOptions } from "./data_root.ts";
export {
  type Checksum,
  downloadFile,
  type DownloadFileOptions,
  type DownloadResult,
} from "./download_file.ts";
export {
  createDownloadProgress,
  type DownloadProgress,
  type DownloadProgressOptions,
  formatBytes,
} from "./download_progress.ts";
export {
  type EnsureAction,
  ensureDataset,
  type EnsureDatasetOptions,
  type EnsuredDataset,
} from "./ensure_dataset.ts";
export {
  ChecksumMismatchError,
  DatasetDownloadError,
  DatasetLayoutError,
  UnknownBenchmarkError,
} from "./errors.ts";
export { fetchVideoBenchmark, type FetchVideoOptions } from "./fetch_video.ts";
export {
  globToRegExp,
  listRepoFiles,
  type ListRepoFilesOptions,
  type RepoFile,
  repoFileUrl,
  repoTreeUrl,
} from "./hf_repo.ts";
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
} from "./source_url.ts";
