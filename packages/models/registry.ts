import { basename, resolve } from "node:path";
import { EXIT_CODES, type ExitCode, type VisionLanguageModel } from "@vlmeval/schema";
import { connectOpenAIModel } from "./api/openai_model.ts";
import type { GenerationSettings } from "./api/generation_settings.ts";
import type { BackendName } from "./backends/backend_info.ts";
import { BACKEND_NAMES } from "./backends/backend_info.ts";
import { type FaultInjectionConfig, FaultInjectionModel } from "./fault_injection_model.ts";
import { BusyLoopModel, ConstantAnswerModel } from "./simple_models.ts";
import { HF_MODEL_NAMES, isHfModelSpec, isLocalModelDir, isRepoId } from "./hf/resolve_model.ts";

/** How to build a model chosen by name on the command line. */
export interface CreateModelOptions {
  /** tfjs backend for tfjs models (default wasm). */
  backend?: string;
  /** OpenAI-compatible endpoint: any model name is then served by it. */
  baseUrl?: string;
  /** Environment variable holding the API key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  /** Concurrent API requests. */
  apiNproc?: number;
  /** Attempts per API request, VLMEvalKit's `--retry` (default 6). */
  retry?: number;
  /** Per-request timeout in ms. */
  timeoutMs?: number;
  /** API models: log one line per request, reply and retry to stderr (never the key). */
  verbose?: boolean;
  /** API models: what shapes the answers (max tokens, temperature, images, extra fields). */
  generation?: GenerationSettings;
  /** API models: hears the notes of the endpoint check (a base URL cut or completed). */
  warn?: (message: string) => void;
  /** Environment to read `VLMEVAL_FAULT_INJECTION` and `HF_*` from (default the process's). */
  env?: Record<string, string | undefined>;
  /** Hugging Face models: ONNX variant (fp32, fp16, q8, q4, ...; default the model's). */
  dtype?: string;
  /** Hugging Face models: ONNX Runtime execution provider, cpu (default), cuda or webgpu. */
  device?: string;
  /** Hugging Face models: `max_new_tokens` (default the wrapper's, 2048 for SmolVLM). */
  maxNewTokens?: number;
  /** Hugging Face models: samples generated together (default 1). */
  batchSize?: number;
}

/** The model name is not known and no `--base-url` was given. */
export class UnknownModelError extends Error {
  /** An unknown model name is a usage error: exit code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  /** Always `"UnknownModelError"`. */
  override name = "UnknownModelError";
}

type Factory = (opts: CreateModelOptions) => Promise<VisionLanguageModel>;

const FACTORIES: Record<string, { describe: string; create: Factory }> = {
  ShapesVLM: {
    describe: "bundled TensorFlow.js model for the Shapes benchmarks (images and video frames)",
    create: async (opts) => {
      const { createShapesVlm } = await import("./shapes_vlm.ts");
      const { withTensorScope } = await import("./tensor_scope.ts");
      const tf = await import("@tensorflow/tfjs");
      return withTensorScope(await createShapesVlm({ backend: backendName(opts.backend) }), tf);
    },
  },
  ConstantAnswer: {
    describe: "answers `A` at once without reading the prompt (harness overhead)",
    create: () => Promise.resolve(new ConstantAnswerModel()),
  },
  BusyLoop: {
    describe: "CPU-bound deterministic answers (rank speed-up benchmark)",
    create: () => Promise.resolve(new BusyLoopModel()),
  },
  FaultInjection: {
    describe: "wraps a model and injects faults per $VLMEVAL_FAULT_INJECTION (JSON) - tests only",
    create: async (opts) => {
      const env = opts.env ?? Deno.env.toObject();
      const raw = env.VLMEVAL_FAULT_INJECTION ?? "{}";
      let config: FaultInjectionConfig & { inner?: string };
      try {
        config = JSON.parse(raw);
      } catch (err) {
        throw new TypeError(
          `Cannot read VLMEVAL_FAULT_INJECTION as it is not JSON: current value is ${raw}`,
          { cause: err },
        );
      }
      const innerName = config.inner ?? "ConstantAnswer";
      if (innerName === "FaultInjection") {
        throw new TypeError("Cannot wrap FaultInjection in itself");
      }
      return new FaultInjectionModel(await createModel(innerName, opts), config);
    },
  },
};

