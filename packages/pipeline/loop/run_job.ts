import { EXIT_CODES, isFailure, type Row, type VisionLanguageModel } from "@vlmeval/schema";
import { type PredFormat, readPredictions, writePredictions } from "@vlmeval/report";
import type { EvalTask } from "../task/eval_task.ts";
import { evaluatePredictions } from "../score/evaluate.ts";
import type { EvaluateOptions, TaskScores } from "../score/score_types.ts";
import type { GpuHooks } from "./guard.ts";
import type { JudgeSettings } from "../score/judge.ts";
import { journalDir, JournalWriter, readJournals } from "./journal.ts";
import { mergePredictions } from "./merge.ts";
import { type Progress, SILENT_PROGRESS } from "./progress.ts";
import { runShard, type ShardSummary } from "./run_shard.ts";
import { limitPassed } from "./failure_policy.ts";
import type { FailurePolicy } from "./failure_policy.ts";
import { checkRunSettings, recordRunSettings } from "./run_settings.ts";
import { summariseUsage, type UsageSummary } from "./usage.ts";
import { clearDoneMarker, waitForShards, writeDoneMarker } from "../ranks/shard_wait.ts";

/** Settings of one (model, dataset) job on one rank. */
export interface JobOptions {
  /** The task to run (see `openTask`). */
  task: EvalTask;
  /** Model name as in file names: `<workDir>/<modelName>/<modelName>_<task>.<format>`. */
  modelName: string;
  /** Builds the model; called only if inference is needed. */
  getModel: () => Promise<VisionLanguageModel>;
  /** `--work-dir`: root of the model folders and of the media cache. */
  workDir: string;
  /** This process's global rank; rank 0 also merges and scores. */
  rank: number;
  /** Number of ranks sharing the task. */
  worldSize: number;
  /** `all`: infer then score; `infer`: predictions only; `eval`: score existing predictions. */
  mode: "all" | "infer" | "eval";
  /** Record failures and go on (`SKIP_ERR=1`, `--skip-err`); else the first one stops the job. */
  skipErr: boolean;
  /** Do not retry failures recorded by earlier runs (`--keep-failed`). */
  keepFailed: boolean;
  /** `SPLIT_THINK`: split answers at `</think>` into `prediction` and `thinking` at merge. */
  splitThink?: boolean;
  /** Format of the prediction file and of the per-row result file. */
  format: PredFormat;
  /** Format of the score tables. */
  evalFormat: "csv" | "json";
  /**
   * Multiple choice and yes/no: the LLM judge for answers no heuristic places (`--judge`);
   * default none.
   */
  judge?: JudgeSettings;
  /** With no `judge`: where MathVista and MMVet ask their VLMEvalKit default judge. */
  familyJudge?: Omit<JudgeSettings, "name">;
  /** Units in flight at once (API models: `--api-nproc`); default 1. */
  concurrency?: number;
  /** When to empty the GPU cache: after every unit, or only after failures (the default). */
  emptyCache?: "always" | "on-failure";
  /** GPU synchronize and cache release for the failure guard. */
  gpu: GpuHooks;
  /** How long rank 0 waits for the other ranks (ms). */
  rankTimeoutMs: number;
  /** Receives one-line warnings for the user. */
  warn: (message: string) => void;
  /** Makes the progress reporter of this rank's shard from a label; default none. */
  progress?: (label: string) => Progress;
  /** Aborting stops the shard before its next unit (exit `interrupted`) and the wait for ranks. */
  signal?: AbortSignal;
  /**
   * When recorded failures stop the job (exit `tooManyFailures`): checked on each rank's shard
   * as samples finish, and on rank 0 over the merged predictions. Default never.
   */
  failurePolicy?: FailurePolicy;
  /**
   * What shapes the model's answers (a served model's settings record), kept with the journal;
   * a resumed job whose answers were made with other settings is refused (see
   * `checkRunSettings`). Absent: not recorded.
   */
  settings?: Readonly<Record<string, unknown>>;
}

/** How one job ended. */
export interface JobResult {
  /** The task's name. */
  task: string;
  /** One of the schema's `EXIT_CODES`: `ok`, or what went wrong. */
  exitCode: number;
  /** A sentence for the user when the job did not finish. */
  message?: string;
  /** The prediction file, once written (rank 0) or found to score (`eval` mode). */
  predictionFile?: string;
  /** This rank's inference; undefined in `eval` mode. */
  shard?: ShardSummary;
  /** Rows written to the prediction file and failures among them (rank 0 after the merge). */
  merged?: { rows: number; failed: number };
  /** The scores, on rank 0 in `all` and `eval` modes. */
  scores?: TaskScores;
  /** What the answers in the prediction file cost, when the model reported it (rank 0). */
  usage?: UsageSummary;
}

