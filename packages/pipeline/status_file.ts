/**
 * `<work-dir>/<model>/status.json`: one machine-readable record per (model, dataset) of how its
 * last run ended, in the shape of VLMEvalKit's run-folder `status.json` (schema 1.0, snake-case
 * keys, flattened metrics such as `split=dev|Overall`), so dashboards and scripts written for it
 * keep working. It is written atomically (temporary file + rename) under a lock file, so
 * several processes that finish datasets of the same model at once never lose each other's
 * entries.
 *
 * @module
 */
import { withLock, writeAtomically } from "@vlmeval/internal";
import type { ScoreTable } from "@vlmeval/report";
import { EXIT_CODES } from "@vlmeval/schema";
import { EXACT_MATCHING } from "./score/judge.ts";
import type { JobResult } from "./loop/run_job.ts";
import type { UsageSummary } from "./loop/usage.ts";

/** How a dataset's last run ended. */
export type DatasetRunStatus =
  /** Predictions are complete but were not scored (`--mode infer`). */
  | "infer"
  /** Predictions are complete and scored. */
  | "done"
  /** The run stopped before every sample had an answer; rerun to resume. */
  | "incomplete"
  /**
   * Too many samples failed (the failure threshold, or a run of identical failures): the run
   * stopped, or its predictions hold more failures than the threshold allows; rerun to retry.
   */
  | "failed"
  /** The dataset, the model or the scoring failed; `error_message` says why. */
  | "error";

/** One dataset's entry in `status.json` (VLMEvalKit's keys, plus counts it lacks). */
export interface DatasetStatusEntry {
  /** How the last run of this dataset ended. */
  status: DatasetRunStatus;
  /** Prediction file, relative to the model folder; absent until one is written. */
  prediction_file?: string;
  /** The answer extractor: `exact_matching` unless a judge was used. */
  judge_model: string;
  /** Why the run did not finish (`incomplete` and `error` only). */
  error_message?: string;
  /** What `metrics["Overall"]` measures, e.g. `accuracy, exact matching (...)`. */
  primary_metric?: string;
  /** The primary metric's short name (`accuracy`, `VQA score %`, `Final Score`, ...). */
  primary_metric_name?: string;
  /** The primary metric's value (the same as `overall`), VLMEvalKit's key. */
  primary_metric_value?: number;
  /** The score table flattened: `split=<split>|<column>` to the cell's value. */
  metrics?: Record<string, number | string | null>;
  /** Overall score of the dataset (a fraction for MCQ, a percentage for yes/no and VQA). */
  overall?: number;
  /** Scored rows (questions for circular benchmarks). */
  samples?: number;
  /** Share of merged predictions that record a failure (VLMEvalKit's infer_fail_rate). */
  infer_fail_rate?: number;
  /** Rows no extraction rule could place (a judge would have been asked). */
  unresolved?: number;
  /** The process exit code this dataset contributed. */
  exit_code: number;
  /** What the answers in the prediction file cost (served models), in snake case. */
  usage?: StatusUsage;
  /** What shaped a served model's answers (max tokens, temperature, ...; see `settingsRecord`). */
  settings?: Readonly<Record<string, unknown>>;
  /** `--limit`: only the first rows of the benchmark were evaluated. */
  limit?: number;
  /** ISO time of this entry. */
  updated_at: string;
}

/** A served model's usage as `status.json` writes it (see `UsageSummary`). */
export interface StatusUsage {
  /** Samples whose model reported what they cost. */
  samples: number;
  /** Prompt tokens, summed. */
  prompt_tokens: number;
  /** Completion tokens, summed. */
  completion_tokens: number;
  /** HTTP requests, retries included. */
  requests: number;
  /** Requests after each sample's first. */
  retries: number;
  /** Mean milliseconds per sample. */
  mean_latency_ms: number;
  /** 95th percentile of the milliseconds per sample. */
  p95_latency_ms: number;
}

function statusUsage(u: UsageSummary): StatusUsage {
  return {
    samples: u.samples,
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    requests: u.requests,
    retries: u.retries,
    mean_latency_ms: u.meanLatencyMs,
    p95_latency_ms: u.p95LatencyMs,
  };
}

/** The whole `status.json`. */
export interface StatusFile {
  /** Always `"1.0"`, VLMEvalKit's schema version. */
  schema_version: "1.0";
  /** The model folder's model name. */
  model_name: string;
  /** ISO time of the first entry. */
  created_at: string;
  /** ISO time of the latest entry. */
  updated_at: string;
  /** Command line of the latest run that wrote an entry. */
  argv: string[];
  /** World size of that run. */
  world_size: number;
  /** Prediction file format of that run. */
  pred_format: string;
  /** Score file format of that run. */
  eval_format: string;
  /** `all`, `infer` or `eval`. */
  mode: string;
  /** One entry per dataset name, as used in file names. */
  datasets: Record<string, DatasetStatusEntry>;
}

/** The run-level facts written with every entry. */
export interface RunFacts {
  /** Model name (the folder name under the work dir). */
  modelName: string;
  /** The command line, without secrets (vlmeval never takes keys on the command line). */
  argv: string[];
  /** Number of ranks. */
  worldSize: number;
  /** Prediction file format. */
  predFormat: string;
  /** Score file format. */
  evalFormat: string;
  /** `all`, `infer` or `eval`. */
  mode: string;
}

