import type { Row } from "@vlmeval/schema";

/** How bad a problem found in a work dir is. */
export type ProblemSeverity =
  /** A file is there but cannot be read (malformed xlsx, broken JSON, ...). */
  | "unreadable"
  /** Something a finished run would have is absent, or a run is still going. */
  | "missing";

/** Something the report could not show, and why. */
export interface Problem {
  /** How bad it is. */
  severity: ProblemSeverity;
  /** The model folder it concerns, if any. */
  model?: string;
  /** The benchmark it concerns, if any. */
  dataset?: string;
  /** The file it concerns, relative to the work dir, if any. */
  file?: string;
  /** One sentence naming what is missing or broken. */
  message: string;
}

/** A score file read back: a table (csv, or json records) or a JSON object (`_rating.json`). */
export type ScoreContent =
  | { kind: "table"; columns: string[]; rows: string[][] }
  | { kind: "object"; value: unknown };

/** One score file beside a prediction file. */
export interface ScoreFile {
  /** Path relative to the work dir. */
  file: string;
  /** What follows `<model>_<dataset>_`, without extension: `acc`, `rating`, `gpt-4o_score`. */
  suffix: string;
  /** The content. */
  content: ScoreContent;
}

/** A benchmark's primary metric, as VLMEvalKit's summary chooses it from the flattened scores. */
export interface PrimaryMetric {
  /** The flattened key, e.g. `split=dev|Overall`. */
  key: string;
  /** Its value, as the score file holds it. */
  value: number;
  /** The score file it was read from, relative to the work dir. */
  file: string;
}

/** What a benchmark's journals say: answers so far and when. */
export interface JournalSummary {
  /** Distinct samples answered (best record per index). */
  records: number;
  /** Of those, answers that record a failure. */
  failed: number;
  /** Unix ms of the first and the last record. */
  firstTime?: number;
  /** Unix ms of the last record. */
  lastTime?: number;
  /** Mean milliseconds per sample over records that carry a time. */
  meanMs?: number;
  /** World sizes seen in journal file names. */
  worldSizes: number[];
  /** Ranks that wrote a done marker. */
  doneRanks: number;
  /** Lines that could not be parsed (a torn last line after a kill). */
  skippedLines: number;
  /** Predictions by index (used when no prediction file exists yet). */
  predictions: Map<string, string>;
}

/** How a benchmark's last run for one model stands. */
export type RunState =
  /** Predicted and scored. */
  | "done"
  /** Predictions complete, not scored (`--mode infer`, or scoring did not run). */
  | "infer"
  /** Answers are being journaled (or were, by a run that stopped without saying so). */
  | "running"
  /** The run stopped before every sample had an answer. */
  | "incomplete"
  /** Too many samples failed (the failure threshold): the run stopped or is over it. */
  | "failed"
  /** The run failed; the status entry's message says why. */
  | "error";

/** The rows shown in the sample browser for one (model, benchmark). */
export interface SampleTable {
  /** The file they come from (relative to the work dir), or `<stem>.journal/`. */
  source: string;
  /** Column names. */
  columns: string[];
  /** Rows as text. */
  rows: Row[];
}

/** One benchmark as run by one model. */
export interface DatasetRun {
  /** The model folder's name. */
  model: string;
  /** The benchmark's name as in file names. */
  dataset: string;
  /** How the run stands. */
  state: RunState;
  /** The `status.json` entry, as written (any keys). */
  status?: Record<string, unknown>;
  /** Prediction file, relative to the work dir. */
  predictionFile?: string;
  /** Per-row result file (`_<judge>_result`, `_results`, ...), relative to the work dir. */
  resultFile?: string;
  /** Score tables and objects. */
  scoreFiles: ScoreFile[];
  /** Other files of this benchmark (judge caches, ...), relative to the work dir. */
  otherFiles: string[];
  /** The primary metric, when a score file holds one. */
  primary?: PrimaryMetric;
  /** Samples scored or predicted. */
  samples?: number;
  /** Share of predictions that record a failure. */
  failRate?: number;
  /** The journals' account, when there are journals. */
  journal?: JournalSummary;
  /** Rows for the sample browser (loaded on request). */
  table?: SampleTable;
}

/** One model folder. */
export interface ModelRun {
  /** Folder name under the work dir (the model name in file names). */
  name: string;
  /** `status.json` as written (any keys), when readable. */
  status?: Record<string, unknown>;
  /** Benchmarks in the folder, in status.json order then by name. */
  datasets: DatasetRun[];
}

/** The memory benchmark's results (`deno task bench:memory`). */
export interface MemoryResults {
  /** The folder they were read from (as given or found). */
  dir: string;
  /** One SVG plot per backend. */
  plots: { name: string; svg: string }[];
  /** `summary.md`, when present. */
  summary?: string;
  /** CSV files found, by name. */
  csvFiles: string[];
}

/** Everything read from a work dir. */
export interface WorkDirScan {
  /** The work dir, absolute. */
  workDir: string;
  /** Model folders with results, by name. */
  models: ModelRun[];
  /** Benchmark names across models, in first-seen order. */
  benchmarks: string[];
  /** What could not be read or is missing. */
  problems: Problem[];
  /** The memory benchmark's results, when found. */
  memory?: MemoryResults;
}
