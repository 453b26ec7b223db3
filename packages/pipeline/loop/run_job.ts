import { EXIT_CODES, type ExitCode, isFailure, type VisionLanguageModel } from "@vlmeval/schema";
import { type PredFormat, readPredictions, writePredictions } from "@vlmeval/report";
import { removeDeadTempFiles, withLock, writeAtomically } from "@vlmeval/internal";
import type { EvalTask } from "../task/eval_task.ts";
import { evaluatePredictions } from "../score/evaluate.ts";
import type { EvaluateOptions, TaskScores } from "../score/score_types.ts";
import type { GpuHooks } from "./guard.ts";
import type { JudgeSettings } from "../score/judge.ts";
import { journalDir, journalWorldSizes, readJournals } from "./journal.ts";
import type { JournalRecord, JournalRecords } from "./journal_records.ts";
import { mergePredictions, type MergeResult, predictionRows } from "./merge.ts";
import { type Progress, SILENT_PROGRESS } from "./progress.ts";
import { runShard, type ShardOptions, type ShardSummary } from "./run_shard.ts";
import { limitPassed } from "./failure_policy.ts";
import type { FailurePolicy } from "./failure_policy.ts";
import { checkRunSettings, recordRunSettings } from "./run_settings.ts";
import { summariseUsage, type UsageSummary } from "./usage.ts";
import type { UnitReport } from "../ranks/progress_marker.ts";
import {
  clearDoneMarker,
  stoppedRankCause,
  waitForShards,
  writeDoneMarker,
} from "../ranks/shard_wait.ts";
import { lockBenchmark } from "./writer_lock.ts";

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
  /** Receives one-line notes that are no warning (waiting for ranks, answers reused); default `warn`. */
  note?: (message: string) => void;
  /**
   * `--mode eval` only: the folder that receives the scores instead of the work dir (a finished
   * run on a read-only share); `<outDir>/<model>/<model>_<dataset>_acc.csv`, ...
   */
  outDir?: string;
  /**
   * Recorded failures at or after this time (ms since the epoch) are not retried: a restarted
   * worker's supervisor recorded them in this run (see `ShardOptions.since`).
   */
  since?: number;
  /**
   * Hears each unit when it starts and ends (a supervised worker reports them to its
   * supervisor, which counts the crashes of a sample).
   */
  onUnit?: (unit: UnitReport) => void;
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
  /** The model's name. */
  model?: string;
  /** The task's name. */
  task: string;
  /** Rows of the benchmark file left out (an empty image cell), as VLMEvalKit does. */
  leftOut?: number;
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
  const result: JobResult = {
    model: opts.modelName,
    task: task.name,
    exitCode: EXIT_CODES.ok,
    ...(task.leftOut ? { leftOut: task.leftOut.rows } : {}),
  };
  if (opts.mode !== "infer") checkScorable(task);
  if (opts.mode === "eval") return opts.rank === 0 ? await scoreExisting(opts, paths) : result;

  const startedAt = Date.now();
  const lock = await lockBenchmark({
    journalDir: paths.journalDir,
    what: `${opts.modelName} on ${task.name}`,
    rank: opts.rank,
    worldSize: opts.worldSize,
    warn: opts.warn,
    note: opts.note,
    signal: opts.signal,
  });
  try {
    if (opts.settings) {
      await checkRunSettings(paths.journalDir, opts.settings, {
        task: task.name,
        modelName: opts.modelName,
        warn: opts.warn,
      });
    }
    if (opts.rank === 0) await removeDeadWritersFiles(paths, task, opts.warn);
    await importPreviousPredictions(paths, opts);
    clearDoneMarker(paths.journalDir, opts.rank, opts.worldSize);
    return await inferThenMerge(opts, paths, startedAt, result);
  } finally {
    await lock.release();
  }
}

