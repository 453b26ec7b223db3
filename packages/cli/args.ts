import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import { parseArgs } from "node:util";
import { EXACT_MATCHING, type FailurePolicy, parseFailOnError } from "@vlmeval/pipeline";
import {
  type GenerationSettings,
  IMAGE_DETAILS,
  type ImageDetail,
  settingsRecord,
} from "@vlmeval/models";

/** Everything `vlmeval eval` takes, after flags and environment variables are combined. */
export interface EvalArgs {
  /** Model names; with `--config`, empty until the file is read (its `model` keys). */
  models: string[];
  /** `--data` values; with `--config`, empty until the file is read (its `data` keys). */
  data: string[];
  /** `--model-name`: the name of the output folder and tables (one model only). */
  modelName?: string;
  /** `--limit`: only the first N rows of each benchmark. */
  limit?: number;
  /** `--fail-on-error`: when recorded failures stop the run. */
  failurePolicy: FailurePolicy;
  /** Served models: what shapes their answers (`--max-tokens`, `--temperature`, ...). */
  generation: GenerationSettings;
  /** `--config FILE`: VLMEvalKit's JSON config naming the models and benchmarks. */
  config?: string;
  workDir: string;
  mode: "all" | "infer" | "eval";
  skipErr: boolean;
  keepFailed: boolean;
  /** Split answers at `</think>` into `prediction` and `thinking` (`SPLIT_THINK`). */
  splitThink: boolean;
  /** `--literal-cells`: benchmark cells as written, not as VLMEvalKit's pandas reads them. */
  literalCells: boolean;
  format: "xlsx" | "tsv" | "json";
  evalFormat: "csv" | "json";
  nproc: number;
  rank?: number;
  worldSize?: number;
  backend: string;
  /** Hugging Face models: ONNX variant (`--dtype`; default the model's). */
  dtype?: string;
  /** Hugging Face models: ONNX Runtime execution provider (`--device`, default cpu). */
  device?: string;
  /** Hugging Face models: `--max-new-tokens` (default the VLMEvalKit wrapper's). */
  maxNewTokens?: number;
  /** Hugging Face models: `--batch-size`, samples generated together (default 1). */
  batchSize: number;
  apiNproc: number;
  baseUrl?: string;
  apiKeyEnv: string;
  retry: number;
  timeoutS: number;
  /** `--judge`: `exact_matching` (heuristics only, the default) or a judge model's name. */
  judge: string;
  /** `$LOCAL_LLM`: the model id asked instead of the judge name's version, as in VLMEvalKit. */
  judgeModel?: string;
  /** The judge's endpoint: `--judge-base-url`, else `--base-url`, else `$OPENAI_API_BASE`. */
  judgeBaseUrl?: string;
  /**
   * `--judge-key-env`: environment variable holding the judge's key; by default `--api-key-env`
   * when the judge shares `--base-url`, else `OPENAI_API_KEY`.
   */
  judgeKeyEnv: string;
  /** `--judge-nproc`: judge requests in flight at once. */
  judgeNproc: number;
  /**
   * With no `--judge`: the endpoint MathVista and MMVet ask their VLMEvalKit default judge at
   * (`--judge-base-url`, else `$OPENAI_API_BASE`); absent, they score without a judge.
   */
  familyJudgeBaseUrl?: string;
  nframe?: number;
  fps?: number;
  maxFrames?: number;
  pack: boolean;
  emptyCache: "always" | "on-failure";
  rankTimeoutS: number;
  maxRestarts: number;
  verbose: boolean;
  quiet: boolean;
  help: boolean;
  /** True when neither --model nor --data was given: the embedded default runs. */
  isDefault: boolean;
}

