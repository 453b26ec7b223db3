/**
 * Hugging Face VLMs in-process: transformers.js 4.3.2 on onnxruntime-node 1.30.0, prompted and
 * decoded as VLMEvalKit's wrapper for the family does. Image processing and prompt expansion are
 * ours (Python's, ported: see idefics3_processor.ts); the ONNX sessions, the KV cache and greedy
 * decoding are transformers.js's. Nothing here is imported until a Hugging Face model is asked for.
 */
import { basename } from "node:path";
import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";
import { loadImageLikePil } from "./_pil_image.ts";
import {
  expandImageTokens,
  type Idefics3ImageConfig,
  type Idefics3Options,
  preprocessIdefics3,
} from "./idefics3_processor.ts";
import {
  buildSmolVlmPrompt,
  smolVlm2Resolution,
  type SmolVlmPrompt,
  type SmolVlmWrapper,
} from "./smolvlm_prompts.ts";
import { pyStrip } from "./_python_text.ts";
import { type HfModelSource, resolveHfModel } from "./resolve_model.ts";
import { loadTransformers, sessionPlacement, type Tf } from "./_transformers.ts";

/** Where ONNX Runtime computes: its CPU, CUDA or WebGPU execution provider. */
export const HF_DEVICES = ["cpu", "cuda", "webgpu"] as const;

/** One of {@link HF_DEVICES}. */
export type HfDevice = (typeof HF_DEVICES)[number];

/** ONNX variants as transformers.js names them (`fp32` is `<name>.onnx`, `q8` `_quantized`, ...). */
export const HF_DTYPES = ["fp32", "fp16", "q8", "int8", "uint8", "q4", "q4f16", "bnb4"] as const;

/** Options of {@link createHfModel}. */
export interface HfModelOptions {
  /** A VLMEvalKit model name (`SmolVLM-256M`), a hub repository id, or a local folder. */
  model: string;
  /** The VLMEvalKit class that prompts it; default from the name, or the folder's model_type. */
  wrapper?: SmolVlmWrapper;
  /** ONNX variant; default the model's `transformers.js_config.dtype`, else `fp32`. */
  dtype?: string;
  /** Execution provider (default `cpu`). */
  device?: HfDevice;
  /**
   * Generation settings as VLMEvalKit's config passes them (`max_new_tokens`, `do_sample`,
   * `temperature`, `top_p`, `top_k`, `num_beams`, `repetition_penalty`); the wrapper's defaults
   * (`max_new_tokens` 2048, greedy) fill the rest.
   */
  generation?: Record<string, unknown>;
  /** Environment for HF_* variables (default the process's). */
  env?: Record<string, string | undefined>;
  /** Download progress lines (default: to stderr, at most one a second per file). */
  onProgress?: (line: string) => void;
  /** Name used for output files (default: the VLMEvalKit name, or the folder's name). */
  name?: string;
  /** Prompts answered in one `generate` call by {@link HfVlm.generateBatch} users (default 1). */
  batchSize?: number;
}

/** What ran, for the log line and tests. */
export interface HfRunInfo {
  /** The folder the sessions were read from. */
  dir: string;
  /** Execution provider asked for and used (session creation fails rather than falls back). */
  device: HfDevice;
  /** ONNX variant. */
  dtype: string;
  /** `config.json`'s model_type. */
  modelType: string;
  /** The VLMEvalKit wrapper whose prompts are used. */
  wrapper: SmolVlmWrapper;
}

/** A Hugging Face VLM running in this process. */
export interface HfVlm extends VisionLanguageModel {
  /** What ran. */
  readonly info: HfRunInfo;
  /** The prompt the wrapper builds for a message (before image tokens are expanded). */
  buildPrompt(message: Message, dataset: string): SmolVlmPrompt;
  /** Token ids generated for a message (the parity tests compare them with PyTorch's). */
  generateIds(message: Message, ctx: GenerateContext): Promise<GeneratedIds>;
}

/** Prompt ids, new ids and decoded answer of one generation. */
export interface GeneratedIds {
  /** Tokenized prompt with expanded image tokens. */
  inputIds: number[];
  /** Pixel values handed to the vision encoder (empty without images). */
  pixelValues: Float32Array;
  /** `[1, tiles, 3, side, side]`. */
  pixelShape: number[];
  /** Generated ids after the prompt. */
  newIds: number[];
  /** Decoded as the wrapper decodes. */
  text: string;
}

