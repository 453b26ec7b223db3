/**
 * `--config FILE`: VLMEvalKit's JSON config (run.py's `--config`, at commit e8e78f05): a `model`
 * section (name to `{"class": ..., kwargs}`) and a `data` section (name to `{"class": ...,
 * "dataset": ..., kwargs}`), whose keys name the result files. Also `$VLMEVAL_CATALOG`: a file of
 * benchmarks by name in the shape of the `data` section, added to (or replacing the copy of)
 * the catalog's. Every key is checked when the file is read: an unknown class or key is an error
 * naming the file, the entry and the key, before anything runs.
 *
 * @module
 */
import { type CatalogEntry, catalogEntryFromConfig, findBenchmark } from "@vlmeval/catalog";
import {
  createModel,
  type CreateModelOptions,
  createOpenAIModel,
  listModels,
} from "@vlmeval/models";
import { type BenchmarkSource, judgeApiRoot } from "@vlmeval/pipeline";
import { EXIT_CODES, type ExitCode, type VisionLanguageModel } from "@vlmeval/schema";

/** A config file (or catalog file) vlmeval cannot use; the message names the file and key. */
export class ConfigFileError extends Error {
  /** A bad config file is a bad invocation: exit code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  /** Always `"ConfigFileError"`. */
  override name = "ConfigFileError";
}

/** A `--config` file, read and checked. */
export interface EvalConfig {
  /** The file, as given. */
  path: string;
  /** The `model` section's names, in file order. */
  models: string[];
  /** The `data` section's names, in file order (the `--data` values they stand for). */
  data: string[];
  /** The `data` entries that are not plain `--data` names (`{}`), by name. */
  benchmarks: Map<string, BenchmarkSource>;
  /** Whether a model is served behind an API (its requests may run concurrently). */
  isApiModel(name: string): boolean;
  /** Builds the model of a `model` entry; `cli` carries the command line's settings. */
  createModel(name: string, cli: CreateModelOptions): Promise<VisionLanguageModel>;
}

/** The API classes of `vlmeval.api` whose settings vlmeval's API model takes. */
const API_CLASSES = ["OpenAIWrapper", "GPT4V"];

/** `OpenAIWrapper` settings vlmeval's API model has no counterpart for yet. */
const UNMAPPED_API_KEYS = [
  "system_prompt",
  "img_size",
  "total_img_size",
  "max_file_size",
  "img_detail",
];

/** VLMEvalKit's `OpenAIWrapper`: the environment variable of the key by the model's name. */
function keyEnvFor(model: string): string {
  if (model.includes("step")) return "STEPAI_API_KEY";
  if (model.includes("yi-vision")) return "YI_API_KEY";
  if (model.includes("internvl2-pro")) return "InternVL2_PRO_KEY";
  if (model.includes("abab")) return "MiniMax_API_KEY";
  if (model.includes("moonshot")) return "MOONSHOT_API_KEY";
  if (model.includes("grok")) return "XAI_API_KEY";
  if (model.includes("gemini") && model.includes("preview")) return "GOOGLE_API_KEY";
  return "OPENAI_API_KEY";
}

/** VLMEvalKit's `APIBASES`: the one named endpoint. */
const OFFICIAL_API_ROOT = "https://api.openai.com/v1";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A plain file name: result files are named with it. */
function checkName(file: string, section: string, name: string): void {
  if (name === "" || name.startsWith(".") || /[/\\\0]/.test(name)) {
    throw new ConfigFileError(
      `Cannot use ${section} entry ${JSON.stringify(name)} of ${file} as its name names the ` +
        `result files and must be a plain file name (no slash, no leading dot)`,
    );
  }
}

