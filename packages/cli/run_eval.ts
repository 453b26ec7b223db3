import { EXIT_CODES } from "@vlmeval/schema";
import { createDownloadProgress } from "@vlmeval/catalog";
import {
  type BenchmarkSource,
  detectRank,
  type EvaluationOptions,
  EXACT_MATCHING,
  gpuHooksFromNative,
  judgeApiRoot,
  type JudgeSettings,
  rankCudaVisibleDevices,
  type RankInfo,
  runEvaluation,
} from "@vlmeval/pipeline";
import {
  createModel,
  type CreateModelOptions,
  modelOutputName,
  outputNameOf,
  runsInProcess,
  settingsRecord,
} from "@vlmeval/models";
import { EVAL_HELP, type EvalArgs, parseEvalArgs, UsageError } from "./args.ts";
import {
  ConfigFileError,
  type EvalConfig,
  readCatalogFile,
  readEvalConfig,
} from "./config_file.ts";
import { describeError, exitCodeForError } from "./errors.ts";
import { jobProgress, printJob, printSummary } from "./print.ts";
import { stopAfterSamplesInFlight } from "./signals.ts";
import { superviseWorkers } from "./supervise.ts";

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
  // The config and catalog files are read (and checked) before any worker starts.
  let config: EvalConfig | undefined;
  let benchmarks: Map<string, BenchmarkSource>;
  try {
    config = args.config ? await readEvalConfig(args.config) : undefined;
    benchmarks = env.VLMEVAL_CATALOG ? await readCatalogFile(env.VLMEVAL_CATALOG) : new Map();
  } catch (err) {
    if (err instanceof ConfigFileError) {
      console.error(`vlmeval: ${err.message}`);
      return err.exitCode;
    }
    throw err;
  }
  if (config) {
    args.models = config.models;
    args.data = config.data;
    for (const [name, source] of config.benchmarks) benchmarks.set(name, source);
  }
  const warn = (m: string) => console.error(`vlmeval: warning: ${m}`);
  // Nothing here may initialise CUDA before this rank's CUDA_VISIBLE_DEVICES is set: CUDA reads
  // it once, in cuInit. GPUs are counted through NVML instead (see gpuCountForSplit).
  if (args.nproc > 1 && env.VLMEVAL_WORKER !== "1") {
    return await superviseWorkers(args, argv, env, warn);
  }
  const rank = rankOfThisProcess(args, env, warn);
  if (rank === undefined) return EXIT_CODES.usage;
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
  // Keys of the config that have no effect here, said once.
  if (rank.rank === 0) {
    for (const note of config?.notes ?? []) warn(note);
  }
  using interrupts = stopAfterSamplesInFlight();
  const { exitCode, jobs } = await runEvaluation(
    evaluationOptions(args, argv, env, rank, warn, interrupts.signal, { config, benchmarks }),
  );
  // A sticky CUDA error ends the run at once: the process must restart, rerunning resumes.
  if (rank.rank === 0 && jobs.length > 0 && exitCode !== EXIT_CODES.stickyCuda) {
    printSummary(jobs);
  }
  return exitCode;
}

/** What `runEvaluation` needs, from the command line and this process's rank. */
function evaluationOptions(
  args: EvalArgs,
  argv: string[],
  env: Record<string, string>,
  rank: RankInfo,
  warn: (message: string) => void,
  signal: AbortSignal,
  named: { config?: EvalConfig; benchmarks: Map<string, BenchmarkSource> },
): EvaluationOptions {
  const { config, benchmarks } = named;
  const baseUrl = servedBaseUrl(args, env);
  const modelOptions = (name: string): CreateModelOptions => ({
    backend: args.backend,
    baseUrl: baseUrl(name),
    apiKeyEnv: args.apiKeyEnv,
    apiNproc: args.apiNproc,
    retry: args.retry,
    timeoutMs: args.timeoutS * 1000,
    verbose: args.verbose,
    generation: args.generation,
    warn,
    dtype: args.dtype,
    device: args.device,
    maxNewTokens: args.maxNewTokens,
    batchSize: args.batchSize,
  });
  return {
    models: args.models,
    data: args.data,
    createModel: (name) =>
      config ? config.createModel(name, modelOptions(name)) : createModel(name, modelOptions(name)),
    // With --config, models differ: served ones take --api-nproc requests, local ones a batch.
    concurrencyOf: config
      ? (name) => config.isApiModel(name) ? args.apiNproc : args.batchSize
      : undefined,
    // A Hugging Face model folder or repository id is filed under its last path part; a served
    // model id with `/` under one folder (`Qwen_Qwen2-VL-7B-Instruct`).
    outputName: (name) =>
      args.modelName ?? outputNameOf(modelOutputName(name, { baseUrl: baseUrl(name) })),
    // A config's served model records its entry's settings; the flags shape only --model ones.
    settingsFor: (name) => {
      const record = config
        ? config.settingsFor(name)
        : baseUrl(name)
        ? settingsRecord(name, args.generation)
        : undefined;
      return record && { ...record };
    },
    limit: args.limit,
    open: {
      workDir: args.workDir,
      nframe: args.nframe,
      fps: args.fps,
      maxFrames: args.maxFrames,
      pack: args.pack,
      literalCells: args.literalCells,
      warn: onceEach(rank.rank === 0 ? warn : () => {}),
      benchmarks,
      // Every rank fetches through the catalog's lock: one downloads, the others wait and
      // verify; rank 0 shows the progress.
      fetch: {
        env,
        progress: createDownloadProgress({ quiet: args.quiet || rank.rank !== 0 }),
        warn: rank.rank === 0 ? (line) => console.error(line) : () => {},
      },
    },
    job: {
      mode: args.mode,
      skipErr: args.skipErr,
      keepFailed: args.keepFailed,
      splitThink: args.splitThink,
      format: args.format,
      evalFormat: args.evalFormat,
      judge: judgeSettings(args),
      familyJudge: familyJudgeSettings(args),
      // A served model has --api-nproc requests in flight; a Hugging Face model gathers
      // concurrent samples into one batch (--batch-size).
      concurrency: args.models.some((name) => baseUrl(name)) ? args.apiNproc : args.batchSize,
      failurePolicy: args.failurePolicy,
      emptyCache: args.emptyCache,
      gpu: gpuHooksFromNative(),
      rankTimeoutMs: args.rankTimeoutS * 1000,
      warn,
    },
    rank,
    run: {
      argv,
      worldSize: rank.worldSize,
      predFormat: args.format,
      evalFormat: args.evalFormat,
      mode: args.mode,
    },
    judgeName: args.judge,
    progressFor: (task) => jobProgress(args.quiet, env, task, rank.rank),
    exitCodeForError,
    describeError,
    onJob: (modelName, job) => printJob(modelName, job, rank.rank),
    onError: (modelName, dataName, err) =>
      console.error(`vlmeval: ${modelName} on ${dataName}: ${describeError(err)}`),
    signal,
  };
}

