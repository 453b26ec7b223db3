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
 * 5. score: `evaluate.ts`; `run_job.ts` runs the phases for one (model, dataset).
 *
 * @module
 */
export type { EvalTask, EvalUnit, ParsedPrediction, TaskKind } from "./eval_task.ts";
export {
  decideOnFailure,
  type FailureDecision,
  failurePrediction,
  type GpuHooks,
  isStickyError,
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
export { IncompleteMergeError, mergePredictions } from "./merge.ts";
export { type EvaluateOptions, evaluatePredictions, type TaskScores } from "./evaluate.ts";
export { type JobOptions, type JobPaths, jobPaths, type JobResult, runJob } from "./run_job.ts";
export { openTask, type OpenTaskOptions } from "./open_task.ts";
export {
  type DatasetSpec,
  type FrameSetting,
  parseDatasetName,
  videoTaskName,
} from "./dataset_name.ts";
export { imageTask } from "./image_task.ts";
export { createProgress, type Progress, SILENT_PROGRESS } from "./progress.ts";
export {
  cudaVisibleDevicesFor,
  detectRank,
  expandSlurmTasksPerNode,
  type Launcher,
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
