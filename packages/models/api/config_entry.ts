/**
 * One model entry of VLMEvalKit's `--config` JSON (`run.py` `build_model_from_config`, commit
 * e8e78f05) for a class that speaks the OpenAI chat-completions protocol, read as VLMEvalKit's
 * constructors read it (`vlmeval/api/gpt.py` `OpenAIWrapper`/`GPT4V`, `vlmeval/api/lmdeploy.py`
 * `LMDeployAPI`): the same defaults, keys, key variables and `api_base` rules.
 *
 * @module
 */
import { EXIT_CODES, type ExitCode } from "@vlmeval/schema";
import { apiRootOf } from "./base_url.ts";
import type { ImageDetail } from "./chat_messages.ts";
import {
  checkGenerationSettings,
  type GenerationSettings,
  IMAGE_DETAILS,
} from "./generation_settings.ts";
import type { OpenAIModelOptions } from "./openai_model.ts";

/** A config model entry vlmeval cannot use; `key` names the entry's key at fault. */
export class ConfigEntryError extends Error {
  /** A bad config entry is a bad invocation: exit code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  /** Always `"ConfigEntryError"`. */
  override name = "ConfigEntryError";
  /** The entry's key at fault (`class`, `api_base`, `temperature`, ...); none: the entry. */
  readonly key?: string;
  /** Why its value cannot be used, as a clause: `"must be a number >= 0"`. */
  readonly reason: string;
  /** The value, as JSON (never the API key). */
  readonly shown: string;

  /** The key of entry `entry` at fault (none: the entry), why, and its value as JSON. */
  constructor(entry: string, key: string | undefined, reason: string, shown: string) {
    super(
      `Cannot use ${key === undefined ? "" : `key "${key}" of `}config model entry ` +
        `"${entry}" as ${reason}: current value is ${shown}`,
    );
    this.key = key;
    this.reason = reason;
    this.shown = shown;
  }
}

/** A served model as a VLMEvalKit `--config` model entry describes it, defaults filled in. */
export interface ServedModelEntry {
  /** The entry's key: the name of the output folder and tables (VLMEvalKit's model name). */
  name: string;
  /** The VLMEvalKit class (`OpenAIWrapper`, `GPT4V`, `LMDeployAPI`, `LMDeployWrapper`). */
  className: string;
  /** The model id asked (`model`). */
  model: string;
  /**
   * The API root requests go to, query kept (`api_base` cut back to its root; `OFFICIAL`,
   * `$OPENAI_API_BASE` and the ernie endpoint as VLMEvalKit resolves them).
   */
  baseUrl: string;
  /**
   * The environment variable the key is read from (VLMEvalKit's for the model's name, such as
   * `OPENAI_API_KEY` or `STEPAI_API_KEY`); undefined when the entry's `key` is used: that key is
   * held apart, never in this object, and reaches the model through
   * {@linkcode servedModelOptions}.
   */
  apiKeyEnv?: string;
  /** `retry`: attempts per request, VLMEvalKit's count. */
  retry: number;
  /** `wait`: seconds between attempts, on average (the backoff's base). */
  waitS: number;
  /** `timeout`, in seconds. */
  timeoutS: number;
  /** `verbose`: one log line per request, reply and retry. */
  verbose: boolean;
  /** Everything that shapes the answers, the class's defaults filled in (`max_tokens`, ...). */
  settings: GenerationSettings;
  /** One sentence per key that has no effect here (`key "stream" has no effect: ...`). */
  notes: string[];
}

/** How a class reads its entry: VLMEvalKit's constructor defaults and environment rules. */
interface ClassRules {
  retry: number;
  waitS: number;
  timeoutS: number;
  maxTokens: number;
  /** `img_detail` sent when the entry sets none. */
  imageDetail?: ImageDetail;
  /** The model id when the entry sets none; undefined: `model` is required. */
  model?: string;
  /** The API base when the entry sets none (from the environment); undefined: none. */
  apiBase(env: Env): { given: string; from: string } | undefined;
  /** Where the key comes from: a variable, or the entry's `key`. */
  key(model: string, written: string | undefined, env: Env): { env: string } | { literal: string };
  /** Keys of the constructor that change nothing here, with why. */
  noEffect: Record<string, string>;
  /** Keys taken as `max_tokens`. */
  maxTokenKeys: string[];
  /** Request fields the class sends for a model unless the entry sets them (`null`: removed). */
  requestDefaults?(model: string): Record<string, unknown>;
}