type Tokenizer = Awaited<ReturnType<Tf["AutoTokenizer"]["from_pretrained"]>>;
type Model = Awaited<ReturnType<Tf["AutoModelForImageTextToText"]["from_pretrained"]>>;

const IDEFICS3_DECODE_CLEANUP = /(\n?<global-img>\n?|<row_\d+_col_\d+>\n?)+/g;

function generationArgs(wrapper: SmolVlmWrapper, given: Record<string, unknown>) {
  // SmolVLM: {"max_new_tokens": 2048, "use_cache": True}; SmolVLM2 adds "do_sample": False.
  const args: Record<string, unknown> = { max_new_tokens: 2048 };
  if (wrapper === "SmolVLM2") args.do_sample = false;
  for (const [k, v] of Object.entries(given)) {
    if (k === "use_cache" || v === undefined) continue;
    args[k] = v;
  }
  return args;
}

class HfVlmModel implements HfVlm {
  readonly name: string;
  readonly info: HfRunInfo;
  #tf: Tf;
  #tokenizer: Tokenizer;
  #model: Model | undefined;
  #imageConfig: Idefics3ImageConfig;
  #imageSeqLen: number;
  #resolution: number;
  #generation: Record<string, unknown>;
  #loading: Promise<Model> | undefined;

  constructor(
    name: string,
    info: HfRunInfo,
    tf: Tf,
    tokenizer: Tokenizer,
    model: Model,
    imageConfig: Idefics3ImageConfig,
    imageSeqLen: number,
    resolution: number,
    generation: Record<string, unknown>,
  ) {
    this.name = name;
    this.info = info;
    this.#tf = tf;
    this.#tokenizer = tokenizer;
    this.#model = model;
    this.#imageConfig = imageConfig;
    this.#imageSeqLen = imageSeqLen;
    this.#resolution = resolution;
    this.#generation = generation;
  }

  buildPrompt(message: Message, dataset: string): SmolVlmPrompt {
    return buildSmolVlmPrompt(this.info.wrapper, message, dataset, {
      resolution: this.#resolution,
    });
  }

  async #session(): Promise<Model> {
    if (this.#model) return this.#model;
    this.#loading ??= loadSessions(this.#tf, this.info);
    try {
      this.#model = await this.#loading;
    } finally {
      this.#loading = undefined;
    }
    return this.#model;
  }

