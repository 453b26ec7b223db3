/**
 * Hugging Face VLMs in-process: transformers.js 4.3.2 on onnxruntime-node 1.30.0, prompted and
 * decoded as VLMEvalKit's wrapper for the family does. Image processing and prompt expansion are
 * ours (Python's, ported: see _idefics3_processor.ts and paligemma.ts); the ONNX sessions, the
 * KV cache and greedy decoding are transformers.js's. transformers.js itself is imported only
 * when a model is built.
 */
import { basename } from "node:path";
import {
  EXIT_CODES,
  type ExitCode,
  type GenerateContext,
  type Message,
  type VisionLanguageModel,
} from "@vlmeval/schema";
import { loadImageLikePil } from "./_pil_image.ts";
import {
  expandImageTokens,
  type Idefics3ImageConfig,
  type Idefics3Options,
  preprocessIdefics3,
} from "./_idefics3_processor.ts";
import { buildSmolVlmPrompt, smolVlm2Resolution, type SmolVlmPrompt } from "./smolvlm_prompts.ts";
import {
  buildPaliGemmaPrompt,
  type PaliGemmaPrompt,
  paliGemmaText,
  preprocessSiglip,
  type SiglipImageConfig,
} from "./paligemma.ts";
import type { HfWrapper } from "./resolve_model.ts";
import { pyStrip } from "./_python_text.ts";
import { type HfModelSource, resolveHfModel } from "./resolve_model.ts";
import { loadTransformers, sessionPlacement, type Tf } from "./_transformers.ts";

/** Where ONNX Runtime computes: its CPU, CUDA or WebGPU execution provider. */
export const HF_DEVICES = ["cpu", "cuda", "webgpu"] as const;

/** One of {@link HF_DEVICES}. */
export type HfDevice = (typeof HF_DEVICES)[number];

/** The device asked for cannot run here; the message says what is missing and how to get it. */
export class HfDeviceUnavailableError extends Error {
  /** A missing prerequisite: exit code 6. */
  readonly exitCode: ExitCode = EXIT_CODES.missingPrerequisite;
  /** Always `"HfDeviceUnavailableError"`. */
  override name = "HfDeviceUnavailableError";
}

/** onnxruntime-node's folder of native libraries, where ONNX Runtime looks for providers. */
export function onnxruntimeNodeLibDir(): string {
  return new URL("../bin/napi-v6/linux/x64/", import.meta.resolve("onnxruntime-node")).pathname;
}

/** A wrapper's prompt: SmolVLM's (with the video settings) or PaliGemma's. */
export type HfPrompt = SmolVlmPrompt | PaliGemmaPrompt;

/** ONNX variants as transformers.js names them (`fp32` is `<name>.onnx`, `q8` `_quantized`, ...). */
export const HF_DTYPES = ["fp32", "fp16", "q8", "int8", "uint8", "q4", "q4f16", "bnb4"] as const;

/** Options of {@link createHfModel}. */
export interface HfModelOptions {
  /** A VLMEvalKit model name (`SmolVLM-256M`), a hub repository id, or a local folder. */
  model: string;
  /** The VLMEvalKit class that prompts it; default from the name, or the folder's model_type. */
  wrapper?: HfWrapper;
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
  /**
   * Prompts generated together (default 1): concurrent `generate` calls are gathered into one
   * left-padded batch of up to this many (the pipeline runs that many samples at once).
   */
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
  wrapper: HfWrapper;
}

/** A Hugging Face VLM running in this process. */
export interface HfVlm extends VisionLanguageModel {
  /** What ran. */
  readonly info: HfRunInfo;
  /** The prompt the wrapper builds for a message (before image tokens are expanded). */
  buildPrompt(message: Message, dataset: string): HfPrompt;
  /** Token ids generated for a message (the parity tests compare them with PyTorch's). */
  generateIds(message: Message, ctx: GenerateContext): Promise<GeneratedIds>;
}

/** Prompt ids, new ids and decoded answer of one generation. */
export interface GeneratedIds {
  /** Tokenized prompt with expanded image tokens. */
  inputIds: number[];
  /** Pixel values handed to the vision encoder (empty without images). */
  pixelValues: Float32Array;
  /** SmolVLM: `[1, tiles, 3, side, side]`; PaliGemma: `[1, 3, height, width]`. */
  pixelShape: number[];
  /** Generated ids after the prompt. */
  newIds: number[];
  /** Decoded as the wrapper decodes. */
  text: string;
}

type Tokenizer = Awaited<ReturnType<Tf["AutoTokenizer"]["from_pretrained"]>>;
type Model = Awaited<ReturnType<Tf["AutoModelForImageTextToText"]["from_pretrained"]>>;

const IDEFICS3_DECODE_CLEANUP = /(\n?<global-img>\n?|<row_\d+_col_\d+>\n?)+/g;