/**
 * This process's rank from the flags or its launcher, with its share of the GPUs set in
 * `CUDA_VISIBLE_DEVICES` when its launcher left the split to it; undefined (after a message)
 * for a launch that cannot work.
 */
function rankOfThisProcess(
  args: EvalArgs,
  env: Record<string, string>,
  warn: (message: string) => void,
): RankInfo | undefined {
  let rank;
  try {
    rank = detectRank(env, { rank: args.rank, worldSize: args.worldSize });
  } catch (err) {
    console.error(`vlmeval: ${(err as Error).message}`);
    return undefined;
  }
  if (rank.note) console.error(`vlmeval: warning: ${rank.note}`);
  let devices;
  try {
    devices = rankCudaVisibleDevices(rank, env, warn);
  } catch (err) {
    // Fewer visible GPUs than local ranks: the launch itself asks for what cannot be given.
    console.error(`vlmeval: ${(err as Error).message}`);
    return undefined;
  }
  if (devices !== undefined) Deno.env.set("CUDA_VISIBLE_DEVICES", devices);
  return rank;
}

/**
 * The endpoint a model is served at: `--base-url`, else `$OPENAI_API_BASE` for a model that does
 * not run in this process (as VLMEvalKit's API models read it); undefined for a local model.
 */
function servedBaseUrl(
  args: EvalArgs,
  env: Record<string, string>,
): (model: string) => string | undefined {
  return (model) =>
    args.baseUrl ?? (runsInProcess(model) ? undefined : env.OPENAI_API_BASE || undefined);
}

/** The LLM judge `--judge` names, or none (exact matching, or no endpoint in infer mode). */
function judgeSettings(args: EvalArgs): JudgeSettings | undefined {
  if (args.judge === EXACT_MATCHING || args.judgeBaseUrl === undefined) return undefined;
  return {
    name: args.judge,
    model: args.judgeModel,
    baseUrl: judgeApiRoot(args.judgeBaseUrl),
    apiKeyEnv: args.judgeKeyEnv,
    nproc: args.judgeNproc,
    retry: args.retry,
    timeoutMs: args.timeoutS * 1000,
    verbose: args.verbose,
  };
}

/**
 * Where MathVista and MMVet ask VLMEvalKit's default judge for them when `--judge` is not given:
 * the judge endpoint (`--judge-base-url`, else `$OPENAI_API_BASE`), if one is set.
 */
function familyJudgeSettings(args: EvalArgs): Omit<JudgeSettings, "name"> | undefined {
  if (args.familyJudgeBaseUrl === undefined || args.mode === "infer") return undefined;
  return {
    model: args.judgeModel,
    baseUrl: judgeApiRoot(args.familyJudgeBaseUrl),
    apiKeyEnv: args.judgeKeyEnv,
    nproc: args.judgeNproc,
    retry: args.retry,
    timeoutMs: args.timeoutS * 1000,
    verbose: args.verbose,
  };
}

/**
 * `warn`, saying each distinct message once: how the pandas reading changes a benchmark is said
 * once, by rank 0, whatever the models.
 */
function onceEach(warn: (message: string) => void): (message: string) => void {
  const said = new Set<string>();
  return (message) => {
    if (said.has(message)) return;
    said.add(message);
    warn(message);
  };
}