  async generateIds(message: Message, ctx: GenerateContext): Promise<GeneratedIds> {
    ctx.signal?.throwIfAborted();
    const tf = this.#tf;
    const built = this.buildPrompt(message, ctx.dataset);
    const images = await Promise.all(built.images.map(loadImageLikePil));
    ctx.signal?.throwIfAborted();
    let text = built.prompt;
    const inputs: Record<string, unknown> = {};
    let pixelValues: Float32Array = new Float32Array(0);
    let pixelShape: number[] = [];
    if (images.length > 0) {
      const opts: Idefics3Options = built.video
        ? { split: false, longestEdge: built.video.longestEdge }
        : {};
      const px = preprocessIdefics3(images, this.#imageConfig, opts);
      text = expandImageTokens(text, px.rows, px.cols, this.#imageSeqLen);
      pixelValues = px.data;
      pixelShape = [1, px.tiles, 3, px.side, px.side];
      inputs.pixel_values = new tf.Tensor("float32", px.data, pixelShape);
      inputs.pixel_attention_mask = new tf.Tensor(
        "bool",
        new Uint8Array(px.tiles * px.side * px.side).fill(1),
        [1, px.tiles, px.side, px.side],
      );
    }
    const encoded = this.#tokenizer(text, { add_special_tokens: true });
    const inputIds: number[] = Array.from(encoded.input_ids.data as BigInt64Array, Number);
    const model = await this.#session();
    const signal = ctx.signal;
    const stop = new (class extends tf.StoppingCriteria {
      override _call(ids: number[][]): boolean[] {
        return ids.map(() => signal?.aborted ?? false);
      }
    })();
    const out = await model.generate({
      input_ids: encoded.input_ids,
      attention_mask: encoded.attention_mask,
      ...inputs,
      ...generationArgs(this.info.wrapper, this.#generation),
      stopping_criteria: [stop],
    });
    ctx.signal?.throwIfAborted();
    const sequences = "sequences" in out ? out.sequences : out;
    const all: number[] = Array.from(sequences.data as BigInt64Array, Number);
    const newIds = all.slice(inputIds.length);
    let answer: string = this.#tokenizer.decode(newIds, { skip_special_tokens: true });
    if (this.info.wrapper === "SmolVLM") {
      answer = answer.replace(IDEFICS3_DECODE_CLEANUP, "<image>");
    }
    return { inputIds, pixelValues, pixelShape, newIds, text: pyStrip(answer) };
  }

  async generate(message: Message, ctx: GenerateContext): Promise<string> {
    return (await this.generateIds(message, ctx)).text;
  }

  /** Disposes the ONNX sessions (their memory arenas go with them); the next sample reloads them. */
  async releaseCaches(): Promise<void> {
    const model = this.#model;
    this.#model = undefined;
    await model?.dispose();
  }

  async dispose(): Promise<void> {
    await this.releaseCaches();
  }
}

async function loadSessions(tf: Tf, info: HfRunInfo): Promise<Model> {
  return await tf.AutoModelForImageTextToText.from_pretrained(info.dir, {
    dtype: info.dtype,
    ...sessionPlacement(info.device),
    local_files_only: true,
  });
}

async function readJson(
  dir: string,
  file: string,
  optional = false,
): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await Deno.readTextFile(`${dir}/${file}`));
  } catch (err) {
    if (optional && err instanceof Deno.errors.NotFound) return {};
    throw new Error(`Cannot read ${dir}/${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** The wrapper VLMEvalKit would use for a model_type (idefics3: SmolVLM; smolvlm: SmolVLM2). */
export function wrapperForModelType(modelType: string, where: string): SmolVlmWrapper {
  if (modelType === "idefics3") return "SmolVLM";
  if (modelType === "smolvlm") return "SmolVLM2";
  throw new Error(
    `Cannot run ${where} as its model_type is not one this adapter prompts (idefics3, smolvlm): ` +
      `current value is "${modelType}"`,
  );
}

/** Sets transformers.js to local files only; done before any model is read. */
export function configureTransformersJs(tf: Tf): void {
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = "/";
  tf.env.useFSCache = false;
  tf.env.useBrowserCache = false;
}

/**
 * Builds a Hugging Face VLM: resolves the name to a folder (downloading into the hub cache when
 * it is a repository and the files are missing), reads its processor settings, and opens the
 * ONNX sessions on the chosen execution provider.
 *
 * @throws {Error} with a message naming what is missing or unsupported; see {@link resolveHfModel}.
 */
export async function createHfModel(opts: HfModelOptions): Promise<HfVlm> {
  const env = opts.env ?? Deno.env.toObject();
  const source: HfModelSource = await resolveHfModel(opts.model, {
    env,
    dtype: opts.dtype,
    onProgress: opts.onProgress,
  });
  const config = await readJson(source.dir, "config.json");
  const modelType = String(config.model_type ?? "");
  const wrapper = opts.wrapper ?? source.wrapper ?? wrapperForModelType(modelType, source.dir);
  const preprocessor = await readJson(source.dir, "preprocessor_config.json");
  const processor = await readJson(source.dir, "processor_config.json", true);
  const imageSeqLen = Number(processor.image_seq_len ?? preprocessor.image_seq_len ?? 169);
  const tf = await loadTransformers(opts.device ?? "cpu");
  configureTransformersJs(tf);
  const info: HfRunInfo = {
    dir: source.dir,
    device: opts.device ?? "cpu",
    dtype: source.dtype,
    modelType,
    wrapper,
  };
  const tokenizer = await tf.AutoTokenizer.from_pretrained(source.dir, { local_files_only: true });
  const model = await loadSessions(tf, info);
  const name = opts.name ?? source.name ?? basename(source.dir);
  (opts.onProgress ?? ((line: string) => console.error(`vlmeval: ${line}`)))(
    `${name}: ${source.dir} on ${info.device} (${
      info.device === "webgpu"
        ? "onnxruntime-web 1.31.0-dev, WebGPU execution provider on Deno's navigator.gpu"
        : `onnxruntime-node 1.30.0, ${info.device} execution provider`
    }), dtype ${info.dtype}, prompted as VLMEvalKit's ${wrapper}`,
  );
  return new HfVlmModel(
    name,
    info,
    tf,
    tokenizer,
    model,
    preprocessor as Idefics3ImageConfig,
    imageSeqLen,
    smolVlm2Resolution(source.repo ?? opts.model),
    opts.generation ?? {},
  );
}
