/**
 * The evaluation loop, as named phases over plain data, one subfolder per part:
 *
 * 0. run: every model on every dataset, with `status.json` kept on rank 0 and the worst exit
 *    code (`run_evaluation.ts`, `status_file.ts`);
 * 1. open (`task/`): a `--data` value becomes an {@linkcode EvalTask} (`open_task.ts`: a name
 *    read by `dataset_name.ts`, image rows in `image_task.ts`, video questions or packs in
 *    `video_task.ts`, the types in `eval_task.ts`);
 * 2. shard (`ranks/`): rank r of W takes units r, r+W, ... (`loop/run_shard.ts`), the rank
 *    read from the flags or a launcher's variables (`ranks.ts`, one `LAUNCHERS` entry per
 *    launcher), each local rank's GPUs set before CUDA starts (`gpu_split.ts`), local workers
 *    started and restarted by `supervisor.ts`, their progress sent as markers
 *    (`progress_marker.ts`) and summed (`progress_aggregator.ts`) into one display
 *    (`merged_progress.ts`);
 * 3. per unit (`loop/`): build the prompt (decode images, sample frames), generate, parse,
 *    journal, all inside the failure guard (`run_shard.ts`, `guard.ts`, `gpu_hooks.ts`,
 *    `journal.ts`), with a bar or plain lines (`progress.ts`); recorded failures are counted
 *    against the failure threshold (`failure_policy.ts`), what served models' calls cost is
 *    journaled and summed (`usage.ts`), and the settings answers were made with are kept
 *    beside the journal (`run_settings.ts`); `--limit` cuts a task (`task/limit_task.ts`); one
 *    writer per benchmark and rank (`writer_lock.ts`); an interrupt drops what is in flight
 *    (`interrupted.ts`);
 * 4. wait and merge: rank 0 waits for every shard (`ranks/shard_wait.ts`) and writes the
 *    prediction file (`loop/merge.ts`);
 * 5. score (`score/`): `evaluate.ts` (multiple choice in `evaluate_mcq.ts`, yes/no in
 *    `evaluate_yes_no.ts`, their types in `score_types.ts`), with an optional LLM judge for
 *    both (`judge.ts` and its answer cache `_judge_cache.ts`, opened per dataset by
 *    `scoring_judge.ts`); `loop/run_job.ts` runs phases 2 to 5 for one (model, dataset).
 *
 * Decoded images and sampled frames are kept in `@vlmeval/media`'s cache under the work dir.
 * This module exports what the CLI, the end-to-end tests and the benchmarks use.
 *
 * @module
 */
export {
  type EvaluationOptions,
  type EvaluationResult,
  runEvaluation,
  type SharedJobOptions,
} from "./run_evaluation.ts";
export type { DatasetRunStatus, RunFacts } from "./status_file.ts";
export type {
  BenchmarkSource,
  EvalTask,
  EvalUnit,
  FetchSettings,
  OpenTaskOptions,
  ParsedPrediction,
  PrefetchOptions,
  TaskBenchmark,
  TaskKind,
} from "./task/eval_task.ts";
export { bundledTaskNames, findTaskFile, openTask, type TaskFile } from "./task/open_task.ts";
export { parseDatasetName } from "./task/dataset_name.ts";
export type { DatasetSpec, FrameSetting } from "./task/dataset_name.ts";
export { type GpuHooks, NO_GPU } from "./loop/guard.ts";
export { gpuHooksFromNative } from "./loop/gpu_hooks.ts";
export { type JournalState, readJournals } from "./loop/journal.ts";
export {
  type IndexKeys,
  type JournalLine,
  type JournalOutcome,
  type JournalRecord,
  JournalRecords,
} from "./loop/journal_records.ts";
export type { ShardSummary } from "./loop/run_shard.ts";
export {
  DEFAULT_FAILURE_LIMIT,
  DEFAULT_IDENTICAL_IN_A_ROW,
  type FailureLimit,
  type FailurePolicy,
  parseFailOnError,
} from "./loop/failure_policy.ts";
export { summariseUsage, type UsageSummary } from "./loop/usage.ts";
export { SettingsChangedError } from "./loop/run_settings.ts";
export {
  type MergeOptions,
  mergePredictions,
  type MergeResult,
  type PredictionWriter,
} from "./loop/merge.ts";
export {
  type JobOptions,
  type JobPaths,
  jobPaths,
  type JobResult,
  runJob,
  ScoringFailedError,
  UnscorableTaskError,
} from "./loop/run_job.ts";
export { BenchmarkBusyError, WRITER_LOCK_STALE_MS } from "./loop/writer_lock.ts";
export { InterruptedError } from "./loop/interrupted.ts";
export { createProgress, type Progress, SILENT_PROGRESS } from "./loop/progress.ts";
export { waitForShards, type WaitOptions } from "./ranks/shard_wait.ts";
export {
  createMarkerProgress,
  encodeUnitMarker,
  type MarkerProgressOptions,
  PROGRESS_MARKERS_ENV,
  type ProgressReport,
  type UnitReport,
} from "./ranks/progress_marker.ts";
export {
  detectRank,
  type Env,
  type Launcher,
  type RankFlags,
  type RankInfo,
} from "./ranks/ranks.ts";
export { rankCudaVisibleDevices, supervisorGpuIds } from "./ranks/gpu_split.ts";
export {
  CRASH_LIMIT,
  LIFELINE_ENV,
  type LocalRanksOptions,
  type LocalRanksResult,
  RUN_STARTED_ENV,
  runLocalRanks,
  SAME_INTERRUPT_MS,
  type SupervisorEvent,
} from "./ranks/supervisor.ts";
export type { EvaluateOptions, TaskScores } from "./score/score_types.ts";
export {
  EXACT_MATCHING,
  judgeApiRoot,
  type JudgeSettings,
  type JudgeStats,
} from "./score/judge.ts";
