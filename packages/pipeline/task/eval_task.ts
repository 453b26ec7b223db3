import type { IndexKeys } from "../loop/journal_records.ts";
import type { CatalogEntry, DownloadProgress } from "@vlmeval/catalog";
import type { Message, Row } from "@vlmeval/schema";

/** How a task's predictions are scored. */
export type TaskKind = "mcq" | "yorn" | "vqa" | "video-mcq";

/** One prediction parsed out of a model answer. */
export interface ParsedPrediction {
  /** The text written to the `prediction` column (a `Failed to obtain answer: ...` on failure). */
  prediction: string;
  /** False when `prediction` records a failure (e.g. a pack answer without this index). */
  ok: boolean;
  /** Error type name when `ok` is false (e.g. `PackParseError`). */
  errorType?: string;
}

/**
 * The unit of model work: one row, or (video pack mode) one video whose questions are answered
 * in one generation.
 */
export interface EvalUnit {
  /** The row's index, or the video name in pack mode. */
  key: string;
  /** Indices of the rows this unit answers. */
  indices: string[];
  /** Builds the prompt; decodes images or samples frames. Throws for a bad sample. */
  buildPrompt(): Promise<Message>;
  /** Turns the model's answer into one prediction per index. */
  parseAnswer(answer: string): Map<string, ParsedPrediction>;
}

/** The catalog benchmark a task is: what names its scoring rules and picks its scorer. */
export interface TaskBenchmark {
  /** VLMEvalKit's dataset name (`TextVQA_VAL`), which its name-based rules read. */
  name: string;
  /** VLMEvalKit's dataset class (`ImageVQADataset`). */
  class: string;
  /** The metric family (`vqa_acc`, `mcq_circular`, `mathvista`, ...; see the catalog). */
  scorer: string;
}

/** A dataset prepared for evaluation: units to run, and rows to write out. */
export interface EvalTask {
  /** Dataset name used in file names (e.g. `Shapes_MCQ`, `Shapes_Video_8frame_pack`). */
  name: string;
  /** How the predictions are scored. */
  kind: TaskKind;
  /**
   * The catalog benchmark (or `--config` / `$VLMEVAL_CATALOG` entry) the task is, whose scorer
   * scores it; absent for a local TSV, scored by what it looks like.
   */
  benchmark?: TaskBenchmark;
  /** Pack mode: each unit asks several questions at once; the model must support it. */
  packed?: boolean;
  /**
   * Video multiple choice: the benchmark's own rating file, `<stem>_rating.json`, in
   * Video-MME's layout (per duration class and dimension) or MVBench's (per task type).
   */
  rating?: "video-mme" | "mvbench";
  /** Number of units; ranks take unit positions `rank, rank + W, ...`. */
  unitCount: number;
  /** Indices answered by the unit at `position`, without reading media. */
  unitIndices(position: number): string[];
  /**
   * Every index of the task's rows with a position (an image benchmark's row index): the
   * records of its journals are kept by these positions, in arrays of its size.
   */
  indexKeys?: IndexKeys;
  /** The unit at `position`. */
  unitAt(position: number): Promise<EvalUnit>;
  /** Column names of the prediction file, without `image` and without `prediction`. */
  outputColumns(): string[];
  /** Rows in dataset order, with the output columns. */
  outputRows(): AsyncIterable<Row>;
  /**
   * The output columns' pandas dtypes when the benchmark was read as pandas does (absent with
   * `--literal-cells`): prediction files then write numbers and missing values as VLMEvalKit's.
   */
  outputDtypes?(): Readonly<Record<string, string>> | undefined;
  /**
   * Rows of the benchmark file left out of the task, as VLMEvalKit leaves them out (an empty
   * `image` cell): how many, and the 1-based lines of the first ones.
   */
  leftOut?: { rows: number; lines: readonly number[]; file: string };
  /** Folders of this task's decoded media, for cleaning up what killed writers left. */
  mediaDirs?(): string[];
  /** Releases open files. */
  close?(): void;
  /**
   * Prepares the media of the units at `positions` (in the order they will run) ahead of them,
   * at most `concurrency` at once, so a unit's prompt finds them ready (video frames: extracted
   * in parallel up to the cores). Failures are not reported here: the unit's own prompt
   * building meets them again and records them.
   */
  prefetch?(positions: ArrayLike<number>, options: PrefetchOptions): void;
}

/** Settings of {@link EvalTask.prefetch}. */
export interface PrefetchOptions {
  /** Most units prepared at once. */
  concurrency: number;
  /** Stops starting new work once aborted. */
  signal?: AbortSignal;
}

/** A benchmark named beyond VLMEvalKit's catalog: a `--config` data entry, a catalog file's. */
export interface BenchmarkSource {
  /** The benchmark to fetch, prompt and score (`catalogEntryFromConfig`). */
  entry: CatalogEntry;
  /** The `--data` value opened in its place (a video preset with its frame setting). */
  data?: string;
  /** The name its result files take (a `--config` data key); default the task's own. */
  name?: string;
}

/** How catalog benchmarks are fetched when a `--data` name needs one (`ensureDataset`). */
export interface FetchSettings {
  /**
   * Environment: `LMUData`, `VLMEVAL_DATA_MIRROR`, `HF_ENDPOINT`, `HF_TOKEN`,
   * `VLMEVAL_FETCH_RETRIES`, `VLMEVAL_FETCH_TIMEOUT`. @default the process's
   */
  env?: Record<string, string | undefined>;
  /** Download progress display; none by default. */
  progress?: DownloadProgress;
  /** Warnings (a file fetched again); default stderr. */
  warn?: (line: string) => void;
}

/** Settings that shape a task beyond its name. */
export interface OpenTaskOptions {
  /** `--work-dir`: decoded images and frames go to its media cache (`<workDir>/images/`). */
  workDir: string;
  /** Video frame sampling, overriding the name's `_<N>frame`/`_<F>fps`. */
  nframe?: number;
  /** Video frames per second, overriding the name's setting; ignored when `nframe` is set. */
  fps?: number;
  /** Cap on the frames sampled at `fps` (only used with `fps`). */
  maxFrames?: number;
  /** Video pack mode, in addition to a `_pack` suffix. */
  pack?: boolean;
  /** `--literal-cells`: cells as written instead of as VLMEvalKit's pandas reads them. */
  literalCells?: boolean;
  /** Hears, once per benchmark, how many prompts and answers the pandas reading changes. */
  warn?: (message: string) => void;
  /** `--data` values that name benchmarks beyond the catalog, by value. */
  benchmarks?: ReadonlyMap<string, BenchmarkSource>;
  /** How a catalog benchmark is fetched when it is missing or not the catalog's file. */
  fetch?: FetchSettings;
  /** Aborting stops a fetch in progress (the partial download is kept). */
  signal?: AbortSignal;
}