/** This rank's shard, its done marker, then on rank 0 the merge and the scores. */
async function inferThenMerge(
  opts: JobOptions,
  paths: JobPaths,
  startedAt: number,
  result: JobResult,
): Promise<JobResult> {
  const { task } = opts;
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
    since: opts.since,
    inFlight: unitWatcher(opts, paths),
    failurePolicy: opts.failurePolicy,
    beforeFirstSample: async () => {
      if (opts.settings) await recordRunSettings(paths.journalDir, opts.settings);
    },
  });
  result.shard = shard;
  const stop = shard.stopped ? stopOutcome(shard) : undefined;
  await writeDoneMarker(paths.journalDir, {
    rank: opts.rank,
    worldSize: opts.worldSize,
    complete: !shard.stopped,
    reason: stop?.message,
    exitCode: stop?.exitCode,
  });
  if (stop) {
    if (stop.exitCode === EXIT_CODES.interrupted) {
      const cause = otherRankCause(opts, paths, startedAt);
      if (cause) return { ...result, ...cause };
    }
    return { ...result, ...stop };
  }
  if (opts.rank !== 0) return result;
  try {
    return await mergeAndScore(opts, paths, startedAt, result);
  } catch (err) {
    // Stopped while waiting for the other ranks because one of them failed: its cause.
    const cause = opts.signal?.aborted ? otherRankCause(opts, paths, startedAt) : undefined;
    if (cause) return { ...result, ...cause };
    throw err;
  }
}

function unitWatcher(opts: JobOptions, paths: JobPaths): ShardOptions["inFlight"] {
  const onUnit = opts.onUnit;
  if (!onUnit) return undefined;
  const unit = { journalDir: paths.journalDir, rank: opts.rank, worldSize: opts.worldSize };
  return {
    start: (indices) => onUnit({ ...unit, indices, phase: "start" }),
    end: (indices) => onUnit({ ...unit, indices, phase: "end" }),
  };
}

/** Another rank's failure that stopped this run (the supervisor stops every rank after it). */
function otherRankCause(
  opts: JobOptions,
  paths: JobPaths,
  startedAt: number,
): { exitCode: number; message: string } | undefined {
  if (opts.worldSize < 2) return undefined;
  const cause = stoppedRankCause(paths.journalDir, opts.worldSize, opts.rank, startedAt);
  if (!cause) return undefined;
  return {
    exitCode: cause.exitCode,
    message: `rank ${cause.rank} of ${opts.worldSize} stopped: ${cause.reason}`,
  };
}

/** Scoring needs the benchmark's answers: checked before any inference, not after it. */
function checkScorable(task: EvalTask): void {
  if (task.outputColumns().includes("answer")) return;
  throw new UnscorableTaskError(
    `Cannot score ${task.name} as its benchmark file has no "answer" column (line 1, the ` +
      `header): run with --mode infer to write predictions only`,
  );
}

/** A benchmark that cannot be scored (no `answer` column): found before inference starts. */
export class UnscorableTaskError extends Error {
  /** A benchmark that cannot be scored is bad input: exit code 4. */
  readonly exitCode: ExitCode = EXIT_CODES.badInput;
  /** Always `"UnscorableTaskError"`. */
  override name = "UnscorableTaskError";
}

/**
 * Temporary files of writers killed mid-write (a prediction or score file being replaced, a
 * decoded image): the job's folder, its journals and its media are cleaned of them.
 */
async function removeDeadWritersFiles(
  paths: JobPaths,
  task: EvalTask,
  warn: (message: string) => void,
): Promise<void> {
  const dirs = [paths.modelDir, paths.journalDir, ...(task.mediaDirs?.() ?? [])];
  let removed = 0;
  for (const dir of dirs) {
    try {
      removed += (await removeDeadTempFiles(dir)).length;
    } catch (err) {
      warn(`could not clean up temporary files in ${dir}: ${(err as Error).message}`);
    }
  }
  if (removed > 0) {
    warn(`removed ${removed} temporary file(s) left by killed writers of ${task.name}`);
  }
}

