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
export type { EvalTask, EvalUnit, ParsedPrediction, TaskKind } from "./eval_task.ts";
export {
  decideOnFailure,
  type FailureDecision,
  failurePrediction,
  type GpuHooks,
  NO_GPU,
} from "./guard.ts";
export { gpuHooksFromNative } from "./gpu_hooks.ts";
export {
  doneMarkerName,
  isFinished,
  journalDir,
  journalFileName,
  type JournalRecord,
  type JournalState,
  JournalWriter,
  readJournals,
} from "./journal.ts";
export { runShard, type ShardOptions, shardPositions, type ShardSummary } from "./run_shard.ts";
export {
  RankStoppedError,
  RankWaitTimeoutError,
  waitForShards,
  type WaitOptions,
} from "./shard_wait.ts";
export {
  IncompleteMergeError,
  type MergeOptions,
  mergePredictions,
  type MergeResult,
  type PredictionWriter,
} from "./merge.ts";
export { type EvaluateOptions, evaluatePredictions, type TaskScores } from "./evaluate.ts";
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
} from "./judge.ts";
export { type JobOptions, type JobPaths, jobPaths, type JobResult, runJob } from "./run_job.ts";
export { openTask, type OpenTaskOptions } from "./open_task.ts";
export {
  type DatasetSpec,
  type FrameSetting,
  parseDatasetName,
  taskNameFor,
  videoSettingFor,
  videoTaskName,
} from "./dataset_name.ts";
export { imageTask } from "./image_task.ts";
export {
  createMergedProgress,
  createProgress,
  formatDuration,
  type MergedProgressDisplay,
  type MergedProgressOptions,
  type Progress,
  progressLine,
  SILENT_PROGRESS,
  type SyncWriter,
} from "./progress.ts";
export {
  createMarkerProgress,
  encodeProgressMarker,
  MarkerLineFilter,
  type MarkerProgressOptions,
  parseProgressMarker,
  PROGRESS_MARKER,
  PROGRESS_MARKERS_ENV,
  type ProgressReport,
} from "./progress_marker.ts";
export { type MergedProgress, ProgressAggregator } from "./progress_aggregator.ts";
export {
  cudaVisibleDevicesFor,
  detectRank,
  type Env,
  expandSlurmTasksPerNode,
  type Launcher,
  launcherLeavesGpuSplit,
  parseRankSpec,
  type RankFlags,
  type RankInfo,
  visibleGpuIds,
  workerCudaVisibleDevices,
} from "./ranks.ts";
export {
  describeEvent,
  type ExitAction,
  exitAction,
  type LocalRanksOptions,
  type LocalRanksResult,
  runLocalRanks,
  type SupervisorEvent,
} from "./supervisor.ts";
export { openVideoTask, videoTask } from "./video_task.ts";
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