/** Reads a JSON object from `path`, naming the file in every error. */
async function readJsonObject(path: string, what: string): Promise<Json> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    throw new ConfigFileError(
      `Cannot read ${what} ${path} as ${(err as Error).message}`,
      { cause: err },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigFileError(
      `Cannot read ${what} ${path} as it is not JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!isObject(parsed)) {
    throw new ConfigFileError(
      `Cannot read ${what} ${path} as it must hold a JSON object: current value is a ` +
        (Array.isArray(parsed) ? "list" : typeof parsed),
    );
  }
  return parsed;
}

/** How one `model` entry is built, decided when the file is read. */
type ModelPlan =
  | { kind: "builtin" }
  | { kind: "api"; settings: ApiSettings };

interface ApiSettings {
  model: string;
  baseUrl: string;
  /** The key written in the file, or the variable VLMEvalKit reads it from. */
  key: { literal: string } | { env: string };
  retries: number;
  timeoutMs: number;
  maxTokens: number;
  temperature: number;
  verbose: boolean;
  waitMs?: number;
}

/**
 * Reads VLMEvalKit's `--config` JSON. `model` entries: `OpenAIWrapper`/`GPT4V` with `model`,
 * `api_base` (a root or a `.../chat/completions` URL; `OFFICIAL`; default `$OPENAI_API_BASE`),
 * `key` (default: the variable VLMEvalKit reads for the model's name, `OPENAI_API_KEY` for most),
 * `retry`, `timeout` (s), `max_tokens`, `temperature`, `verbose`, `wait` (s, the retry back-off),
 * `stream` (answers are read whole either way) and `use_azure: false`, with VLMEvalKit's
 * defaults; `{}` for a built-in model (`ShapesVLM`, ...). `data` entries: an image class
 * (`ImageMCQDataset`, `MMMUDataset`, `ImageYORNDataset`, `ImageVQADataset`, `OCRBench`,
 * `MathVista`, `MMVet`) with `dataset` (default the entry's name), and `url` and `md5` for a
 * benchmark outside the catalog (`catalogEntryFromConfig`); a video class (`VideoMME`,
 * `MVBench`, `MMBenchVideo`) with `dataset`, `nframe` or `fps`, and `pack`; `{}` for a name
 * `--data` takes (a video preset such as `MMBench_Video_8frame_nopack`).
 *
 * @throws {ConfigFileError} naming the file, the entry and the key at fault.
 */
export async function readEvalConfig(path: string): Promise<EvalConfig> {
  const json = await readJsonObject(path, "config file");
  for (const key of Object.keys(json)) {
    if (key !== "model" && key !== "data") {
      throw new ConfigFileError(
        `Cannot use key ${JSON.stringify(key)} of config file ${path} as a config holds only ` +
          `"model" and "data"`,
      );
    }
  }
  const section = (name: "model" | "data"): Json => {
    const value = json[name];
    if (!isObject(value) || Object.keys(value).length === 0) {
      throw new ConfigFileError(
        `Cannot use config file ${path} as its "${name}" must be an object with at least one ` +
          `entry: current value is ${JSON.stringify(value ?? null)}`,
      );
    }
    return value;
  };
  const models = section("model");
  const data = section("data");
  const plans = new Map<string, ModelPlan>();
  for (const [name, entry] of Object.entries(models)) {
    checkName(path, "model", name);
    plans.set(name, modelPlan(path, name, entry));
  }
  const benchmarks = new Map<string, BenchmarkSource>();
  for (const [name, entry] of Object.entries(data)) {
    checkName(path, "data", name);
    const source = dataSource(path, name, entry);
    if (source) benchmarks.set(name, source);
  }
  return {
    path,
    models: [...plans.keys()],
    data: Object.keys(data),
    benchmarks,
    isApiModel: (name) => plans.get(name)?.kind === "api",
    createModel: async (name, cli) => {
      const plan = plans.get(name);
      if (!plan) throw new ConfigFileError(`Cannot build model "${name}": ${path} names none`);
      if (plan.kind === "builtin") return await createModel(name, { ...cli, baseUrl: undefined });
      return apiModel(name, plan.settings, cli);
    },
  };
}

function modelPlan(file: string, name: string, entry: unknown): ModelPlan {
  const where = `model "${name}" of ${file}`;
  if (!isObject(entry)) {
    throw new ConfigFileError(
      `Cannot use ${where} as it must be an object: current value is ${JSON.stringify(entry)}`,
    );
  }
  if (!("class" in entry)) {
    if (Object.keys(entry).length > 0) {
      throw new ConfigFileError(
        `Cannot use ${where} as an entry without "class" names a built-in model and takes no ` +
          `keys: current keys are ${Object.keys(entry).join(", ")}`,
      );
    }
    const builtIn = listModels().map((m) => m.name);
    if (!builtIn.includes(name)) {
      throw new ConfigFileError(
        `Cannot use ${where} as an entry without "class" names a built-in model ` +
          `(${builtIn.join(", ")}); VLMEvalKit's supported_VLM shortcuts are not known here: ` +
          `give "class": "OpenAIWrapper" with its "model"`,
      );
    }
    return { kind: "builtin" };
  }
  const cls = entry.class;
  if (typeof cls !== "string" || !API_CLASSES.includes(cls)) {
    throw new ConfigFileError(
      `Cannot use ${where} as its class ${JSON.stringify(cls)} is not one vlmeval builds: ` +
        `${API_CLASSES.join(", ")} (served models); VLMEvalKit's in-process classes ` +
        `(vlmeval.vlm) are not supported by this build; {} names a built-in model`,
    );
  }
  return { kind: "api", settings: apiSettings(where, entry) };
}