type Env = Record<string, string | undefined>;

/** VLMEvalKit's `APIBASES`: the one named endpoint, as an API root. */
const OFFICIAL_API_ROOT = "https://api.openai.com/v1";
/** `OpenAIWrapper`'s endpoint for every `ernie` model, whatever `api_base` says. */
const ERNIE_API_ROOT = "https://qianfan.baidubce.com/v2";

/** `OpenAIWrapper`: the variable the key is read from, by the model's name. */
function openAIKeyEnv(model: string): string {
  if (model.includes("step")) return "STEPAI_API_KEY";
  if (model.includes("yi-vision")) return "YI_API_KEY";
  if (model.includes("internvl2-pro")) return "InternVL2_PRO_KEY";
  if (model.includes("abab")) return "MiniMax_API_KEY";
  if (model.includes("moonshot")) return "MOONSHOT_API_KEY";
  if (model.includes("grok")) return "XAI_API_KEY";
  if (model.includes("gemini") && model.includes("preview")) return "GOOGLE_API_KEY";
  if (model.includes("ernie")) return "BAIDU_API_KEY";
  return "OPENAI_API_KEY";
}

const OPENAI_RULES: ClassRules = {
  retry: 5,
  waitS: 1,
  timeoutS: 300,
  maxTokens: 2048,
  imageDetail: "low",
  model: "gpt-3.5-turbo-0613",
  apiBase: (env) =>
    env.OPENAI_API_BASE
      ? { given: env.OPENAI_API_BASE, from: "$OPENAI_API_BASE" }
      : { given: "OFFICIAL", from: "the default" },
  // A key written in the entry wins over the environment.
  key: (model, written) =>
    written !== undefined ? { literal: written } : { env: openAIKeyEnv(model) },
  noEffect: {
    max_file_size: "images are sent in their own format, never re-encoded to fit a file size",
    fail_msg: "a failed answer is always VLMEvalKit's default 'Failed to obtain answer via API.'",
  },
  maxTokenKeys: ["max_tokens"],
  // `generate_inner`: a gemini model is asked without max_tokens, with reasoning_effort high.
  requestDefaults: (model) =>
    model.includes("gemini") ? { max_tokens: null, reasoning_effort: "high" } : {},
};

const LMDEPLOY_RULES: ClassRules = {
  retry: 5,
  waitS: 5,
  timeoutS: 120,
  maxTokens: 16384,
  apiBase: (env) =>
    env.LMDEPLOY_API_BASE
      ? { given: env.LMDEPLOY_API_BASE, from: "$LMDEPLOY_API_BASE" }
      : undefined,
  // `os.environ.get('LMDEPLOY_API_KEY', key)`: the variable wins over the entry.
  key: (_model, written, env) =>
    env.LMDEPLOY_API_KEY !== undefined || written === undefined
      ? { env: "LMDEPLOY_API_KEY" }
      : { literal: written },
  noEffect: {
    custom_prompt: "VLMEvalKit's prompt adapters are not ported",
    model_adapter: "VLMEvalKit's prompt adapters are not ported",
    video_llm: "videos are sent as sampled frames",
    local_media: "images are always sent inline as base64",
    fail_msg: "a failed answer is always VLMEvalKit's default 'Failed to obtain answer via API.'",
  },
  maxTokenKeys: ["max_tokens", "max_new_tokens"],
};

/** VLMEvalKit classes that speak the OpenAI chat-completions protocol, with their rules. */
const CLASS_RULES: Readonly<Record<string, ClassRules>> = {
  OpenAIWrapper: OPENAI_RULES,
  GPT4V: OPENAI_RULES,
  LMDeployAPI: LMDEPLOY_RULES,
  LMDeployWrapper: LMDEPLOY_RULES,
};