/** The wrapper's generation kwargs, then the given ones (`use_cache` is always on here). */
function generationArgs(wrapper: HfWrapper, given: Record<string, unknown>) {
  // SmolVLM: {"max_new_tokens": 2048, "use_cache": True}; SmolVLM2 adds "do_sample": False;
  // PaliGemma: generate(max_new_tokens=512, do_sample=False) (it ignores config kwargs).
  const args: Record<string, unknown> = wrapper === "PaliGemma"
    ? { max_new_tokens: 512, do_sample: false }
    : { max_new_tokens: 2048 };
  if (wrapper === "SmolVLM2") args.do_sample = false;
  for (const [k, v] of Object.entries(given)) {
    if (k === "use_cache" || v === undefined) continue;
    args[k] = v;
  }
  return args;
}

/** One prompt, processed: the processor's text and its pixel values. */
interface Prepared {
  text: string;
  /** SmolVLM: `[1, tiles, 3, side, side]`; PaliGemma: `[1, 3, h, w]`; absent without images. */
  pixels?: { data: Float32Array; dims: number[] };
}

/** Settings read from the model folder. */
export interface HfFolderSettings {
  /** `preprocessor_config.json`. */
  preprocessor: Record<string, unknown>;
  /** Idefics3's `image_seq_len`. */
  imageSeqLen: number;
  /** SmolVLM2's frame resolution. */
  resolution: number;
  /** `tokenizer_config.json`'s bos token text. */
  bosToken: string;
  /** `generation_config.json`'s end-of-sequence ids. */
  eosIds: number[];
}

interface Pending {
  message: Message;
  ctx: GenerateContext;
  resolve: (ids: GeneratedIds) => void;
  reject: (err: unknown) => void;
}

class HfVlmModel implements HfVlm {
  readonly name: string;
  readonly info: HfRunInfo;
  #tf: Tf;
  #tokenizer: Tokenizer;
  #model: Model | undefined;
  #settings: HfFolderSettings;
  #generation: Record<string, unknown>;
  #loading: Promise<Model> | undefined;
  #batchSize: number;
  #queue: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> = Promise.resolve();
  #disposed = false;

  constructor(
    name: string,
    info: HfRunInfo,
    tf: Tf,
    tokenizer: Tokenizer,
    model: Model,
    settings: HfFolderSettings,
    generation: Record<string, unknown>,
    batchSize: number,
  ) {
    this.name = name;
    this.info = info;
    this.#tf = tf;
    this.#tokenizer = tokenizer;
    this.#model = model;
    this.#settings = settings;
    this.#generation = generation;
    this.#batchSize = batchSize;
  }

  buildPrompt(message: Message, dataset: string): HfPrompt {
    if (this.info.wrapper === "PaliGemma") return buildPaliGemmaPrompt(message, dataset);
    return buildSmolVlmPrompt(this.info.wrapper, message, dataset, {
      resolution: this.#settings.resolution,
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

  /** The wrapper's prompt, the images decoded and processed as the Python processor does. */
  async #prepare(message: Message, ctx: GenerateContext): Promise<Prepared> {
    const built = this.buildPrompt(message, ctx.dataset);
    const images = await Promise.all(built.images.map(loadImageLikePil));
    ctx.signal?.throwIfAborted();
    const s = this.#settings;
    if (this.info.wrapper === "PaliGemma") {
      const config = s.preprocessor as SiglipImageConfig;
      return {
        text: paliGemmaText(built.prompt, s.bosToken, Number(config.image_seq_length ?? 256)),
        pixels: preprocessSiglip(images[0], config),
      };
    }
    if (images.length === 0) return { text: built.prompt };
    const video = "video" in built ? built.video : undefined;
    const opts: Idefics3Options = video ? { split: false, longestEdge: video.longestEdge } : {};
    const px = preprocessIdefics3(images, s.preprocessor as Idefics3ImageConfig, opts);
    return {
      text: expandImageTokens(built.prompt, px.rows, px.cols, s.imageSeqLen),
      pixels: { data: px.data, dims: [1, px.tiles, 3, px.side, px.side] },
    };
  }

  /** Pixel inputs of a batch: SmolVLM pads tile counts with zero tiles masked out. */
  #pixelInputs(prepared: Prepared[]): Record<string, unknown> {
    const tf = this.#tf;
    const withPixels = prepared.filter((p) => p.pixels);
    if (withPixels.length === 0) return {};
    if (this.info.wrapper === "PaliGemma") {
      const [, c, h, w] = withPixels[0].pixels!.dims;
      const data = new Float32Array(prepared.length * c * h * w);
      prepared.forEach((p, i) => data.set(p.pixels!.data, i * c * h * w));
      return { pixel_values: new tf.Tensor("float32", data, [prepared.length, c, h, w]) };
    }
    const side = withPixels[0].pixels!.dims[3];
    const tiles = Math.max(...withPixels.map((p) => p.pixels!.dims[1]));
    const tileSize = 3 * side * side;
    const data = new Float32Array(prepared.length * tiles * tileSize);
    const mask = new Uint8Array(prepared.length * tiles * side * side);
    prepared.forEach((p, i) => {
      if (!p.pixels) return;
      data.set(p.pixels.data, i * tiles * tileSize);
      mask.fill(1, i * tiles * side * side, (i * tiles + p.pixels.dims[1]) * side * side);
    });
    return {
      pixel_values: new tf.Tensor("float32", data, [prepared.length, tiles, 3, side, side]),
      pixel_attention_mask: new tf.Tensor("bool", mask, [prepared.length, tiles, side, side]),
    };
  }

  #decode(ids: number[]): string {
    let answer = this.#tokenizer.decode(ids, { skip_special_tokens: true });
    if (this.info.wrapper === "SmolVLM") {
      answer = answer.replace(IDEFICS3_DECODE_CLEANUP, "<image>");
    }
    // PaliGemma's wrapper returns the decoded text as it is; SmolVLM's strip it.
    return this.info.wrapper === "PaliGemma" ? answer : pyStrip(answer);
  }