/** Where a job's files live. */
export interface JobPaths {
  /** `<work-dir>/<model>`: folder of the model's predictions, scores and journals. */
  modelDir: string;
  /** `<model>_<dataset>`: the common start of the job's file names. */
  stem: string;
  /** `<modelDir>/<stem>.journal`: every rank's journal and done marker. */
  journalDir: string;
  /** `<modelDir>/<stem>.<fmt>`. */
  predictionFile: string;
}

/** Paths of a job's files: `<work-dir>/<model>/<model>_<dataset>.<fmt>` and its journals. */
export function jobPaths(
  workDir: string,
  modelName: string,
  taskName: string,
  fmt: string,
): JobPaths {
  const modelDir = `${workDir}/${modelName}`;
  const stem = `${modelName}_${taskName}`;
  return {
    modelDir,
    stem,
    journalDir: journalDir(modelDir, stem),
    predictionFile: `${modelDir}/${stem}.${fmt}`,
  };
}

/**
 * Runs one job: this rank's inference, then on rank 0 the wait for the other ranks, the merge
 * into the prediction file and the scoring. Never throws for a sample's failure; returns the
 * exit code that describes the outcome.
 */
export async function runJob(opts: JobOptions): Promise<JobResult> {
  const { task } = opts;
  const paths = jobPaths(opts.workDir, opts.modelName, task.name, opts.format);
  const result: JobResult = { task: task.name, exitCode: EXIT_CODES.ok };
  if (opts.mode === "eval") return opts.rank === 0 ? await scoreExisting(opts, paths) : result;

  const startedAt = Date.now();
  if (opts.settings) {
    await checkRunSettings(paths.journalDir, opts.settings, {
      task: task.name,
      modelName: opts.modelName,
      warn: opts.warn,
    });
  }
  if (opts.rank === 0) await importPreviousPredictions(paths, opts);
  clearDoneMarker(paths.journalDir, opts.rank, opts.worldSize);
  const shard = await runShard({
    task,
    getModel: opts.getModel,
    journalDir: paths.journalDir,
    rank: opts.rank,
    worldSize: opts.worldSize,
    skipErr: opts.skipErr,
    keepFailed: opts.keepFailed,
    concurrency: opts.concurrency,
    emptyCache: opts.emptyCache,
    gpu: opts.gpu,
    warn: opts.warn,
    progress:
      opts.progress?.(`${opts.modelName}/${task.name} rank ${opts.rank}/${opts.worldSize}`) ??
        SILENT_PROGRESS,
    signal: opts.signal,
    failurePolicy: opts.failurePolicy,
    beforeFirstSample: async () => {
      if (opts.settings) await recordRunSettings(paths.journalDir, opts.settings);
    },
  });
  result.shard = shard;
  await writeDoneMarker(paths.journalDir, {
    rank: opts.rank,
    worldSize: opts.worldSize,
    complete: !shard.stopped,
    reason: shard.stopped ? stopReason(shard) : undefined,
  });
  if (shard.stopped) {
    const code = {
      sticky: EXIT_CODES.stickyCuda,
      aborted: EXIT_CODES.interrupted,
      failures: EXIT_CODES.tooManyFailures,
      error: EXIT_CODES.sampleFailed,
    }[shard.stopped.reason];
    return { ...result, exitCode: code, message: stopReason(shard) };
  }
  if (opts.rank !== 0) return result;
  return await mergeAndScore(opts, paths, startedAt, result);
}

/** `--mode eval` on rank 0: scores the prediction file an earlier run wrote. */
async function scoreExisting(opts: JobOptions, paths: JobPaths): Promise<JobResult> {
  const { task } = opts;
  if (!exists(paths.predictionFile)) {
    return {
      task: task.name,
      exitCode: EXIT_CODES.badInput,
      message: `No predictions to score for ${task.name}: ${paths.predictionFile} does not ` +
        `exist (run with --mode all or --mode infer first)`,
    };
  }
  return {
    task: task.name,
    exitCode: EXIT_CODES.ok,
    predictionFile: paths.predictionFile,
    scores: await evaluatePredictions(task, paths.predictionFile, scoreOptions(opts, paths)),
  };
}