/** The classes {@linkcode servedModelFromConfigEntry} reads. */
export const SERVED_CONFIG_CLASSES: readonly string[] = Object.keys(CLASS_RULES);

/**
 * Keys the constructors read themselves; any other key is a request field, as VLMEvalKit's
 * `BaseAPI` sends its unknown keyword arguments in every request.
 */
const CLIENT_KEYS = [
  "class",
  "model",
  "api_base",
  "key",
  "retry",
  "wait",
  "timeout",
  "verbose",
  "stream",
  "use_azure",
  "system_prompt",
  "temperature",
  "top_p",
  "seed",
  "img_size",
  "total_img_size",
  "img_detail",
];

/** Keys of the entries written in the file, held apart from the entries (never printed). */
const WRITTEN_KEYS = new WeakMap<ServedModelEntry, string>();

/**
 * Reads one entry of the `model` section of VLMEvalKit's `--config` JSON for an
 * OpenAI-compatible class (`OpenAIWrapper`, `GPT4V`, `LMDeployAPI`, `LMDeployWrapper`), with
 * the class's defaults (`OpenAIWrapper`: model `gpt-3.5-turbo-0613`, 5 attempts, 1 s wait,
 * 300 s timeout, 2048 tokens, temperature 0, image detail `low`). Keys: `model`, `api_base` (a
 * root or a `.../chat/completions` URL, or `OFFICIAL`; default `$OPENAI_API_BASE`, else
 * `OFFICIAL`; every `ernie` model goes to Baidu's endpoint), `key` (default the variable
 * VLMEvalKit reads for the model's name: `STEPAI_API_KEY`, `YI_API_KEY`, `InternVL2_PRO_KEY`,
 * `MiniMax_API_KEY`, `MOONSHOT_API_KEY`, `XAI_API_KEY`, `GOOGLE_API_KEY` for gemini previews,
 * `BAIDU_API_KEY` for ernie, else `OPENAI_API_KEY`), `retry`, `wait`, `timeout`, `verbose`, and
 * the generation settings `max_tokens` (LMDeploy: or `max_new_tokens`), `temperature`, `top_p`,
 * `seed`, `system_prompt`, `img_detail` (`low`, `high`, `auto`), `img_size` (`-1`: as stored).
 * Any other key is a request field, as VLMEvalKit sends it; a `gemini` model is asked without
 * `max_tokens` and with `reasoning_effort: "high"`, as `OpenAIWrapper` asks it (extra fields
 * `max_tokens: null`, `reasoning_effort: "high"`). Keys with no effect here (`stream`,
 * `max_file_size`, `total_img_size`, `fail_msg`, LMDeploy's `custom_prompt`, ...) get a note;
 * `use_azure: true` is refused.
 *
 * @param env where `$OPENAI_API_BASE`, `$LMDEPLOY_API_BASE` and `$LMDEPLOY_API_KEY` are read
 * (default the process's).
 * @throws {ConfigEntryError} (exit code 2) naming the key at fault: a class that is not an
 * OpenAI-compatible one, a value of the wrong type or out of range, no endpoint.
 *
 * @example
 * ```ts
 * import { servedModelFromConfigEntry } from "./config_entry.ts";
 * const entry = servedModelFromConfigEntry("GPT4o_HIGH", {
 *   class: "GPT4V", model: "gpt-4o-2024-08-06", temperature: 0, img_detail: "high",
 * }, {});
 * entry.settings.imageDetail; // "high"
 * entry.baseUrl; // "https://api.openai.com/v1"
 * ```
 */