  /** Generates for prepared prompts in one call (left padding when more than one). */
  async #run(prepared: Prepared[], signals: (AbortSignal | undefined)[]): Promise<GeneratedIds[]> {
    const tf = this.#tf;
    const model = await this.#session();
    const tokenizer = this.#tokenizer;
    tokenizer.padding_side = "left";
    const encoded = prepared.length === 1
      ? tokenizer(prepared[0].text, { add_special_tokens: true })
      : tokenizer(prepared.map((p) => p.text), { add_special_tokens: true, padding: true });
    const stop = new (class extends tf.StoppingCriteria {
      override _call(ids: number[][]): boolean[] {
        return ids.map((_, i) => signals[i]?.aborted ?? false);
      }
    })();
    const out = await model.generate({
      input_ids: encoded.input_ids,
      attention_mask: encoded.attention_mask,
      ...this.#pixelInputs(prepared),
      ...generationArgs(this.info.wrapper, this.#generation),
      stopping_criteria: [stop],
    });
    const sequences = "sequences" in out ? out.sequences : out;
    const width = sequences.dims[1];
    const promptWidth = encoded.input_ids.dims[1];
    const all = Array.from(sequences.data as BigInt64Array, Number);
    const ids = Array.from(encoded.input_ids.data as BigInt64Array, Number);
    const mask = Array.from(encoded.attention_mask.data as BigInt64Array, Number);
    return prepared.map((p, i) => {
      let newIds = all.slice(i * width + promptWidth, (i + 1) * width);
      // A row that ended before the others is padded after its end-of-sequence token.
      const end = newIds.findIndex((t) => this.#settings.eosIds.includes(t));
      if (end !== -1) newIds = newIds.slice(0, end + 1);
      const inputIds = ids.slice(i * promptWidth, (i + 1) * promptWidth)
        .filter((_, j) => mask[i * promptWidth + j] === 1);
      return {
        inputIds,
        pixelValues: p.pixels?.data ?? new Float32Array(0),
        pixelShape: p.pixels?.dims ?? [],
        newIds,
        text: this.#decode(newIds),
      };
    });
  }

  async generateIds(message: Message, ctx: GenerateContext): Promise<GeneratedIds> {
    ctx.signal?.throwIfAborted();
    if (this.#disposed) {
      throw new Error(`Cannot generate with ${this.name} as it is disposed`);
    }
    if (this.#batchSize <= 1) {
      const prepared = await this.#prepare(message, ctx);
      const [got] = await this.#run([prepared], [ctx.signal]);
      ctx.signal?.throwIfAborted();
      return got;
    }
    return await new Promise<GeneratedIds>((resolve, reject) => {
      this.#queue.push({ message, ctx, resolve, reject });
      if (this.#queue.length >= this.#batchSize) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), BATCH_WAIT_MS);
    });
  }

  /**
   * Runs the queued prompts as one batch. A batch that fails is run again prompt by prompt, so
   * that only the prompts that fail on their own are failed.
   */
  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#queue.splice(0, this.#batchSize);
    if (batch.length === 0) return;
    this.#running = this.#running.then(async () => {
      const prepared: (Prepared | undefined)[] = [];
      for (const item of batch) {
        try {
          item.ctx.signal?.throwIfAborted();
          prepared.push(await this.#prepare(item.message, item.ctx));
        } catch (err) {
          item.reject(err);
          prepared.push(undefined);
        }
      }
      const ready = batch.filter((_, i) => prepared[i]);
      const inputs = prepared.filter((p): p is Prepared => p !== undefined);
      if (ready.length === 0) return;
      try {
        const got = await this.#run(inputs, ready.map((r) => r.ctx.signal));
        ready.forEach((r, i) =>
          r.ctx.signal?.aborted ? r.reject(r.ctx.signal.reason) : r.resolve(got[i])
        );
      } catch {
        for (const [i, r] of ready.entries()) {
          try {
            const [one] = await this.#run([inputs[i]], [r.ctx.signal]);
            r.resolve(one);
          } catch (err) {
            r.reject(err);
          }
        }
      }
      if (this.#queue.length >= this.#batchSize) this.#flush();
    });
  }

  async generate(message: Message, ctx: GenerateContext): Promise<string> {
    return (await this.generateIds(message, ctx)).text;
  }

  /** Disposes the ONNX sessions (their memory arenas go with them); the next sample reloads them. */
  async releaseCaches(): Promise<void> {
    await this.#running;
    const model = this.#model;
    this.#model = undefined;
    await model?.dispose();
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.releaseCaches();
  }
}

/** How long a partly filled batch waits for more prompts. */
const BATCH_WAIT_MS = 50;

async function loadSessions(tf: Tf, info: HfRunInfo): Promise<Model> {
  const model = await tf.AutoModelForImageTextToText.from_pretrained(info.dir, {
    dtype: info.dtype,
    ...sessionPlacement(info.device),
    local_files_only: true,
  });
  // transformers.js 4.3.2 keeps the pixel values for every decoding step, and a step that has
  // them rebuilds the attention mask with ones over the whole past: a left-padded batch would
  // attend to its padding. The images are in the KV cache after the first step, so drop them.
  const update = model._update_model_kwargs_for_generation.bind(model);
  model._update_model_kwargs_for_generation = (args: unknown) => {
    const next = update(args);
    delete next.pixel_values;
    delete next.pixel_attention_mask;
    return next;
  };
  return model;
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

/**
 * The wrapper VLMEvalKit would use for a model_type (idefics3: SmolVLM; smolvlm: SmolVLM2;
 * paligemma: PaliGemma).
 */
export function wrapperForModelType(modelType: string, where: string): HfWrapper {
  if (modelType === "idefics3") return "SmolVLM";
  if (modelType === "smolvlm") return "SmolVLM2";
  if (modelType === "paligemma") return "PaliGemma";
  throw new Error(
    `Cannot run ${where} as its model_type is not one this adapter prompts (idefics3, smolvlm, ` +
      `paligemma): current value is "${modelType}"`,
  );
}

function tokenText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value && typeof value === "object" && "content" in value) return String(value.content);
  return "";
}

