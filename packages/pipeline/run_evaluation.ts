/**
 * The whole evaluation of one process (rank): every model on every dataset, one job each
 * (`loop/run_job.ts`), with `status.json` kept up to date on rank 0 and the exit code of the
 * worst outcome.
 *
 * @module
 */
import { EXIT_CODES, type VisionLanguageModel } from "@vlmeval/schema";
import type { Progress } from "./loop/progress.ts";
import { type JobOptions, type JobResult, runJob } from "./loop/run_job.ts";
import type { RankInfo } from "./ranks/ranks.ts";
import { EXACT_MATCHING } from "./score/judge.ts";
import {
  type DatasetStatusEntry,
  recordDatasetStatus,
  type RunFacts,
  statusEntryFromError,
  statusEntryFromJob,
} from "./status_file.ts";
import { taskNameFor } from "./task/dataset_name.ts";
import type { EvalTask, OpenTaskOptions } from "./task/eval_task.ts";
import { openTask } from "./task/open_task.ts";
import { limitTask } from "./task/limit_task.ts";

/** The settings every job of the run shares (see `JobOptions`). */
export type SharedJobOptions = Omit<
  JobOptions,
  | "task"
  | "modelName"
  | "getModel"
  | "rank"
  | "worldSize"
  | "progress"
  | "workDir"
  | "signal"
  | "settings"
>;

/** Settings of {@linkcode runEvaluation}. */
export interface EvaluationOptions {
  /** Model names, evaluated in order. */
  models: readonly string[];
  /** `--data` values, evaluated in order for each model. */
  data: readonly string[];
  /** Builds a model by name; called at most once per model, and only when inference is needed. */
  createModel: (name: string) => Promise<VisionLanguageModel>;
  /**
   * The name of a model's output folder, file names and table rows (`--model-name`); default
   * the model name itself, which must then be a safe folder name.
   */
  outputName?: (model: string) => string;
  /** What shapes a model's answers, recorded and checked on resume (see `JobOptions.settings`). */
  settingsFor?: (model: string) => Readonly<Record<string, unknown>> | undefined;
  /** `--limit N`: only the first N rows of each benchmark (see `limitTask`). */
  limit?: number;
  /** Units in flight at once for a model's jobs, when models differ (`--config`); else `job`'s. */
  concurrencyOf?: (modelName: string) => number;
  /** How `--data` values open (work dir, frame sampling, pack mode). */
  open: OpenTaskOptions;
  /** Settings shared by every job. */
  job: SharedJobOptions;
  /** This process's rank; rank 0 merges, scores and writes `status.json`. */
  rank: RankInfo;
  /** The run-level facts written to `status.json` with each entry. */
  run: Omit<RunFacts, "modelName">;
  /** The judge named on the command line, recorded for a dataset that could not run. */
  judgeName: string;
  /** Makes the progress reporter factory of a job from its `<model>/<task>` name. */
  progressFor: (task: string) => (label: string) => Progress;
  /** The exit code an error that ended a job stands for. */
  exitCodeForError: (error: unknown) => number;
  /** One line for an error, as written to `status.json`. */
  describeError: (error: unknown) => string;
  /** Called after each job that ran (to print it). */
  onJob?: (modelName: string, job: JobResult) => void;
  /** Called for each dataset that could not run (to print why). */
  onError?: (modelName: string, data: string, error: unknown) => void;
  /** Aborting stops the run: no new dataset starts, and the running job stops (exit 130). */
  signal?: AbortSignal;
}

/** How a run ended. */
export interface EvaluationResult {
  /** The worst outcome's exit code (see {@linkcode worseExitCode}). */
  exitCode: number;
  /**
   * Every dataset of every model, in order: the jobs that ran, and for a dataset that could not
   * run (its file, its model or its endpoint failed) a result with its exit code and message.
   */
  jobs: JobResult[];
}

/** Exit codes from best to worst: a run's code is the worst of its jobs'. */
const SEVERITY: number[] = [
  EXIT_CODES.ok,
  EXIT_CODES.sampleFailed,
  EXIT_CODES.rankTimeout,
  EXIT_CODES.tooManyFailures,
  EXIT_CODES.badInput,
  EXIT_CODES.missingPrerequisite,
  EXIT_CODES.endpoint,
  EXIT_CODES.usage,
  EXIT_CODES.interrupted,
  EXIT_CODES.stickyCuda,
];

/** The worse of two exit codes, by {@link EXIT_CODES}' severity (sticky CUDA is the worst). */
export function worseExitCode(a: number, b: number): number {
  return SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a;
}