export function servedModelFromConfigEntry(
  name: string,
  entry: unknown,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): ServedModelEntry {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new ConfigEntryError(name, undefined, "it must be a JSON object", show(entry));
  }
  const fields = entry as Record<string, unknown>;
  const { read, fail } = readerOf(name, fields);
  const className = fields.class;
  const rules = typeof className === "string" ? CLASS_RULES[className] : undefined;
  if (!rules) {
    return fail(
      "class",
      `it is not one of the OpenAI-compatible classes (${SERVED_CONFIG_CLASSES.join(", ")})`,
      className,
    );
  }
  const model = read("model", isModelId, "must be a model id") ?? rules.model ??
    fail("model", "the class needs the id of the model the server serves", null);
  if (read("use_azure", isBoolean, "must be a boolean")) {
    fail("use_azure", "Azure OpenAI endpoints are not supported (give the URL as api_base)", true);
  }
  const baseUrl = resolveBaseUrl(
    model,
    read("api_base", isString, "must be a URL"),
    rules,
    env,
    fail,
  );
  const key = rules.key(
    model,
    read("key", isString, "must be a string (or left out: read from the environment)"),
    env,
  );
  const notes: string[] = [];
  const served: ServedModelEntry = {
    name,
    className: className as string,
    model,
    baseUrl,
    retry: read("retry", isCount, "must be an integer >= 1 (attempts)") ?? rules.retry,
    waitS: read("wait", isNumberAtLeast(0), "must be seconds >= 0") ?? rules.waitS,
    timeoutS: read("timeout", isPositive, "must be seconds > 0") ?? rules.timeoutS,
    verbose: read("verbose", isBoolean, "must be a boolean") ?? false,
    settings: generationSettings(fields, model, rules, { read, fail, notes }),
    notes,
  };
  if ("env" in key) served.apiKeyEnv = key.env;
  else WRITTEN_KEYS.set(served, key.literal);
  return served;
}

type Read = <T>(key: string, check: (v: unknown) => v is T, rule: string) => T | undefined;
type Fail = (key: string, reason: string, value: unknown) => never;

/** Reads and checks an entry's keys; a null is a key left out (`None`, the default). */
function readerOf(name: string, fields: Record<string, unknown>): { read: Read; fail: Fail } {
  const fail: Fail = (key, reason, value) => {
    throw new ConfigEntryError(name, key, reason, key === "key" ? "(hidden)" : show(value));
  };
  const read: Read = (key, check, rule) => {
    const value = fields[key] ?? undefined;
    if (value === undefined) return undefined;
    return check(value) ? value : fail(key, rule, value);
  };
  return { read, fail };
}

const isString = (v: unknown): v is string => typeof v === "string";
const isModelId = (v: unknown): v is string => isString(v) && v.trim() !== "";
const isBoolean = (v: unknown): v is boolean => typeof v === "boolean";
const numberWhere = (test: (n: number) => boolean) => (v: unknown): v is number =>
  typeof v === "number" && Number.isFinite(v) && test(v);
const isCount = numberWhere((n) => Number.isInteger(n) && n >= 1);
const isNumberAtLeast = (min: number) => numberWhere((n) => n >= min);
const isPositive = numberWhere((n) => n > 0);
const isImageDetail = (v: unknown): v is ImageDetail =>
  (IMAGE_DETAILS as readonly unknown[]).includes(v);

/** The entry's generation settings, the class's defaults filled in; notes for keys with no effect. */
function generationSettings(
  fields: Record<string, unknown>,
  model: string,
  rules: ClassRules,
  { read, fail, notes }: { read: Read; fail: Fail; notes: string[] },
): GenerationSettings {
  // LMDeploy's entries in vlmeval/config.py say max_new_tokens for max_tokens.
  const maxTokens = rules.maxTokenKeys
    .map((k) => read(k, isCount, "must be an integer >= 1"))
    .find((n) => n !== undefined);
  const imgSize = read(
    "img_size",
    numberWhere((n) => n === -1 || (Number.isInteger(n) && n >= 1)),
    "must be -1 (as stored) or an integer >= 1",
  );
  const settings: GenerationSettings = {
    maxTokens: maxTokens ?? rules.maxTokens,
    temperature: read("temperature", isNumberAtLeast(0), "must be a number >= 0") ?? 0,
    topP: read("top_p", numberWhere((n) => n > 0 && n <= 1), "must be a number in (0, 1]"),
    seed: read("seed", numberWhere(Number.isSafeInteger), "must be an integer"),
    systemPrompt: read("system_prompt", isString, "must be a string"),
    imageDetail: read("img_detail", isImageDetail, `must be one of ${IMAGE_DETAILS.join(", ")}`) ??
      rules.imageDetail,
    imageMaxSide: imgSize === undefined || imgSize === -1 ? undefined : imgSize,
  };
  const note = (key: string, why: string) => notes.push(`key "${key}" has no effect: ${why}`);
  if (read("stream", isBoolean, "must be a boolean")) note("stream", "answers are read whole");
  const total = read("total_img_size", numberWhere((n) => n === -1 || n > 0), "must be -1 or > 0");
  if (total !== undefined && total !== -1) {
    note("total_img_size", "each image is shrunk to img_size alone, however many a prompt has");
  }
  const extraBody: Record<string, unknown> = { ...rules.requestDefaults?.(model) };
  for (const [key, value] of Object.entries(fields)) {
    if (key in rules.noEffect) note(key, rules.noEffect[key]);
    else if (!CLIENT_KEYS.includes(key) && !rules.maxTokenKeys.includes(key)) {
      extraBody[key] = value;
    }
  }
  // VLMEvalKit's payload has its own `n`: a second one is a Python TypeError there.
  if ("n" in extraBody) fail("n", "the request's n is vlmeval's own (one answer)", extraBody.n);
  if (Object.keys(extraBody).length > 0) settings.extraBody = extraBody;
  for (const key of Object.keys(settings) as (keyof GenerationSettings)[]) {
    if (settings[key] === undefined) delete settings[key];
  }
  checkGenerationSettings(settings);
  return settings;
}

