import { EXIT_CODES, isFailure, type Row, type VisionLanguageModel } from "@vlmeval/schema";
import { type PredFormat, readPredictions, writePredictions } from "@vlmeval/report";
import type { EvalTask } from "./eval_task.ts";
import { evaluatePredictions, type TaskScores } from "./evaluate.ts";
import type { GpuHooks } from "./guard.ts";
import { journalDir, JournalWriter, readJournals } from "./journal.ts";
import { mergePredictions } from "./merge.ts";
import { type Progress, SILENT_PROGRESS } from "./progress.ts";
import { runShard, type ShardSummary } from "./run_shard.ts";
import { clearDoneMarker, waitForShards, writeDoneMarker } from "./shard_wait.ts";

/** Settings of one (model, dataset) job on one rank. */
export interface JobOptions {
  task: EvalTask;
  modelName: string;
  /** Builds the model; called only if inference is needed. */
  getModel: () => Promise<VisionLanguageModel>;
  workDir: string;
  rank: number;
  worldSize: number;
  /** `all`: infer then score; `infer`: predictions only; `eval`: score existing predictions. */
  mode: "all" | "infer" | "eval";
  skipErr: boolean;
  keepFailed: boolean;
  /** `SPLIT_THINK`: split answers at `</think>` into `prediction` and `thinking` at merge. */
  splitThink?: boolean;
  format: PredFormat;
  evalFormat: "csv" | "json";
  concurrency?: number;
  emptyCache?: "always" | "on-failure";
  gpu: GpuHooks;
  /** How long rank 0 waits for the other ranks (ms). */
  rankTimeoutMs: number;
  warn: (message: string) => void;
  progress?: (label: string) => Progress;
  signal?: AbortSignal;
}

/** How one job ended. */
export interface JobResult {
  task: string;
  exitCode: number;
  /** A sentence for the user when the job did not finish. */
  message?: string;
  predictionFile?: string;
  shard?: ShardSummary;
  merged?: { rows: number; failed: number };
  scores?: TaskScores;
}

/** Where a job's files live. */
export interface JobPaths {
  modelDir: string;
  stem: string;
  journalDir: string;
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

  if (opts.mode === "eval") {
    if (opts.rank !== 0) return result;
    if (!exists(paths.predictionFile)) {
      return {
        ...result,
        exitCode: EXIT_CODES.badInput,
        message: `No predictions to score for ${task.name}: ${paths.predictionFile} does not ` +
          `exist (run with --mode all or --mode infer first)`,
      };
    }
    result.predictionFile = paths.predictionFile;
    result.scores = await evaluatePredictions(task, paths.predictionFile, {
      stem: `${paths.modelDir}/${paths.stem}`,
      format: opts.format,
      evalFormat: opts.evalFormat,
    });
    return result;
  }

  const startedAt = Date.now();
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
  });
  result.shard = shard;
  writeDoneMarker(paths.journalDir, {
    rank: opts.rank,
    worldSize: opts.worldSize,
    complete: !shard.stopped,
    reason: shard.stopped ? stopReason(shard) : undefined,
  });
  if (shard.stopped) {
    const code = shard.stopped.reason === "sticky"
      ? EXIT_CODES.stickyCuda
      : shard.stopped.reason === "aborted"
      ? EXIT_CODES.interrupted
      : EXIT_CODES.sampleFailed;
    return { ...result, exitCode: code, message: stopReason(shard) };
  }
  if (opts.rank !== 0) return result;

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
    async (path, columns, rows) => {
      const report = await writePredictions(path, columns, rows, opts.format);
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
  if (opts.mode === "all") {
    result.scores = await evaluatePredictions(task, { columns: written.columns, rows: merged }, {
      stem: `${paths.modelDir}/${paths.stem}`,
      format: opts.format,
      evalFormat: opts.evalFormat,
    });
  }
  return result;
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