/** A bad command line; the message says which flag and why. */
export class UsageError extends Error {
  /** A bad command line exits with code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  override name = "UsageError";
}

/** The embedded default: the bundled model on the bundled image and video benchmarks. */
export const DEFAULT_MODEL = "ShapesVLM";
/** Bundled benchmarks run when no `--data` is given. */
export const DEFAULT_DATA = ["Shapes_MCQ", "Shapes_Video_8frame"];

/**
 * The default of every option that has one: the help text and the parser both read this table,
 * so the two cannot disagree.
 */
export const DEFAULTS = {
  workDir: "./outputs",
  mode: "all",
  format: "xlsx",
  evalFormat: "csv",
  rankTimeoutS: 3600,
  maxRestarts: 3,
  backend: "wasm",
  apiKeyEnv: "OPENAI_API_KEY",
  apiNproc: 4,
  retry: 6,
  timeoutS: 120,
  judge: EXACT_MATCHING,
  judgeNproc: 4,
  emptyCache: "on-failure",
  failOnError: "0.1",
  maxTokens: 2048,
  temperature: 0,
} as const;

/** Text of `vlmeval eval --help`. */
export const EVAL_HELP = `vlmeval eval: run a model over benchmarks and score it

Usage: deno task eval [options]
       (no options: the bundled ShapesVLM model on the bundled Shapes_MCQ and
        Shapes_Video_8frame benchmarks)

Options:
  --model NAME...        model(s): ShapesVLM, ConstantAnswer, BusyLoop, FaultInjection,
                         a Hugging Face VLM by VLMEvalKit's name (SmolVLM-256M, SmolVLM-500M,
                         SmolVLM, SmolVLM2-256M, SmolVLM2-500M, SmolVLM2, ...), a repository
                         id or a local model folder (run in-process by transformers.js; see
                         the README), or any name served by --base-url (OpenAI-compatible API)
  --data NAME|PATH...    benchmark(s): VLMEvalKit's name (vlmeval datasets lists them;
                         fetched into $LMUData when missing, MD5-checked, scored by its own
                         metric), a .tsv path, another name under $LMUData (<NAME>.tsv), or a
                         bundled one (Shapes_MCQ, Shapes_Video_<N>frame[_pack],
                         Shapes_Video_<F>fps[_pack]); video names take _<N>frame or _<F>fps
  --config FILE          VLMEvalKit's JSON config instead of --model/--data: "model" entries
                         (OpenAIWrapper/GPT4V with model, api_base, key, max_tokens, ...;
                         SmolVLM/SmolVLM2/PaliGemma with model_path, run in-process; {} for a
                         built-in model) and "data" entries (class and dataset; url and md5 for
                         a benchmark outside the catalog)
  --work-dir DIR         output root (default ${DEFAULTS.workDir}; $MMEVAL_ROOT overrides)
  --model-name NAME      name of the output folder and tables for the one --model (default:
                         the model name, with "/" and other unsafe characters as "_")
  --mode all|infer|eval  infer and score (default), predictions only, or re-score
  --limit N              only the first N rows of each benchmark (the same rows every run)
  --skip-err             record a failing sample as "Failed to obtain answer: ..." and go on
                         (same as SKIP_ERR=1)
  --fail-on-error X      stop a benchmark once more than the fraction X (0 < X < 1) of its
                         samples failed, or once X samples failed (an integer), and when 5
                         samples in a row failed the same way; "never" turns both off
                         (default ${DEFAULTS.failOnError}: more than 10%); giving it implies --skip-err
  --keep-failed          do not retry samples that failed in earlier runs
  --split-think          split answers at the last </think> into prediction and a thinking
                         column before scoring (same as SPLIT_THINK set to any value)
  --literal-cells        read benchmark cells as written; by default they are read as
                         VLMEvalKit's pandas reads them (NA, None, ... missing; numbers as
                         Python prints them) so prompts match VLMEvalKit's byte for byte
  --format xlsx|tsv|json prediction file format (default ${DEFAULTS.format}; $PRED_FORMAT)
  --eval-format csv|json score file format (default ${DEFAULTS.evalFormat}; $EVAL_FORMAT)
  --nproc N              run N local worker processes, one rank each
  --rank R --world-size W, or --rank R::W
                         run one rank of W (launchers: torchrun, Slurm, Open MPI, Hydra's
                         mpiexec (MPICH, Intel MPI, MVAPICH) and Kubernetes indexed Jobs are
                         detected from their variables)
  --rank-timeout S       how long rank 0 waits for the others (default $DIST_TIMEOUT or ${DEFAULTS.rankTimeoutS})
  --max-restarts N       restarts of a dying worker under --nproc (default ${DEFAULTS.maxRestarts})
  --backend NAME         tfjs backend: ${DEFAULTS.backend} (default), webgpu, cpu, tfjs-node, tfjs-node-gpu
  --device NAME          Hugging Face models: cpu (default), cuda, webgpu (ONNX Runtime)
  --dtype NAME           Hugging Face models: ONNX variant fp32, fp16, q8, q4, ... (default
                         the model's transformers.js_config, else fp32)
  --max-new-tokens N     tokens to generate at most: Hugging Face models (default the
                         VLMEvalKit wrapper's, 2048 for SmolVLM); served models take it as
                         --max-tokens when that is not given
  --batch-size N         Hugging Face models: samples generated together in one left-padded
                         batch (default 1; same answers, greedy)
  --base-url URL         OpenAI-compatible endpoint (vLLM, SGLang, LMDeploy, Ollama, OpenAI):
                         its API root (.../v1; a .../chat/completions URL is cut to it);
                         default $OPENAI_API_BASE for a model that is not built in. The
                         endpoint is checked before the first sample (exit 7 when unusable)
  --api-key-env VAR      environment variable holding the API key (default ${DEFAULTS.apiKeyEnv})
  --api-nproc N          API requests in flight at most: halved on 429/5xx, grown back when
                         the server keeps up (default ${DEFAULTS.apiNproc})
  --max-tokens N         served models: max_tokens of each request (default ${DEFAULTS.maxTokens});
                         Hugging Face models take it as --max-new-tokens when that is not given
  --temperature T        served models: temperature (default ${DEFAULTS.temperature})
  --top-p P              served models: top_p, in (0, 1] (default: not sent)
  --seed N               served models: seed (default: not sent)
  --system-prompt TEXT   served models: a system prompt before the benchmark's own
  --img-detail low|high|auto
                         served models: image_url.detail of every image (default: not sent)
  --img-size N           served models: shrink images to a longest side of N pixels before
                         sending (VLMEvalKit's img_size; default: as stored)
  --extra-body JSON      served models: fields added to every request, e.g.
                         '{"chat_template_kwargs": {"enable_thinking": false}}' (null removes one)
  --retry N              API retries (default ${DEFAULTS.retry})
  --timeout S            API request timeout in seconds (default ${DEFAULTS.timeoutS})
  --judge NAME           multiple choice and yes/no: ${DEFAULTS.judge} (default: the heuristics
                         alone) or an LLM judge (e.g. gpt-4o-mini, or any model the judge
                         endpoint serves; $LOCAL_LLM replaces the model asked) for the
                         answers the heuristics cannot place; a judge that fails its check
                         request fails the scoring of that dataset (exit 6). MathVista and
                         MMVet are judged by VLMEvalKit's defaults (gpt-4o-mini, gpt-4-turbo)
                         when a judge endpoint is set and --judge is not given
  --judge-base-url URL   the judge's OpenAI-compatible endpoint (default --base-url, then
                         $OPENAI_API_BASE)
  --judge-key-env VAR    environment variable holding the judge's key (default --api-key-env
                         when the judge shares --base-url, else ${DEFAULTS.apiKeyEnv})
  --judge-nproc N        concurrent judge requests (default ${DEFAULTS.judgeNproc})
  --nframe N / --fps F   video frame sampling (overrides the dataset name's setting)
  --max-frames N         cap on frames in fps mode
  --pack                 video pack mode: all questions about a video in one call
  --empty-cache always|on-failure
                         release GPU caches after every sample or only after failures
                         (default ${DEFAULTS.emptyCache})
  --verbose              print every answer
  --quiet                no progress bars
  -h, --help             this text

Exit codes: 0 done; 1 a sample failed (without --skip-err) or an error; 2 bad usage;
3 sticky CUDA error (rerun resumes); 4 malformed input; 5 timed out waiting for ranks;
6 missing prerequisite; 7 a served model's endpoint failed its check (key, model, URL,
unreachable); 8 too many samples failed (--fail-on-error); 130 interrupted. Finished
samples are never lost: rerun to resume.
`;

function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) {
    throw new UsageError(
      `Cannot use --${name} as it must be an integer: current value is "${value}"`,
    );
  }
  return n;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  const n = intFlag(name, value);
  if (n !== undefined && n < 1) {
    throw new UsageError(`Cannot use --${name} ${n} as it must be >= 1`);
  }
  return n;
}

function numFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new UsageError(
      `Cannot use --${name} as it must be a positive number: current value is "${value}"`,
    );
  }
  return n;
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(
      `Cannot use ${name} "${value}" as it is not one of ${allowed.join(", ")}`,
    );
  }
  return value as T;
}

/** `--data A B --model M` (VLMEvalKit's style) as `--data A --data B --model M`. */
function expandMultiValueFlags(argv: string[]): string[] {
  const out: string[] = [];
  let repeating: string | undefined;
  for (const arg of argv) {
    if (arg === "--data" || arg === "--model") {
      repeating = arg;
      out.push(arg);
      continue;
    }
    if (arg.startsWith("-")) {
      repeating = undefined;
    } else if (repeating && out[out.length - 1] !== repeating) {
      out.push(repeating);
    }
    out.push(arg);
  }
  return out;
}

/** Parses `vlmeval eval` arguments; environment variables fill what flags leave out. */
export function parseEvalArgs(argv: string[], env: Record<string, string | undefined>): EvalArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: expandMultiValueFlags(argv),
      allowPositionals: false,
      options: {
        model: { type: "string", multiple: true },
        "model-name": { type: "string" },
        data: { type: "string", multiple: true },
        limit: { type: "string" },
        "fail-on-error": { type: "string" },
        "max-tokens": { type: "string" },
        temperature: { type: "string" },
        "top-p": { type: "string" },
        seed: { type: "string" },
        "system-prompt": { type: "string" },
        "img-detail": { type: "string" },
        "img-size": { type: "string" },
        "extra-body": { type: "string" },
        config: { type: "string" },
        "work-dir": { type: "string" },
        mode: { type: "string" },
        "skip-err": { type: "boolean" },
        "keep-failed": { type: "boolean" },
        "split-think": { type: "boolean" },
        "literal-cells": { type: "boolean" },
        format: { type: "string" },
        "eval-format": { type: "string" },
        nproc: { type: "string" },
        rank: { type: "string" },
        "world-size": { type: "string" },
        "rank-timeout": { type: "string" },
        "max-restarts": { type: "string" },
        backend: { type: "string" },
        device: { type: "string" },
        dtype: { type: "string" },
        "max-new-tokens": { type: "string" },
        "batch-size": { type: "string" },
        "base-url": { type: "string" },
        "api-key-env": { type: "string" },
        "api-nproc": { type: "string" },
        retry: { type: "string" },
        timeout: { type: "string" },
        judge: { type: "string" },
        "judge-base-url": { type: "string" },
        "judge-key-env": { type: "string" },
        "judge-nproc": { type: "string" },
        nframe: { type: "string" },
        fps: { type: "string" },
        "max-frames": { type: "string" },
        pack: { type: "boolean" },
        "empty-cache": { type: "string" },
        verbose: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  // Flags that take several values accept them space-separated too: --data A B.
  const split = (xs: string[] | undefined) => xs?.flatMap((x) => x.split(/[\s,]+/)).filter(Boolean);
  const models = split(v.model) ?? [];
  const data = split(v.data) ?? [];
  const config = v.config;
  if (config !== undefined && (models.length > 0 || data.length > 0)) {
    throw new UsageError(
      `Cannot combine --config with --model or --data as the config file names both: ` +
        `current value is --config ${config}`,
    );
  }
  if (config !== undefined && v["model-name"] !== undefined) {
    throw new UsageError(
      `Cannot combine --config with --model-name as the config file's model keys name the ` +
        `output folders: current value is --model-name ${v["model-name"]}`,
    );
  }
  if (config !== undefined && config.trim() === "") {
    throw new UsageError(`Cannot use --config as it must name a JSON file: current value is ""`);
  }
  const isDefault = config === undefined && models.length === 0 && data.length === 0;

  let rank: number | undefined;
  let worldSize = intFlag("world-size", v["world-size"]);
  if (v.rank?.includes("::")) {
    const [r, w] = v.rank.split("::");
    rank = intFlag("rank", r);
    worldSize = intFlag("rank", w);
  } else {
    rank = intFlag("rank", v.rank);
  }
  if ((rank === undefined) !== (worldSize === undefined)) {
    throw new UsageError("Cannot use --rank without --world-size (or write --rank R::W)");
  }
  if (rank !== undefined && (rank < 0 || worldSize! < 1 || rank >= worldSize!)) {
    throw new UsageError(
      `Cannot run rank ${rank} of ${worldSize} as a rank must be in 0..world size - 1`,
    );
  }
  const nproc = intFlag("nproc", v.nproc) ?? 1;
  if (nproc < 1) throw new UsageError(`Cannot use --nproc ${nproc} as it must be >= 1`);
  if (nproc > 1 && rank !== undefined) {
    throw new UsageError("Cannot combine --nproc with --rank: --nproc starts the ranks itself");
  }
  const nframe = intFlag("nframe", v.nframe);
  const fps = numFlag("fps", v.fps);
  if (nframe !== undefined && fps !== undefined) {
    throw new UsageError("Cannot use --nframe and --fps together: choose one sampling mode");
  }
  if (nframe !== undefined && nframe < 1) {
    throw new UsageError(`Cannot sample ${nframe} frames as --nframe must be >= 1`);
  }
  const mode = oneOf("--mode", v.mode ?? DEFAULTS.mode, ["all", "infer", "eval"] as const);
  const judge = v.judge?.trim() || DEFAULTS.judge;
  // No --judge: MathVista and MMVet still get VLMEvalKit's default judge at an endpoint given
  // for judges (never at --base-url alone, the model's own endpoint).
  const familyJudgeBaseUrl = v.judge === undefined
    ? v["judge-base-url"] || env.OPENAI_API_BASE || undefined
    : undefined;
  const judgeBaseUrl = v["judge-base-url"] || v["base-url"] || env.OPENAI_API_BASE || undefined;
  if (judge !== DEFAULTS.judge && mode !== "infer" && !judgeBaseUrl) {
    throw new UsageError(
      `Cannot use --judge ${judge} without an endpoint: pass --judge-base-url URL (or ` +
        `--base-url), or set OPENAI_API_BASE`,
    );
  }
  // The judge on the model's own endpoint (no --judge-base-url) uses the model's key as well.
  const judgeKeyEnv = v["judge-key-env"] ??
    (v["judge-base-url"] ? undefined : v["api-key-env"]) ?? DEFAULTS.apiKeyEnv;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(judgeKeyEnv)) {
    throw new UsageError(
      `Cannot use --judge-key-env "${judgeKeyEnv}" as it must name an environment variable`,
    );
  }
  const judgeNproc = intFlag("judge-nproc", v["judge-nproc"]) ?? DEFAULTS.judgeNproc;
  if (judgeNproc < 1) {
    throw new UsageError(`Cannot use --judge-nproc ${judgeNproc} as it must be >= 1`);
  }
  const skipErrEnv = env.SKIP_ERR;
  const failOnError = v["fail-on-error"];
  const failurePolicy = parseFailOnError(failOnError ?? DEFAULTS.failOnError);
  if (!failurePolicy) {
    throw new UsageError(
      `Cannot use --fail-on-error "${failOnError}" as it must be a fraction between 0 and 1, ` +
        `a count >= 1, or never`,
    );
  }
  const modelName = v["model-name"];
  if (modelName !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(modelName) || /^\.*$/.test(modelName)) {
      throw new UsageError(
        `Cannot use --model-name "${modelName}" as a folder name: use letters, digits, ".", ` +
          `"_" and "-" (not only dots)`,
      );
    }
    if (models.length > 1) {
      throw new UsageError(
        `Cannot use --model-name with ${models.length} models: it names one model's outputs`,
      );
    }
  }
  const limit = intFlag("limit", v.limit);
  if (limit !== undefined && limit < 1) {
    throw new UsageError(`Cannot use --limit ${limit} as it must be >= 1`);
  }
  return {
    models: config !== undefined ? [] : models.length ? models : [DEFAULT_MODEL],
    data: config !== undefined ? [] : data.length ? data : DEFAULT_DATA,
    config,
    modelName,
    limit,
    failurePolicy,
    generation: generationFlags(v),
    workDir: env.MMEVAL_ROOT || v["work-dir"] || DEFAULTS.workDir,
    mode,
    // A threshold given on the command line is a tolerance: failures under it are recorded.
    skipErr: v["skip-err"] === true || skipErrEnv === "1" || failOnError !== undefined,
    keepFailed: v["keep-failed"] === true,
    // VLMEvalKit turns it on for any non-empty value, even "0".
    splitThink: v["split-think"] === true || (env.SPLIT_THINK ?? "") !== "",
    literalCells: v["literal-cells"] === true,
    format: oneOf(
      v.format ? "--format" : "PRED_FORMAT",
      v.format ?? env.PRED_FORMAT ?? DEFAULTS.format,
      ["xlsx", "tsv", "json"] as const,
    ),
    evalFormat: oneOf(
      v["eval-format"] ? "--eval-format" : "EVAL_FORMAT",
      v["eval-format"] ?? env.EVAL_FORMAT ?? DEFAULTS.evalFormat,
      ["csv", "json"] as const,
    ),
    nproc,
    rank,
    worldSize,
    backend: v.backend ?? DEFAULTS.backend,
    device: v.device,
    dtype: v.dtype,
    maxNewTokens: positiveInt("max-new-tokens", v["max-new-tokens"]) ??
      positiveInt("max-tokens", v["max-tokens"]),
    batchSize: positiveInt("batch-size", v["batch-size"]) ?? 1,
    apiNproc: intFlag("api-nproc", v["api-nproc"]) ?? DEFAULTS.apiNproc,
    baseUrl: v["base-url"],
    apiKeyEnv: v["api-key-env"] ?? DEFAULTS.apiKeyEnv,
    retry: intFlag("retry", v.retry) ?? DEFAULTS.retry,
    timeoutS: numFlag("timeout", v.timeout) ?? DEFAULTS.timeoutS,
    judge,
    judgeModel: env.LOCAL_LLM || undefined,
    judgeBaseUrl,
    judgeKeyEnv,
    judgeNproc,
    familyJudgeBaseUrl,
    nframe,
    fps,
    maxFrames: intFlag("max-frames", v["max-frames"]),
    pack: v.pack === true,
    emptyCache: oneOf(
      "--empty-cache",
      v["empty-cache"] ?? DEFAULTS.emptyCache,
      [
        "always",
        "on-failure",
      ] as const,
    ),
    rankTimeoutS: numFlag("rank-timeout", v["rank-timeout"]) ??
      (env.DIST_TIMEOUT ? numFlag("rank-timeout", env.DIST_TIMEOUT)! : DEFAULTS.rankTimeoutS),
    maxRestarts: intFlag("max-restarts", v["max-restarts"]) ?? DEFAULTS.maxRestarts,
    verbose: v.verbose === true,
    quiet: v.quiet === true,
    help: v.help === true,
    isDefault,
  };
}