function apiSettings(where: string, entry: Json): ApiSettings {
  const fail = (key: string, why: string): never => {
    throw new ConfigFileError(
      `Cannot use key "${key}" of ${where} as ${why}: current value is ${
        JSON.stringify(entry[key])
      }`,
    );
  };
  const number = (key: string, fallback: number, check: (n: number) => boolean, why: string) => {
    const value = entry[key];
    if (value === undefined) return fallback;
    if (typeof value !== "number" || !check(value)) fail(key, why);
    return value as number;
  };
  for (const key of Object.keys(entry)) {
    if (UNMAPPED_API_KEYS.includes(key)) {
      fail(key, "vlmeval's API model has no such setting yet");
    }
    const known = [
      "class",
      "model",
      "api_base",
      "key",
      "retry",
      "timeout",
      "max_tokens",
      "temperature",
      "verbose",
      "wait",
      "stream",
      "use_azure",
    ];
    if (!known.includes(key)) {
      fail(
        key,
        "it is not a setting vlmeval's API model takes (VLMEvalKit sends unknown keys in " +
          "each request; vlmeval sends no extra request fields yet)",
      );
    }
  }
  if (entry.use_azure !== undefined && entry.use_azure !== false) {
    fail("use_azure", "Azure OpenAI endpoints are not supported");
  }
  for (const key of ["verbose", "stream"]) {
    if (entry[key] !== undefined && typeof entry[key] !== "boolean") fail(key, "must be a boolean");
  }
  const model = entry.model ?? "gpt-3.5-turbo-0613";
  if (typeof model !== "string" || model.trim() === "") fail("model", "must be a model id");
  const given = entry.api_base ?? Deno.env.get("OPENAI_API_BASE") ?? "OFFICIAL";
  let baseUrl: string;
  if ((model as string).includes("ernie")) {
    baseUrl = "https://qianfan.baidubce.com/v2";
  } else if (given === "OFFICIAL") {
    baseUrl = OFFICIAL_API_ROOT;
  } else if (typeof given === "string" && /^https?:\/\//.test(given)) {
    baseUrl = judgeApiRoot(given);
  } else {
    return fail("api_base", "must be an http(s) URL or OFFICIAL");
  }
  const keyValue = entry.key;
  if (keyValue !== undefined && keyValue !== null && typeof keyValue !== "string") {
    fail("key", "must be a string (or left out: read from the environment)");
  }
  const keyEnv = (model as string).includes("ernie") ? "BAIDU_API_KEY" : keyEnvFor(model as string);
  const retry = number("retry", 5, (n) => Number.isInteger(n) && n >= 1, "must be an integer >= 1");
  const wait = entry.wait === undefined
    ? undefined
    : number("wait", 1, (n) => Number.isFinite(n) && n >= 0, "must be seconds >= 0");
  return {
    model: model as string,
    baseUrl,
    key: typeof keyValue === "string" ? { literal: keyValue } : { env: keyEnv },
    retries: retry - 1,
    timeoutMs: 1000 *
      number("timeout", 300, (n) => Number.isFinite(n) && n > 0, "must be seconds > 0"),
    maxTokens: number(
      "max_tokens",
      2048,
      (n) => Number.isInteger(n) && n >= 1,
      "must be an integer >= 1",
    ),
    temperature: number(
      "temperature",
      0,
      (n) => Number.isFinite(n) && n >= 0,
      "must be a number >= 0",
    ),
    verbose: entry.verbose === true,
    waitMs: wait === undefined ? undefined : wait * 1000,
  };
}