/** The API root of an entry (`api_base`, else the class's default), as VLMEvalKit resolves it. */
function resolveBaseUrl(
  model: string,
  written: string | undefined,
  rules: ClassRules,
  env: Env,
  fail: Fail,
): string {
  if (rules === OPENAI_RULES && model.includes("ernie")) return ERNIE_API_ROOT;
  const base = written !== undefined ? { given: written, from: "" } : rules.apiBase(env);
  if (base === undefined) {
    return fail("api_base", "the class needs its endpoint (or $LMDEPLOY_API_BASE)", null);
  }
  if (rules === OPENAI_RULES && base.given === "OFFICIAL") return OFFICIAL_API_ROOT;
  const rule = `${base.from ? `its value from ${base.from} ` : ""}must be an http(s) URL${
    rules === OPENAI_RULES ? " or OFFICIAL" : ""
  }`;
  if (!/^https?:\/\//.test(base.given)) fail("api_base", rule, base.given);
  try {
    const api = apiRootOf(base.given);
    return `${api.root}${api.query}`;
  } catch {
    return fail("api_base", rule, base.given);
  }
}

/** A value as JSON, shortened. */
function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

let privateKeyVariables = 0;

/**
 * The settings of the model an entry describes, for `connectOpenAIModel` (which checks the
 * endpoint first) or `createOpenAIModel`. A key written in the entry is handed to the model
 * through a private variable of this process (`VLMEVAL_CONFIG_KEY_<n>`; the model reads keys
 * from the environment and keeps them out of logs and messages), never printed.
 *
 * @param client what the command line adds: `nproc` (`--api-nproc`), `verbose` (`--verbose`).
 * @throws {TypeError} for an entry not made by {@linkcode servedModelFromConfigEntry}.
 */
export function servedModelOptions(
  entry: ServedModelEntry,
  client: { nproc?: number; verbose?: boolean } = {},
): OpenAIModelOptions {
  let apiKeyEnv = entry.apiKeyEnv;
  if (apiKeyEnv === undefined) {
    const written = WRITTEN_KEYS.get(entry);
    if (written === undefined) {
      throw new TypeError(
        `Cannot build config model "${entry.name}" as its entry was not read by ` +
          `servedModelFromConfigEntry (it names no key variable and holds no key)`,
      );
    }
    apiKeyEnv = `VLMEVAL_CONFIG_KEY_${++privateKeyVariables}`;
    Deno.env.set(apiKeyEnv, written);
  }
  return {
    ...entry.settings,
    model: entry.model,
    baseUrl: entry.baseUrl,
    name: entry.name,
    apiKeyEnv,
    nproc: client.nproc,
    retries: entry.retry - 1,
    timeoutMs: Math.ceil(entry.timeoutS * 1000),
    verbose: entry.verbose || client.verbose === true,
    backoff: { baseMs: entry.waitS * 1000 },
  };
}
