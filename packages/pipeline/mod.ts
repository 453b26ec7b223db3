/**
 * The evaluation loop, as named phases over plain data:
 *
 * 1. open: a `--data` value becomes an {@linkcode EvalTask} (`open_task.ts`);
 * 2. shard: rank r of W takes units r, r+W, ... (`run_shard.ts`, ranks from launchers in
 *    `ranks.ts`, local workers in `supervisor.ts`);
 * 3. per unit: build the prompt (decode images, sample frames), generate, parse, journal, all
 *    inside the failure guard (`guard.ts`, `journal.ts`);
 * 4. wait and merge: rank 0 waits for every shard and writes the prediction file
 *    (`shard_wait.ts`, `merge.ts`);
 * 5. score: `evaluate.ts` (multiple choice in `evaluate_mcq.ts`, yes/no in
 *    `evaluate_yes_no.ts`), with an optional LLM judge for both (`judge.ts`, opened per dataset
 *    by `scoring_judge.ts`); `run_job.ts` runs the phases for one (model, dataset).
 *
 * Decoded images and sampled frames are kept in `@vlmeval/media`'s cache under the work dir.
 *
 * @module
 */
export type {
  EvalTask,
  EvalUnit,
  OpenTaskOptions,
  ParsedPrediction,
  TaskKind,
} from "./task/eval_task.ts";
export {
  decideOnFailure,
  type FailureDecision,
  failurePrediction,
  type GpuHooks,
  NO_GPU,
} from "./loop/guard.ts";
export { gpuHooksFromNative } from "./loop/gpu_hooks.ts";
export {
  doneMarkerName,
  isFinished,
  journalDir,
  journalFileName,
  type JournalRecord,
  type JournalState,
  JournalWriter,
  readJournals,
} from "./loop/journal.ts";
export {
  runShard,
  type ShardOptions,
  shardPositions,
  type ShardSummary,
} from "./loop/run_shard.ts";
export {
  RankStoppedError,
  RankWaitTimeoutError,
  waitForShards,
  type WaitOptions,
} from "./ranks/shard_wait.ts";
export {
  IncompleteMergeError,
  type MergeOptions,
  mergePredictions,
  type MergeResult,
  type PredictionWriter,
} from "./loop/merge.ts";
export { evaluatePredictions } from "./score/evaluate.ts";
export type { EvaluateOptions, TaskScores } from "./score/score_types.ts";
export {
  EXACT_MATCHING,
  judgeApiRoot,
  judgeFileName,
  JudgeInterruptedError,
  judgeModelVersion,
  type JudgeSettings,
  type JudgeStats,
  JudgeUnavailableError,
  type OpenedJudge,
  openJudge,
  type OpenJudgeOptions,
} from "./score/judge.ts";
export {
  type JobOptions,
  type JobPaths,
  jobPaths,
  type JobResult,
  runJob,
} from "./loop/run_job.ts";
export { openTask } from "./task/open_task.ts";
export {
  type DatasetSpec,
  type FrameSetting,
  parseDatasetName,
  taskNameFor,
  videoSettingFor,
  videoTaskName,
} from "./task/dataset_name.ts";
export { imageTask } from "./task/image_task.ts";
export {
  createProgress,
  formatDuration,
  type Progress,
  progressLine,
  SILENT_PROGRESS,
} from "./loop/progress.ts";
export {
  createMergedProgress,
  type MergedProgressDisplay,
  type MergedProgressOptions,
} from "./ranks/merged_progress.ts";
export {
  createMarkerProgress,
  encodeProgressMarker,
  MarkerLineFilter,
  type MarkerProgressOptions,
  parseProgressMarker,
  PROGRESS_MARKER,
  PROGRESS_MARKERS_ENV,
  type ProgressReport,
} from "./ranks/progress_marker.ts";
export { type MergedProgress, ProgressAggregator } from "./ranks/progress_aggregator.ts";
export {
  detectRank,
  type Env,
  expandSlurmTasksPerNode,
  type Launcher,
  parseRankSpec,
  type RankFlags,
  type RankInfo,
} from "./ranks/ranks.ts";
export {
  cudaVisibleDevicesFor,
  gpuCountForSplit,
  launcherLeavesGpuSplit,
  rankCudaVisibleDevices,
  supervisorGpuIds,
  visibleGpuIds,
  workerCudaVisibleDevices,
} from "./ranks/gpu_split.ts";
export {
  describeEvent,
  type ExitAction,
  exitAction,
  type LocalRanksOptions,
  type LocalRanksResult,
  runLocalRanks,
  type SupervisorEvent,
} from "./ranks/supervisor.ts";
export { openVideoTask, videoTask } from "./task/video_task.ts";
export {
  type DatasetRunStatus,
  type DatasetStatusEntry,
  flattenScoreTable,
  recordDatasetStatus,
  type RunFacts,
  statusEntryFromError,
  statusEntryFromJob,
  type StatusFile,
  StatusFileUnreadableError,
} from "./status_file.ts";
export {
  type EvaluationOptions,
  type EvaluationResult,
  runEvaluation,
  type SharedJobOptions,
  worseExitCode,
} from "./run_evaluation.ts";