/** `--mode eval` on rank 0: scores the prediction file an earlier run wrote. */
async function scoreExisting(opts: JobOptions, paths: JobPaths): Promise<JobResult> {
  const { task } = opts;
  if (!exists(paths.predictionFile)) {
    return {
      model: opts.modelName,
      task: task.name,
      exitCode: EXIT_CODES.badInput,
      message: `No predictions to score for ${task.name}: ${paths.predictionFile} does not ` +
        `exist (run with --mode all or --mode infer first)`,
    };
  }
  if (opts.outDir !== undefined) {
    await Deno.mkdir(`${opts.outDir}/${opts.modelName}`, { recursive: true });
  }
  return {
    model: opts.modelName,
    task: task.name,
    exitCode: EXIT_CODES.ok,
    ...(task.leftOut ? { leftOut: task.leftOut.rows } : {}),
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
  // The scoring reads the merged rows again (benchmark file and journal records), as the merge
  // did: neither holds them (issue 19).
  const { written, records, usage } = await mergeShards(opts, paths, startedAt);
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
  result.usage = usage;
  const limit = opts.failurePolicy?.limit;
  const overall = limit && limitPassed(limit, written.failed, written.rows);
  if (overall) {
    // Every rank kept under the limit on its own shard, but the whole file is over it.
    result.exitCode = EXIT_CODES.tooManyFailures;
    result.message = `${task.name}: ${overall}; the predictions are written and scored, but ` +
      `rerun to retry the failures before trusting the score`;
  }
  if (opts.mode === "all") {
    const rows = {
      columns: written.columns,
      rows: () => predictionRows(task, records, opts.splitThink),
    };
    try {
      result.scores = await evaluatePredictions(task, rows, scoreOptions(opts, paths));
    } catch (err) {
      throw new ScoringFailedError(
        `${(err as Error).message}. The predictions are kept in ${paths.predictionFile}: ` +
          `once the cause is fixed, score them with --mode eval (no inference again)`,
        err,
      );
    }
  }
  return result;
}

/**
 * Waits for every rank's journal, writes the prediction file and sums what the answers cost;
 * returns the records the prediction file was made of.
 */
async function mergeShards(
  opts: JobOptions,
  paths: JobPaths,
  startedAt: number,
): Promise<{ written: MergeResult; records: JournalRecords; usage: UsageSummary | undefined }> {
  const { task } = opts;
  // The world sizes by file name only: the records are read once, by the wait below.
  const others = [...journalWorldSizes(paths.journalDir)].filter((w) => w !== opts.worldSize);
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
    // Under a supervisor the run began when it did: every rank's work of this run is newer.
    since: Math.min(startedAt, opts.since ?? startedAt),
    signal: opts.signal,
    onWait: (missing) =>
      (opts.note ?? opts.warn)(
        `waiting for rank(s) ${[...missing.keys()].join(", ")} to finish ${task.name}...`,
      ),
  });
  const written = await mergePredictions(
    task,
    records,
    paths.predictionFile,
    async (path, columns, rows, dtypes) => {
      const report = await writePredictions(path, columns, rows, opts.format, dtypes);
      for (const warning of report.warnings) opts.warn(warning);
    },
    { splitThink: opts.splitThink },
  );
  const usage = summariseUsage(taskUsages(task, records));
  return { written, records, usage };
}

/** Scoring failed after the predictions were written: says they are kept, and how to score. */
export class ScoringFailedError extends Error {
  /** The scoring error's own exit code, else 1. */
  readonly exitCode: ExitCode;
  /** Always `"ScoringFailedError"`. */
  override name = "ScoringFailedError";
  /** `cause` is the scoring error. */
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    const code = (cause as { exitCode?: unknown })?.exitCode;
    this.exitCode = typeof code === "number" && (Object.values(EXIT_CODES) as number[])
        .includes(code)
      ? code as ExitCode
      : EXIT_CODES.sampleFailed;
  }
}