/** Rank 0 after its shard: waits for every rank, merges the prediction file, then scores. */
async function mergeAndScore(
  opts: JobOptions,
  paths: JobPaths,
  startedAt: number,
  result: JobResult,
): Promise<JobResult> {
  const { task } = opts;
  const journals = readJournals(paths.journalDir);
  const others = [...journals.worldSizes].filter((w) => w !== opts.worldSize);
  if (others.length > 0) {
    opts.warn(
      `${task.name}: journals of an earlier run with world size ${others.join(", ")} were ` +
        `found; their finished samples are reused by index, never counted twice`,
    );
  }
  const records = await waitForShards({
    task,
    journalDir: paths.journalDir,
    worldSize: opts.worldSize,
    keepFailed: opts.keepFailed,
    timeoutMs: opts.rankTimeoutMs,
    since: startedAt,
    signal: opts.signal,
    onWait: (missing) =>
      opts.warn(
        `Waiting for rank(s) ${[...missing.keys()].join(", ")} to finish ${task.name}...`,
      ),
  });
  const merged: Row[] = [];
  const written = await mergePredictions(
    task,
    records,
    paths.predictionFile,
    async (path, columns, rows, dtypes) => {
      const report = await writePredictions(path, columns, rows, opts.format, dtypes);
      for (const warning of report.warnings) opts.warn(warning);
    },
    { keep: opts.mode === "all" ? merged : undefined, splitThink: opts.splitThink },
  );
  if (written.oddThinking.length > 0) {
    const shown = written.oddThinking.slice(0, 5).join(", ") +
      (written.oddThinking.length > 5 ? ", ..." : "");
    opts.warn(
      `SPLIT_THINK: ${written.oddThinking.length} answers of ${task.name} do not hold one ` +
        `<think>...</think> pair (indices ${shown}); their thinking is everything up to the last ` +
        `</think>`,
    );
  }
  result.merged = { rows: written.rows, failed: written.failed };
  result.predictionFile = paths.predictionFile;
  result.usage = summariseUsage(taskIndices(task).map((index) => records.get(index)?.usage));
  const limit = opts.failurePolicy?.limit;
  const overall = limit && limitPassed(limit, written.failed, written.rows);
  if (overall) {
    // Every rank kept under the limit on its own shard, but the whole file is over it.
    result.exitCode = EXIT_CODES.tooManyFailures;
    result.message = `${task.name}: ${overall}; the predictions are written and scored, but ` +
      `rerun to retry the failures before trusting the score`;
  }
  if (opts.mode === "all") {
    const rows = { columns: written.columns, rows: merged };
    result.scores = await evaluatePredictions(task, rows, scoreOptions(opts, paths));
  }
  return result;
}

/** Where and how a job's scores are written (one options block for both scoring paths). */
function scoreOptions(opts: JobOptions, paths: JobPaths): EvaluateOptions {
  return {
    stem: `${paths.modelDir}/${paths.stem}`,
    format: opts.format,
    evalFormat: opts.evalFormat,
    judge: opts.judge,
    familyJudge: opts.familyJudge,
    warn: opts.warn,
    signal: opts.signal,
  };
}

/** Every index of a task, in order. */
function taskIndices(task: EvalTask): string[] {
  const indices: string[] = [];
  for (let p = 0; p < task.unitCount; p++) indices.push(...task.unitIndices(p));
  return indices;
}

function stopReason(shard: ShardSummary): string {
  const stop = shard.stopped!;
  const err = stop.error;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err ?? "");
  switch (stop.reason) {
    case "sticky":
      return `A sticky CUDA error on sample ${stop.key} left the GPU unusable (${what}); ` +
        `finished samples are kept, rerun to resume`;
    case "aborted":
      return "Interrupted; finished samples are kept, rerun to resume";
    case "failures":
      return `Stopped early as ${stop.message}. Finished samples are kept: fix the cause and ` +
        `rerun to retry the failures (--fail-on-error sets how many failures a run tolerates)`;
    default:
      return `Sample ${stop.key} failed (${what}); finished samples are kept. Set SKIP_ERR=1 ` +
        `or pass --skip-err to record failures and go on`;
  }
}

/**
 * A prediction file from an earlier run (ours or VLMEvalKit's) whose journals are gone is
 * imported once as `prev.jsonl`, so its answers are reused (failures are retried).
 */
async function importPreviousPredictions(
  paths: JobPaths,
  opts: JobOptions,
): Promise<void> {
  if (!exists(paths.predictionFile) || readJournals(paths.journalDir).records.size > 0) return;
  const { rows } = await readPredictions(paths.predictionFile);
  const writer = JournalWriter.open(paths.journalDir, 0, 1, "prev.jsonl");
  try {
    for (const row of rows) {
      if (row.index === undefined || row.prediction === undefined) continue;
      writer.append({
        index: row.index,
        prediction: row.prediction,
        ok: !isFailure(row.prediction),
      });
    }
  } finally {
    writer.close();
  }
  opts.warn(`Reusing ${rows.length} predictions from ${paths.predictionFile}`);
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