/**
 * Sets transformers.js to local files only, and quiet: a failing ONNX Runtime call is thrown to
 * the guard, which records it; transformers.js would also print every input tensor of the failed
 * session (set VLMEVAL_DEBUG to see its logs). Done before any model is read.
 */
export function configureTransformersJs(tf: Tf): void {
  tf.env.logLevel = Deno.env.get("VLMEVAL_DEBUG") ? 30 : 50;
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
  const tokenizerConfig = await readJson(source.dir, "tokenizer_config.json", true);
  const generationConfig = await readJson(source.dir, "generation_config.json", true);
  const eos = generationConfig.eos_token_id ?? config.eos_token_id ?? [];
  const settings: HfFolderSettings = {
    preprocessor,
    imageSeqLen: Number(processor.image_seq_len ?? preprocessor.image_seq_len ?? 169),
    resolution: smolVlm2Resolution(source.repo ?? opts.model),
    bosToken: tokenText(tokenizerConfig.bos_token) || "<bos>",
    eosIds: (Array.isArray(eos) ? eos : [eos]).map(Number),
  };
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
  if (info.device === "cuda") {
    const provider = `${onnxruntimeNodeLibDir()}libonnxruntime_providers_cuda.so`;
    try {
      await Deno.stat(provider);
    } catch {
      throw new HfDeviceUnavailableError(
        `Cannot use the cuda device as ONNX Runtime's CUDA execution provider is missing: ` +
          `current value is ${provider} (absent); run deno task setup:ort-cuda, which lays it ` +
          `out from PyPI's onnxruntime-gpu 1.30.0 wheel`,
      );
    }
  }
  let model: Model;
  try {
    model = await loadSessions(tf, info);
  } catch (err) {
    if (info.device === "cpu") throw err;
    throw new HfDeviceUnavailableError(
      `Cannot open ${source.dir} on the ${info.device} device: ${(err as Error).message}${
        info.device === "cuda"
          ? " (deno task setup:ort-cuda --check lists the CUDA libraries this machine lacks)"
          : ""
      }`,
      { cause: err },
    );
  }
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
    settings,
    opts.generation ?? {},
    Math.max(1, opts.batchSize ?? 1),
  );
}