/**
 * Runs every model on every dataset, in order: opens each `--data` value, runs its job
 * (`runJob`), and on rank 0 records how it ended in `<work-dir>/<model>/status.json`. A dataset
 * that cannot run is recorded and the run goes on with the next one; a model that cannot be
 * built skips its remaining datasets; a sticky CUDA error ends the run at once (exit 3, the
 * process must restart). Returns the worst exit code and the jobs that ran.
 */
export async function runEvaluation(opts: EvaluationOptions): Promise<EvaluationResult> {
  let exitCode: number = EXIT_CODES.ok;
  const jobs: JobResult[] = [];
  for (const model of opts.models) {
    const lazy = lazyModel(model, opts.createModel);
    for (const dataName of opts.data) {
      if (opts.signal?.aborted) break;
      const job = await runDataset(model, dataName, lazy.get, opts);
      exitCode = worseExitCode(exitCode, job.exitCode);
      jobs.push(job.result);
      if (job.exitCode === EXIT_CODES.stickyCuda) return { exitCode, jobs };
      // The model itself could not be built: every other dataset would fail the same way.
      if (lazy.failed()) break;
    }
    await lazy.dispose();
  }
  return { exitCode, jobs };
}

/** A model built on first use; a build that failed fails every later use the same way. */
function lazyModel(name: string, create: (name: string) => Promise<VisionLanguageModel>) {
  let model: VisionLanguageModel | undefined;
  let error: unknown;
  return {
    get: async () => {
      if (error) throw error;
      try {
        model ??= await create(name);
      } catch (err) {
        error = err;
        throw err;
      }
      return model;
    },
    failed: () => error !== undefined,
    dispose: async () => await model?.dispose?.(),
  };
}

/** One dataset of one model: open, run, record; never throws. */
async function runDataset(
  model: string,
  dataName: string,
  getModel: () => Promise<VisionLanguageModel>,
  opts: EvaluationOptions,
): Promise<{ exitCode: number; result: JobResult }> {
  const { rank } = opts;
  const modelName = opts.outputName?.(model) ?? model;
  const settings = opts.settingsFor?.(model);
  let task: EvalTask | undefined;
  try {
    task = await openTask(dataName, { ...opts.open, signal: opts.signal });
    if (opts.limit !== undefined) task = limitTask(task, opts.limit);
    const job = await runJob({
      ...opts.job,
      task,
      modelName,
      getModel,
      settings,
      workDir: opts.open.workDir,
      rank: rank.rank,
      worldSize: rank.worldSize,
      concurrency: opts.concurrencyOf?.(modelName) ?? opts.job.concurrency,
      progress: opts.progressFor(`${modelName}/${task.name}`),
      signal: opts.signal,
    });
    if (rank.rank === 0) {
      // Who read the answers: the scorer says so; free-form answers are never judged.
      const judge = job.scores ? job.scores.extractor ?? EXACT_MATCHING : opts.judgeName;
      const entry = statusEntryFromJob(job, modelDir(opts, modelName), judge);
      if (settings) entry.settings = settings;
      if (opts.limit !== undefined) entry.limit = opts.limit;
      await recordStatus(opts, modelName, task.name, entry);
    }
    opts.onJob?.(modelName, job);
    return { exitCode: job.exitCode, result: job };
  } catch (err) {
    const code = opts.exitCodeForError(err);
    opts.onError?.(modelName, dataName, err);
    const name = task?.name ?? taskNameFor(dataName, opts.open);
    const message = opts.describeError(err);
    if (rank.rank === 0) {
      const entry = statusEntryFromError(message, code, opts.judgeName);
      await recordStatus(opts, modelName, name, entry);
    }
    return { exitCode: code, result: { task: name, exitCode: code, message } };
  } finally {
    task?.close?.();
  }
}

function modelDir(opts: EvaluationOptions, modelName: string): string {
  return `${opts.open.workDir}/${modelName}`;
}

/** `status.json` is a report for scripts: failing to write it never fails the run. */
async function recordStatus(
  opts: EvaluationOptions,
  modelName: string,
  dataset: string,
  entry: DatasetStatusEntry,
): Promise<void> {
  const dir = modelDir(opts, modelName);
  try {
    const note = await recordDatasetStatus(dir, { ...opts.run, modelName }, dataset, entry);
    if (note) opts.job.warn(note);
  } catch (err) {
    opts.job.warn(`could not update ${dir}/status.json: ${(err as Error).message}`);
  }
}