let keyVariables = 0;

/**
 * The API model of a config entry. A key written in the file is handed to the model through a
 * variable of this process (the model reads keys from the environment, and keeps them out of
 * logs and messages), never printed.
 */
function apiModel(
  name: string,
  settings: ApiSettings,
  cli: CreateModelOptions,
): VisionLanguageModel {
  let apiKeyEnv: string;
  if ("literal" in settings.key) {
    apiKeyEnv = `VLMEVAL_CONFIG_KEY_${++keyVariables}`;
    Deno.env.set(apiKeyEnv, settings.key.literal);
  } else {
    apiKeyEnv = settings.key.env;
  }
  return createOpenAIModel({
    model: settings.model,
    baseUrl: settings.baseUrl,
    name,
    apiKeyEnv,
    nproc: cli.apiNproc,
    retries: settings.retries,
    timeoutMs: settings.timeoutMs,
    maxTokens: settings.maxTokens,
    temperature: settings.temperature,
    verbose: settings.verbose || cli.verbose === true,
    ...(settings.waitMs === undefined ? {} : {
      backoff: { baseMs: Math.max(1, settings.waitMs) },
    }),
  });
}

/** VLMEvalKit's image dataset classes vlmeval scores, with the keys their entries take. */
const IMAGE_CLASSES = [
  "ImageMCQDataset",
  "MMMUDataset",
  "ImageYORNDataset",
  "ImageVQADataset",
  "OCRBench",
  "MathVista",
  "MMVet",
];

/** VLMEvalKit's video classes: their default dataset and the keys they take. */
const VIDEO_CLASSES: Readonly<Record<string, { dataset: string; keys: string[] }>> = {
  VideoMME: { dataset: "Video-MME", keys: ["use_subtitle"] },
  MVBench: { dataset: "MVBench", keys: [] },
  MMBenchVideo: { dataset: "MMBench-Video", keys: ["pack"] },
};

function dataSource(file: string, name: string, entry: unknown): BenchmarkSource | undefined {
  const where = `data "${name}" of ${file}`;
  if (!isObject(entry)) {
    throw new ConfigFileError(
      `Cannot use ${where} as it must be an object: current value is ${JSON.stringify(entry)}`,
    );
  }
  // `{}`: the name as --data takes it (VLMEvalKit: a video preset).
  if (Object.keys(entry).length === 0) return undefined;
  const cls = entry.class;
  const fail = (key: string, why: string): never => {
    throw new ConfigFileError(
      `Cannot use key "${key}" of ${where} as ${why}: current value is ${
        JSON.stringify(entry[key] ?? null)
      }`,
    );
  };
  if (typeof cls !== "string") return fail("class", "an entry with keys must name its class");
  if (entry.dataset !== undefined && typeof entry.dataset !== "string") {
    fail("dataset", "must be a dataset name");
  }
  if (VIDEO_CLASSES[cls]) return videoSource(name, entry, fail);
  if (!IMAGE_CLASSES.includes(cls)) {
    fail(
      "class",
      `it is not one vlmeval scores (${IMAGE_CLASSES.join(", ")}, ` +
        `${Object.keys(VIDEO_CLASSES).join(", ")})`,
    );
  }
  for (const key of Object.keys(entry)) {
    if (!["class", "dataset", "url", "md5", "skip_noimg"].includes(key)) {
      fail(key, `it is not a setting of ${cls} (class, dataset, url, md5)`);
    }
  }
  if (entry.skip_noimg !== undefined && entry.skip_noimg !== true) {
    fail("skip_noimg", "rows without an image are always skipped, as VLMEvalKit's default");
  }
  const dataset = (entry.dataset as string | undefined) ?? name;
  const known = findBenchmark(dataset);
  if (known && known.class !== cls) {
    fail("class", `the catalog's ${dataset} is a ${known.class}`);
  }
  let catalogEntry: CatalogEntry;
  try {
    catalogEntry = catalogEntryFromConfig(name, {
      class: cls,
      dataset,
      url: entry.url as string | undefined,
      md5: entry.md5 as string | undefined,
    });
  } catch (err) {
    throw new ConfigFileError(`${(err as Error).message} (in ${file})`, { cause: err });
  }
  return { entry: catalogEntry, name };
}