function backendName(name: string | undefined): BackendName {
  const chosen = name ?? "wasm";
  if (!(BACKEND_NAMES as readonly string[]).includes(chosen)) {
    throw new UnknownModelError(
      `Cannot use backend "${chosen}" as it is not one of ${BACKEND_NAMES.join(", ")}`,
    );
  }
  return chosen as BackendName;
}

/** Names and one-line descriptions of the models built in, then the Hugging Face names. */
export function listModels(): { name: string; describe: string }[] {
  return [
    ...Object.entries(FACTORIES).map(([name, f]) => ({ name, describe: f.describe })),
    ...Object.entries(HF_MODEL_NAMES).map(([name, m]) => ({
      name,
      describe:
        `${m.repo} in-process (transformers.js, ONNX), prompted as VLMEvalKit's ${m.wrapper}`,
    })),
  ];
}

/**
 * True for a model that runs in this process whatever the environment says: a built-in one, a
 * Hugging Face model by VLMEvalKit's name, or a local model folder. A hub repository id
 * (`owner/name`) is not: with `$OPENAI_API_BASE` set it names a served model, as in VLMEvalKit.
 */
export function runsInProcess(model: string): boolean {
  return model in FACTORIES || model in HF_MODEL_NAMES || isLocalModelDir(model);
}

/**
 * The name a model's results are filed under (`<work-dir>/<name>/`): the name itself, or for a
 * Hugging Face model given as a folder or a repository id, the folder's or repository's last part.
 */
export function modelOutputName(model: string, opts: { baseUrl?: string } = {}): string {
  if (opts.baseUrl || model in FACTORIES || model in HF_MODEL_NAMES) return model;
  if (isLocalModelDir(model)) return basename(resolve(model));
  if (isRepoId(model)) return model.split("/")[1];
  return model;
}

/**
 * Builds a model by name: a built-in one, or with `baseUrl` any name served by an
 * OpenAI-compatible endpoint, whose endpoint is checked first (see `connectOpenAIModel`: it
 * throws `EndpointCheckError`, exit code 7, for a wrong key, model or path, or a server that
 * cannot be reached). Heavy dependencies (tfjs) load only here, never at import.
 */
export async function createModel(
  name: string,
  opts: CreateModelOptions = {},
): Promise<VisionLanguageModel> {
  if (opts.baseUrl) {
    return await connectOpenAIModel({
      ...opts.generation,
      model: name,
      baseUrl: opts.baseUrl,
      apiKeyEnv: opts.apiKeyEnv,
      nproc: opts.apiNproc,
      retries: Math.max(0, (opts.retry ?? 6) - 1),
      timeoutMs: opts.timeoutMs,
      verbose: opts.verbose,
    }, { warn: opts.warn });
  }
  const factory = FACTORIES[name];
  if (factory) return await factory.create(opts);
  if (isHfModelSpec(name)) {
    const { createHfModel, HF_DEVICES } = await import("./hf/hf_model.ts");
    const device = opts.device ?? "cpu";
    if (!(HF_DEVICES as readonly string[]).includes(device)) {
      throw new UnknownModelError(
        `Cannot use device "${device}" as it is not one of ${HF_DEVICES.join(", ")}`,
      );
    }
    return await createHfModel({
      model: name,
      name: modelOutputName(name),
      dtype: opts.dtype,
      device: device as (typeof HF_DEVICES)[number],
      generation: opts.maxNewTokens ? { max_new_tokens: opts.maxNewTokens } : {},
      batchSize: opts.batchSize,
      env: opts.env,
    });
  }
  throw new UnknownModelError(
    `Cannot build model "${name}" as it is not built in (${
      Object.keys(FACTORIES).join(", ")
    }), not a Hugging Face model name (${
      Object.keys(HF_MODEL_NAMES).join(", ")
    }), a model folder or a repository id; to evaluate a served model pass --base-url`,
  );
}