/** Where and how a job's scores are written (one options block for both scoring paths). */
function scoreOptions(opts: JobOptions, paths: JobPaths): EvaluateOptions {
  const dir = opts.outDir === undefined ? paths.modelDir : `${opts.outDir}/${opts.modelName}`;
  return {
    stem: `${dir}/${paths.stem}`,
    format: opts.format,
    evalFormat: opts.evalFormat,
    judge: opts.judge,
    familyJudge: opts.familyJudge,
    warn: opts.warn,
    signal: opts.signal,
  };
}

/** What each of a task's answers cost, in task order (undefined where nothing was reported). */
function* taskUsages(task: EvalTask, records: JournalRecords): Iterable<JournalRecord["usage"]> {
  for (let p = 0; p < task.unitCount; p++) {
    for (const index of task.unitIndices(p)) yield records.usage(index);
  }
}

/** The exit code and the sentence of a shard that stopped early. */
function stopOutcome(shard: ShardSummary): { exitCode: number; message: string } {
  const stop = shard.stopped!;
  const err = stop.error;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err ?? "");
  switch (stop.reason) {
    case "sticky":
      return {
        exitCode: EXIT_CODES.stickyCuda,
        message: `A sticky CUDA error on sample ${stop.key} left the GPU unusable (${what}); ` +
          `finished samples are kept, rerun to resume`,
      };
    case "failures":
      return {
        exitCode: EXIT_CODES.tooManyFailures,
        message: `Stopped early as ${stop.message}. Finished samples are kept: fix the cause ` +
          `and rerun to retry the failures (--fail-on-error sets how many failures a run ` +
          `tolerates)`,
      };
    case "aborted": {
      const dropped = shard.dropped > 0
        ? `; ${shard.dropped} sample${shard.dropped > 1 ? "s" : ""} in flight ${
          shard.dropped > 1 ? "were" : "was"
        } dropped, not recorded`
        : "";
      return {
        exitCode: EXIT_CODES.interrupted,
        message: `Interrupted${dropped}; finished samples are kept: run the same command ` +
          `again to resume`,
      };
    }
    default:
      return {
        exitCode: EXIT_CODES.sampleFailed,
        message: `Sample ${stop.key} failed (${what}); finished samples are kept. Set ` +
          `SKIP_ERR=1 or pass --skip-err to record failures and go on`,
      };
  }
}

/** `prev.jsonl`: answers imported from a prediction file whose journals were gone. */
const IMPORT_FILE = "prev.jsonl";

/**
 * A prediction file from an earlier run (ours or VLMEvalKit's) whose journals are gone is
 * imported once as `prev.jsonl`, so its answers are reused (failures are retried). Every rank
 * calls this before its shard: under a lock, the first imports and the others find it done;
 * the file appears whole or not at all, so a killed import is simply done again.
 */
async function importPreviousPredictions(paths: JobPaths, opts: JobOptions): Promise<void> {
  const prev = `${paths.journalDir}/${IMPORT_FILE}`;
  if (exists(prev) || !exists(paths.predictionFile)) return;
  await withLock(
    `${paths.journalDir}/import.lock`,
    `import ${paths.predictionFile}`,
    { staleMs: 120_000, maxWaitMs: 3_600_000, pollMs: 100, signal: opts.signal },
    async () => {
      if (exists(prev) || readJournals(paths.journalDir).records.size > 0) return;
      const { rows } = await readPredictions(paths.predictionFile);
      // Answered when the file was written: an imported failure is one of an earlier run.
      const time = Deno.statSync(paths.predictionFile).mtime?.getTime() ?? 0;
      const lines: string[] = [];
      for (const row of rows) {
        if (row.index === undefined || row.prediction === undefined) continue;
        const ok = !isFailure(row.prediction);
        lines.push(JSON.stringify({
          index: row.index,
          prediction: row.prediction,
          ok,
          rank: 0,
          worldSize: 1,
          time,
        }));
      }
      await writeAtomically(prev, (temp) => Deno.writeTextFile(temp, lines.join("\n") + "\n"));
      (opts.note ?? opts.warn)(
        `reusing ${lines.length} predictions from ${paths.predictionFile}`,
      );
    },
  );
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