function videoSource(
  name: string,
  entry: Json,
  fail: (key: string, why: string) => never,
): BenchmarkSource {
  const cls = entry.class as string;
  const spec = VIDEO_CLASSES[cls];
  for (const key of Object.keys(entry)) {
    if (!["class", "dataset", "nframe", "fps", ...spec.keys].includes(key)) {
      fail(key, `it is not a setting of ${cls} (dataset, nframe, fps, ${spec.keys.join(", ")})`);
    }
  }
  if (entry.use_subtitle !== undefined && entry.use_subtitle !== false) {
    fail("use_subtitle", "subtitles are not supported");
  }
  if (entry.pack !== undefined && typeof entry.pack !== "boolean") {
    fail("pack", "must be a boolean");
  }
  if (entry.url !== undefined) fail("url", "a video benchmark is fetched from its repository");
  const dataset = (entry.dataset as string | undefined) ?? spec.dataset;
  const known = findBenchmark(dataset);
  if (!known?.video || known.class !== cls) {
    fail("dataset", `it is not a ${cls} benchmark of the catalog`);
  }
  const nframe = entry.nframe ?? 0;
  const fps = entry.fps ?? -1;
  if (typeof nframe !== "number" || !Number.isInteger(nframe) || nframe < 0) {
    fail("nframe", "must be an integer >= 0");
  }
  if (typeof fps !== "number" || !Number.isFinite(fps)) fail("fps", "must be a number");
  if ((nframe as number) > 0 && (fps as number) > 0) {
    fail("fps", "fps and nframe cannot be set together (VLMEvalKit's rule)");
  }
  if ((nframe as number) <= 0 && (fps as number) <= 0) {
    fail("nframe", "one of nframe and fps must be set");
  }
  const setting = (nframe as number) > 0 ? `${nframe}frame` : `${fps}fps`;
  return {
    entry: known!,
    data: `${known!.name}_${setting}${entry.pack === true ? "_pack" : ""}`,
    name,
  };
}

/**
 * Reads `$VLMEVAL_CATALOG`: benchmarks by name, each `{"class": ..., "url": ..., "md5": ...}`
 * for one outside the catalog, or `{"url"?, "md5"?}` to take another copy of a catalog
 * benchmark (a lab's mirror, a fixed file); `--data NAME` then fetches and scores it.
 *
 * @throws {ConfigFileError} naming the file, the entry and the key at fault.
 */
export async function readCatalogFile(path: string): Promise<Map<string, BenchmarkSource>> {
  const json = await readJsonObject(path, "catalog file ($VLMEVAL_CATALOG)");
  const out = new Map<string, BenchmarkSource>();
  for (const [name, entry] of Object.entries(json)) {
    checkName(path, "catalog", name);
    if (!isObject(entry)) {
      throw new ConfigFileError(
        `Cannot use catalog entry "${name}" of ${path} as it must be an object: current value ` +
          `is ${JSON.stringify(entry)}`,
      );
    }
    for (const key of Object.keys(entry)) {
      if (!["class", "url", "md5"].includes(key)) {
        throw new ConfigFileError(
          `Cannot use key "${key}" of catalog entry "${name}" of ${path} as an entry takes ` +
            `class, url and md5`,
        );
      }
    }
    try {
      out.set(name, { entry: catalogEntryFromConfig(name, entry as Json) });
    } catch (err) {
      throw new ConfigFileError(`${(err as Error).message} (in ${path})`, { cause: err });
    }
  }
  return out;
}
