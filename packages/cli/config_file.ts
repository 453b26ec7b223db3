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
  ConfigEntryError,
  connectOpenAIModel,
  createModel,
  type CreateModelOptions,
  HF_CONFIG_CLASSES,
  HF_DEVICES,
  type HfDevice,
  hfModelFromConfigEntry,
  listModels,
  SERVED_CONFIG_CLASSES,
  type ServedModelEntry,
  servedModelFromConfigEntry,
  servedModelOptions,
  type SettingsRecord,
  settingsRecord,
  UnknownModelError,
} from "@vlmeval/models";
import type { BenchmarkSource } from "@vlmeval/pipeline";
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
  /** Keys that have no effect here, one line each naming the file, the entry and the key. */
  notes: string[];
  /** Whether a model is served behind an API (its requests may run concurrently). */
  isApiModel(name: string): boolean;
  /**
   * What shapes a served model's answers, from its entry (recorded and checked on resume);
   * undefined for a model run in-process.
   */
  settingsFor(name: string): SettingsRecord | undefined;
  /**
   * Builds the model of a `model` entry: a served one through the endpoint check
   * (`EndpointCheckError`, exit 7, before any sample), an in-process one with the command
   * line's `--device`, `--dtype` and `--batch-size` (`cli`).
   */
  createModel(name: string, cli: CreateModelOptions): Promise<VisionLanguageModel>;
}

type Json = Record<string, unknown>;
type Env = Record<string, string | undefined>;

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
  | { kind: "api"; entry: ServedModelEntry }
  | { kind: "hf"; entry: Json };

/**
 * Reads VLMEvalKit's `--config` JSON. `model` entries: a served model (`OpenAIWrapper`,
 * `GPT4V`, `LMDeployAPI`; every key as VLMEvalKit reads it, see `servedModelFromConfigEntry`),
 * a model run in-process (`SmolVLM`, `SmolVLM2`, `PaliGemma` with `model_path` and generation
 * kwargs, see `hfModelFromConfigEntry`), or `{}` for a built-in model or a VLMEvalKit model
 * name run in-process (`ShapesVLM`, `SmolVLM-256M`, ...). `data` entries: an image class
 * (`ImageMCQDataset`, `MMMUDataset`, `ImageYORNDataset`, `ImageVQADataset`, `OCRBench`,
 * `MathVista`, `MMVet`) with `dataset` (default the entry's name), and `url` and `md5` for a
 * benchmark outside the catalog (`catalogEntryFromConfig`); a video class (`VideoMME`,
 * `MVBench`, `MMBenchVideo`) with `dataset`, `nframe` or `fps`, and `pack`; `{}` for a name
 * `--data` takes (a video preset such as `MMBench_Video_8frame_nopack`).
 *
 * @param env where served entries read `$OPENAI_API_BASE` and the like (default the process's).
 * @throws {ConfigFileError} naming the file, the entry and the key at fault.
 */
export async function readEvalConfig(
  path: string,
  env: Env = Deno.env.toObject(),
): Promise<EvalConfig> {
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
    plans.set(name, modelPlan(path, name, entry, env));
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
    notes: [...plans].flatMap(([name, plan]) =>
      plan.kind === "api"
        ? plan.entry.notes.map((note) => `model "${name}" of ${path}: ${note}`)
        : []
    ),
    isApiModel: (name) => plans.get(name)?.kind === "api",
    settingsFor: (name) => {
      const plan = plans.get(name);
      return plan?.kind === "api"
        ? settingsRecord(plan.entry.model, plan.entry.settings)
        : undefined;
    },
    createModel: async (name, cli) => {
      const plan = plans.get(name);
      if (!plan) throw new ConfigFileError(`Cannot build model "${name}": ${path} names none`);
      return await buildModel(name, plan, cli);
    },
  };
}

function modelPlan(file: string, name: string, entry: unknown, env: Env): ModelPlan {
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
    const known = listModels().map((m) => m.name);
    if (!known.includes(name)) {
      throw new ConfigFileError(
        `Cannot use ${where} as an entry without "class" names a built-in model or a ` +
          `VLMEvalKit model name run in-process (${known.join(", ")}); VLMEvalKit's other ` +
          `supported_VLM names are not known here: give "class": "OpenAIWrapper" with its ` +
          `"model" for a served one`,
      );
    }
    return { kind: "builtin" };
  }
  const cls = entry.class;
  if (typeof cls === "string" && (HF_CONFIG_CLASSES as readonly string[]).includes(cls)) {
    if (typeof entry.model_path !== "string" || entry.model_path.trim() === "") {
      throw new ConfigFileError(
        `Cannot use key "model_path" of ${where} as it must be a Hugging Face repository id ` +
          `or a model folder: current value is ${JSON.stringify(entry.model_path ?? null)}`,
      );
    }
    return { kind: "hf", entry };
  }
  if (typeof cls !== "string" || !SERVED_CONFIG_CLASSES.includes(cls)) {
    throw new ConfigFileError(
      `Cannot use key "class" of ${where} as it is not a class vlmeval builds: ` +
        `${SERVED_CONFIG_CLASSES.join(", ")} (served models), ${HF_CONFIG_CLASSES.join(", ")} ` +
        `(in-process); {} names a built-in model: current value is ${JSON.stringify(cls)}`,
    );
  }
  try {
    return { kind: "api", entry: servedModelFromConfigEntry(name, entry, env) };
  } catch (err) {
    if (!(err instanceof ConfigEntryError)) throw err;
    const at = err.key === undefined ? "" : `key "${err.key}" of `;
    throw new ConfigFileError(
      `Cannot use ${at}${where} as ${err.reason}: current value is ${err.shown}`,
      { cause: err },
    );
  }
}

/** The model of a config entry; served models have their endpoint checked first (exit 7). */
async function buildModel(
  name: string,
  plan: ModelPlan,
  cli: CreateModelOptions,
): Promise<VisionLanguageModel> {
  if (plan.kind === "builtin") return await createModel(name, { ...cli, baseUrl: undefined });
  if (plan.kind === "api") {
    const options = servedModelOptions(plan.entry, { nproc: cli.apiNproc, verbose: cli.verbose });
    return await connectOpenAIModel(options, { warn: cli.warn });
  }
  const device = cli.device ?? "cpu";
  if (!(HF_DEVICES as readonly string[]).includes(device)) {
    throw new UnknownModelError(
      `Cannot use device "${device}" as it is not one of ${HF_DEVICES.join(", ")}`,
    );
  }
  return await hfModelFromConfigEntry(name, plan.entry, {
    dtype: cli.dtype,
    device: device as HfDevice,
    env: cli.env,
    batchSize: cli.batchSize,
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