/** The served-model generation flags, checked as the model will check them. */
function generationFlags(
  v: Record<string, string | boolean | string[] | undefined>,
): GenerationSettings {
  const text = (name: string) => v[name] as string | undefined;
  const number = (name: string, rule: (n: number) => boolean, what: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (value.trim() === "" || !rule(n)) {
      throw new UsageError(
        `Cannot use --${name} as it must be ${what}: current value is "${value}"`,
      );
    }
    return n;
  };
  const detail = text("img-detail");
  if (detail !== undefined && !(IMAGE_DETAILS as readonly string[]).includes(detail)) {
    throw new UsageError(
      `Cannot use --img-detail "${detail}" as it is not one of ${IMAGE_DETAILS.join(", ")}`,
    );
  }
  const imgSize = number(
    "img-size",
    (n) => Number.isInteger(n) && (n >= 1 || n === -1),
    "an integer >= 1 (or -1: as stored)",
  );
  const settings: GenerationSettings = {
    // --max-new-tokens (the local models' name) serves as --max-tokens when that is not given.
    maxTokens: number("max-tokens", (n) => Number.isInteger(n) && n >= 1, "an integer >= 1") ??
      number("max-new-tokens", (n) => Number.isInteger(n) && n >= 1, "an integer >= 1") ??
      DEFAULTS.maxTokens,
    temperature: number("temperature", (n) => Number.isFinite(n) && n >= 0, "a number >= 0") ??
      DEFAULTS.temperature,
    topP: number("top-p", (n) => n > 0 && n <= 1, "a number in (0, 1]"),
    seed: number("seed", Number.isSafeInteger, "an integer"),
    systemPrompt: text("system-prompt"),
    imageDetail: detail as ImageDetail | undefined,
    imageMaxSide: imgSize === -1 ? undefined : imgSize,
    extraBody: extraBody(text("extra-body")),
  };
  for (const key of Object.keys(settings) as (keyof GenerationSettings)[]) {
    if (settings[key] === undefined) delete settings[key];
  }
  try {
    settingsRecord("check", settings);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return settings;
}

function extraBody(json: string | undefined): Record<string, unknown> | undefined {
  if (json === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new UsageError(
      `Cannot use --extra-body as it is not JSON (${
        (err as Error).message
      }): current value is ${json}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(
      `Cannot use --extra-body as it must be a JSON object: current value is ${json}`,
    );
  }
  return parsed as Record<string, unknown>;
}
