import { EXIT_CODES, type VisionLanguageModel } from "@vlmeval/schema";
import {
  createMarkerProgress,
  createProgress,
  cudaVisibleDevicesFor,
  type DatasetStatusEntry,
  detectRank,
  type EvalTask,
  EXACT_MATCHING,
  gpuHooksFromNative,
  type JobResult,
  judgeApiRoot,
  type JudgeSettings,
  launcherLeavesGpuSplit,
  openTask,
  type Progress,
  PROGRESS_MARKERS_ENV,
  recordDatasetStatus,
  runJob,
  runLocalRanks,
  SILENT_PROGRESS,
  statusEntryFromError,
  statusEntryFromJob,
  taskNameFor,
  visibleGpuIds,
  workerCudaVisibleDevices,
} from "@vlmeval/pipeline";
import { gpuCountWithoutCudaInit } from "@vlmeval/native";
import { createModel, modelOutputName } from "@vlmeval/models";
import { formatTable } from "@vlmeval/report";
import { EVAL_HELP, parseEvalArgs, UsageError } from "./args.ts";
import { describeError, exitCodeForError } from "./errors.ts";

/** `vlmeval eval`: returns the process exit code. */
export async function runEvalCommand(argv: string[]): Promise<number> {
  const env = Deno.env.toObject();
  let args;
  try {
    args = parseEvalArgs(argv, env);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`vlmeval: ${err.message}\nSee --help.`);
      return EXIT_CODES.usage;
    }
    throw err;
  }
  if (args.help) {
    console.log(EVAL_HELP);
    return EXIT_CODES.ok;
  }

  // Nothing here may initialise CUDA before this rank's CUDA_VISIBLE_DEVICES is set: CUDA reads
  // it once, in cuInit. GPUs are counted through NVML instead (see gpuCountForSplit).
  if (args.nproc > 1 && env.VLMEVAL_WORKER !== "1") {
    const workerArgs = stripNproc(argv);
    console.error(`vlmeval: starting ${args.nproc} worker processes`);
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    Deno.addSignalListener("SIGINT", onSignal);
    try {
      const gpuIds = visibleGpuIds(env, gpuCountForSplit(env, `${args.nproc} worker processes`));
      try {
        cudaVisibleDevicesFor(0, args.nproc, gpuIds);
      } catch (err) {
        console.error(`vlmeval: ${(err as Error).message}`);
        return EXIT_CODES.usage;
      }
      const outcome = await runLocalRanks({
        nproc: args.nproc,
        command: Deno.execPath(),
        args: [...workerRunArgs(), "eval", ...workerArgs],
        maxRestarts: args.maxRestarts,
        gpuIds,
        signal: controller.signal,
      });
      return outcome.exitCode;
    } finally {
      Deno.removeSignalListener("SIGINT", onSignal);
    }
  }

  let rank;
  try {
    rank = detectRank(env, { rank: args.rank, worldSize: args.worldSize });
  } catch (err) {
    console.error(`vlmeval: ${(err as Error).message}`);
    return EXIT_CODES.usage;
  }
  if (rank.note) console.error(`vlmeval: warning: ${rank.note}`);
  const gpuCount = launcherLeavesGpuSplit(rank)
    ? gpuCountForSplit(env, `${rank.localWorldSize} local ranks`)
    : 0;
  let devices;
  try {
    devices = workerCudaVisibleDevices(rank, env, gpuCount);
  } catch (err) {
    // Fewer visible GPUs than local ranks: the launch itself asks for what cannot be given.
    console.error(`vlmeval: ${(err as Error).message}`);
    return EXIT_CODES.usage;
  }
  if (devices !== undefined) Deno.env.set("CUDA_VISIBLE_DEVICES", devices);
  if (args.isDefault && rank.rank === 0) {
    console.error(
      `vlmeval: no --model/--data given: running the embedded default (${
        args.models.join(", ")
      } on ${args.data.join(", ")}, backend ${args.backend})`,
    );
  }
  if (rank.worldSize > 1) {
    console.error(`vlmeval: rank ${rank.rank} of ${rank.worldSize} (${rank.launcher})`);
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts > 1) Deno.exit(EXIT_CODES.interrupted);
    console.error("\nvlmeval: stopping after the samples in flight (Ctrl-C again to quit now)");
    controller.abort(new Error("interrupted"));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);

  const gpu = gpuHooksFromNative();
  const warn = (m: string) => console.error(`vlmeval: warning: ${m}`);
  const judge: JudgeSettings | undefined = args.judge === EXACT_MATCHING ||
      args.judgeBaseUrl === undefined
    ? undefined
    : {
      name: args.judge,
      model: args.judgeModel,
      baseUrl: judgeApiRoot(args.judgeBaseUrl),
      apiKeyEnv: args.judgeKeyEnv,
      nproc: args.judgeNproc,
      retry: args.retry,
      timeoutMs: args.timeoutS * 1000,
      verbose: args.verbose,
    };
  let exitCode: number = EXIT_CODES.ok;
  const results: JobResult[] = [];
  const modelDirOf = (modelName: string) => `${args.workDir}/${modelName}`;
  // Who read the answers: the scorer says so; free-form answers are never judged.
  const judgeOf = (job: JobResult) =>
    job.scores ? job.scores.extractor ?? EXACT_MATCHING : args.judge;
  // status.json is a report for scripts: failing to write it never fails the run.
  const recordStatus = async (modelName: string, dataset: string, entry: DatasetStatusEntry) => {
    try {
      const note = await recordDatasetStatus(
        modelDirOf(modelName),
        {
          modelName,
          argv,
          worldSize: rank.worldSize,
          predFormat: args.format,
          evalFormat: args.evalFormat,
          mode: args.mode,
        },
        dataset,
        entry,
      );
      if (note) warn(note);
    } catch (err) {
      warn(`could not update ${modelDirOf(modelName)}/status.json: ${(err as Error).message}`);
    }
  };
  try {
    for (const modelArg of args.models) {
      // A Hugging Face folder or repository id is filed under its last path part.
      const modelName = modelOutputName(modelArg, { baseUrl: args.baseUrl });
      let model: VisionLanguageModel | undefined;
      let modelError: unknown;
      const getModel = async () => {
        if (modelError) throw modelError;
        try {
          model ??= await createModel(modelArg, {
            backend: args.backend,
            dtype: args.dtype,
            device: args.device,
            maxNewTokens: args.maxNewTokens,
            batchSize: args.batchSize,
            baseUrl: args.baseUrl,
            apiKeyEnv: args.apiKeyEnv,
            apiNproc: args.apiNproc,
            retry: args.retry,
            timeoutMs: args.timeoutS * 1000,
            verbose: args.verbose,
          });
        } catch (err) {
          modelError = err;
          throw err;
        }
        return model;
      };
      for (const dataName of args.data) {
        if (controller.signal.aborted) break;
        let task: EvalTask | undefined;
        try {
          task = await openTask(dataName, {
            workDir: args.workDir,
            nframe: args.nframe,
            fps: args.fps,
            maxFrames: args.maxFrames,
            pack: args.pack,
          });
          const job = await runJob({
            task,
            modelName,
            getModel,
            workDir: args.workDir,
            rank: rank.rank,
            worldSize: rank.worldSize,
            mode: args.mode,
            skipErr: args.skipErr,
            keepFailed: args.keepFailed,
            splitThink: args.splitThink,
            format: args.format,
            evalFormat: args.evalFormat,
            judge,
            // A Hugging Face model gathers concurrent samples into one batch.
            concurrency: args.baseUrl ? args.apiNproc : args.batchSize,
            emptyCache: args.emptyCache,
            gpu,
            rankTimeoutMs: args.rankTimeoutS * 1000,
            warn,
            progress: jobProgress(args.quiet, env, `${modelName}/${task.name}`, rank.rank),
            signal: controller.signal,
          });
          results.push(job);
          if (rank.rank === 0) {
            await recordStatus(
              modelName,
              task.name,
              statusEntryFromJob(job, modelDirOf(modelName), judgeOf(job)),
            );
          }
          printJob(modelName, job, rank.rank);
          exitCode = worse(exitCode, job.exitCode);
          if (job.exitCode === EXIT_CODES.stickyCuda) return exitCode;
        } catch (err) {
          const code = exitCodeForError(err);
          console.error(`vlmeval: ${modelName} on ${dataName}: ${describeError(err)}`);
          if (rank.rank === 0) {
            const name = task?.name ?? taskNameFor(dataName, args);
            await recordStatus(
              modelName,
              name,
              statusEntryFromError(describeError(err), code, args.judge),
            );
          }
          exitCode = worse(exitCode, code);
          // The model itself could not be built: every other dataset would fail the same way.
          if (modelError) break;
        } finally {
          task?.close?.();
        }
      }
      await (model as VisionLanguageModel | undefined)?.dispose?.();
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  if (rank.rank === 0 && results.length > 0) printSummary(results);
  return exitCode;
}

const SEVERITY: number[] = [
  EXIT_CODES.ok,
  EXIT_CODES.sampleFailed,
  EXIT_CODES.rankTimeout,
  EXIT_CODES.badInput,
  EXIT_CODES.missingPrerequisite,
  EXIT_CODES.usage,
  EXIT_CODES.interrupted,
  EXIT_CODES.stickyCuda,
];

function worse(a: number, b: number): number {
  return SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a;
}

function printJob(modelName: string, job: JobResult, rank: number): void {
  const s = job.shard;
  const parts = [`${modelName} on ${job.task}:`];
  if (s) {
    parts.push(
      `${s.units} samples on this rank, ${s.done} done, ${s.reused} reused, ${s.failed} failed, ` +
        `${(s.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
  const lines = [parts.join(" ")];
  if (job.merged) lines.push(`  predictions: ${job.predictionFile}`);
  if (job.message) lines.push(`  ${job.message}`);
  console.error(lines.join("\n"));
  if (rank === 0 && job.scores) {
    console.log(`\n${modelName} on ${job.task} (${job.scores.metric}):`);
    console.log(formatTable(job.scores.table.columns, job.scores.table.rows));
    const c = job.scores.counts;
    const judged = c.judged === undefined
      ? ""
      : `, ${c.judged} sent to judge ${job.scores.extractor} (${c.judgeFailed ?? 0} it placed ` +
        `in no option, scored as wrong)`;
    console.log(
      `${c.total} samples, ${c.failed} failed to answer, ${c.unresolved} answers matched no ` +
        `option${judged}${c.failed ? " (failed samples count as wrong)" : ""}`,
    );
    const j = job.scores.judge;
    if (j) {
      console.log(
        `  judge ${j.name} (model ${j.model}): ${j.asked} asked, ${j.cached} answered from ` +
          `${j.cachePath}${
            j.apiFailures ? `, ${j.apiFailures} failed (asked again next run)` : ""
          }`,
      );
    }
    for (const f of job.scores.files) console.log(`  ${f}`);
  }
}

function printSummary(results: JobResult[]): void {
  const rows = results.map((r) => [
    r.task,
    r.scores ? r.scores.overall.toFixed(3) : "-",
    r.scores?.counts.total ?? "-",
    r.scores?.counts.failed ?? "-",
    scoredBy(r),
    r.exitCode === 0 ? "ok" : `exit ${r.exitCode}`,
  ]);
  console.log("\nSummary:");
  console.log(
    formatTable(["benchmark", "overall", "samples", "failed", "scored by", "status"], rows),
  );
}

/**
 * `exact_matching`, or `<judge>: N judged, M judge-failed`; `-` when neither multiple choice
 * nor yes/no.
 */
function scoredBy(r: JobResult): string {
  const extractor = r.scores?.extractor;
  if (!extractor) return "-";
  const c = r.scores!.counts;
  if (c.judged === undefined) return extractor;
  return `${extractor}: ${c.judged} judged, ${c.judgeFailed ?? 0} judge-failed`;
}

/**
 * How a job shows its progress: not at all with --quiet, as markers for the `--nproc`
 * supervisor's merged display when it asked for them, else a bar or plain lines.
 */
function jobProgress(
  quiet: boolean,
  env: Record<string, string>,
  task: string,
  rank: number,
): (label: string) => Progress {
  if (quiet) return () => SILENT_PROGRESS;
  if (env[PROGRESS_MARKERS_ENV] === "1") return () => createMarkerProgress(task, rank);
  return createProgress;
}

/** Present whenever the NVIDIA kernel driver is loaded, with or without NVML. */
const NVIDIA_CONTROL_DEVICE = "/dev/nvidiactl";

/**
 * The machine's GPU count for `visibleGpuIds`, counted by NVML so that CUDA stays
 * uninitialised until CUDA_VISIBLE_DEVICES is set. When CUDA_VISIBLE_DEVICES is already set,
 * its entries are split and no count is needed (0). Without NVML: 0, so CUDA_VISIBLE_DEVICES is
 * left alone, with a warning when the driver is there (`ranks` names who would have shared).
 */
function gpuCountForSplit(env: Record<string, string>, ranks: string): number {
  if (env.CUDA_VISIBLE_DEVICES !== undefined) return 0;
  const { count, reason } = gpuCountWithoutCudaInit();
  if (count !== null) return count;
  try {
    Deno.statSync(NVIDIA_CONTROL_DEVICE);
  } catch {
    return 0; // No NVIDIA driver either: no GPUs to split.
  }
  console.error(
    `vlmeval: warning: cannot split the GPUs among ${ranks} as NVML cannot count them ` +
      `(${reason}); CUDA_VISIBLE_DEVICES is left alone, so each rank sees every GPU: set ` +
      `CUDA_VISIBLE_DEVICES per rank yourself`,
  );
  return 0;
}

function stripNproc(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--nproc") {
      i++;
      continue;
    }
    if (argv[i].startsWith("--nproc=")) continue;
    out.push(argv[i]);
  }
  return out;
}

/** `deno run` flags and script path for a worker process: the same as this process. */
function workerRunArgs(): string[] {
  const main = new URL("./main.ts", import.meta.url).pathname;
  return [
    "run",
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-ffi",
    "--allow-run",
    "--allow-net",
    "--allow-sys",
    main,
  ];
}