/**
 * A score table's cells by VLMEvalKit's flattened keys (`_flatten_dataframe`): the text columns
 * (`split`, MathVista's `Task&Skill`, MMVet's `Category`) name each row (`<column>=<value>`,
 * joined by `|`), then the number column: `split=dev|Overall`, `Task&Skill=Overall|acc`; a
 * table with no text column gets `split=none|<column>`.
 */
export function flattenScoreTable(table: ScoreTable): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  const dims = table.columns.map((_, k) =>
    table.rows.length > 0 && table.rows.every((row) => typeof row[k] === "string")
  );
  for (const row of table.rows) {
    const named = table.columns.filter((_, k) => dims[k]).map((c) =>
      `${c}=${row[table.columns.indexOf(c)]}`
    );
    const prefix = named.length ? named.join("|") : "split=none";
    table.columns.forEach((column, k) => {
      if (!dims[k]) out[`${prefix}|${column}`] = row[k];
    });
  }
  return out;
}

/** The entry for a finished job (`runJob`'s result), on the rank that merged it. */
export function statusEntryFromJob(
  job: JobResult,
  modelDir: string,
  judgeModel: string = EXACT_MATCHING,
): DatasetStatusEntry {
  const status: DatasetRunStatus = job.exitCode === EXIT_CODES.tooManyFailures
    ? "failed"
    : job.scores
    ? "done"
    : job.merged
    ? "infer"
    : job.exitCode === EXIT_CODES.badInput
    ? "error"
    : "incomplete";
  const entry: DatasetStatusEntry = {
    status,
    judge_model: judgeModel,
    exit_code: job.exitCode,
    updated_at: new Date().toISOString(),
  };
  if (job.predictionFile) entry.prediction_file = relativeTo(modelDir, job.predictionFile);
  if (job.message && job.exitCode !== EXIT_CODES.ok) entry.error_message = job.message;
  const scores = job.scores;
  if (job.merged) {
    entry.infer_fail_rate = job.merged.rows ? job.merged.failed / job.merged.rows : 0;
  } else if (scores) {
    entry.infer_fail_rate = scores.counts.total ? scores.counts.failed / scores.counts.total : 0;
  }
  if (job.usage) entry.usage = statusUsage(job.usage);
  if (scores) {
    entry.primary_metric = scores.metric;
    if (scores.primaryMetric) entry.primary_metric_name = scores.primaryMetric;
    entry.primary_metric_value = scores.overall;
    entry.metrics = flattenScoreTable(scores.table);
    entry.overall = scores.overall;
    entry.samples = scores.counts.total;
    entry.unresolved = scores.counts.unresolved;
  }
  return entry;
}

/** The entry for a dataset that could not run at all (bad file, model not built, ...). */
export function statusEntryFromError(
  message: string,
  exitCode: number,
  judgeModel: string = EXACT_MATCHING,
): DatasetStatusEntry {
  return {
    status: "error",
    judge_model: judgeModel,
    error_message: message,
    exit_code: exitCode,
    updated_at: new Date().toISOString(),
  };
}

function relativeTo(dir: string, path: string): string {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/**
 * The lock of `status.json`: a holder not seen for 30 s, or one that ran on this host and is
 * gone, is taken over; a live holder is waited for up to a minute.
 */
const STATUS_LOCK = { staleMs: 30_000, maxWaitMs: 60_000, pollMs: 50 };

async function readStatus(path: string): Promise<StatusFile | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && parsed.datasets && !Array.isArray(parsed)) {
      return parsed as StatusFile;
    }
  } catch {
    // Not ours or damaged: kept aside below, never silently overwritten.
  }
  const aside = `${path}.unreadable-${Date.now()}`;
  await Deno.rename(path, aside);
  throw new StatusFileUnreadableError(
    `${path} was not a status file vlmeval can read; moved it to ${aside} and started a new one`,
    aside,
  );
}

/** `status.json` held something else; it was moved aside (the path is in the message). */
export class StatusFileUnreadableError extends Error {
  /** Always `"StatusFileUnreadableError"`. */
  override name = "StatusFileUnreadableError";
  /** Where the unreadable file now is. */
  readonly movedTo: string;
  /** `message` names both paths. */
  constructor(message: string, movedTo: string) {
    super(message);
    this.movedTo = movedTo;
  }
}

/**
 * Records `entry` for `dataset` in `<modelDir>/status.json`, keeping every other dataset's
 * entry. Returns a warning when an unreadable file had to be moved aside first.
 */
export async function recordDatasetStatus(
  modelDir: string,
  run: RunFacts,
  dataset: string,
  entry: DatasetStatusEntry,
): Promise<string | undefined> {
  await Deno.mkdir(modelDir, { recursive: true });
  const path = `${modelDir}/status.json`;
  let warning: string | undefined;
  await withLock(`${path}.lock`, `update ${path}`, STATUS_LOCK, async () => {
    let current: StatusFile | undefined;
    try {
      current = await readStatus(path);
    } catch (err) {
      if (!(err instanceof StatusFileUnreadableError)) throw err;
      warning = err.message;
    }
    const now = new Date().toISOString();
    const next: StatusFile = {
      schema_version: "1.0",
      model_name: run.modelName,
      created_at: current?.created_at ?? now,
      updated_at: now,
      argv: run.argv,
      world_size: run.worldSize,
      pred_format: run.predFormat,
      eval_format: run.evalFormat,
      mode: run.mode,
      datasets: { ...current?.datasets, [dataset]: entry },
    };
    await writeAtomically(
      path,
      (temp) => Deno.writeTextFile(temp, JSON.stringify(next, null, 2) + "\n"),
    );
  });
  return warning;
}
