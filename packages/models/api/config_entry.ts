import type { ImageDetail } from "./chat_messages.ts";
import { checkGenerationSettings, type GenerationSettings } from "./generation_settings.ts";

/** A served model as a VLMEvalKit `--config` model entry describes it. */
export interface ServedModelEntry {
  /** The entry's key: the name of the output folder and tables (VLMEvalKit's model name). */
  name: string;
  /** The model id asked (`model`; default the key). */
  model: string;
  /** `api_base`, as written (a `.../chat/completions` URL is cut to its root when used). */
  baseUrl?: string;
  /** `retry`: attempts per request, VLMEvalKit's count. */
  retry?: number;
  /** `timeout`, in seconds. */
  timeoutS?: number;
  /** The generation settings the entry sets. */
  settings: GenerationSettings;
  /** One sentence per key that was read differently or not at all. */
  notes: string[];
}

/** VLMEvalKit classes that speak the OpenAI chat-completions protocol. */
const OPENAI_CLASSES = ["GPT4V", "OpenAIWrapper", "LMDeployAPI", "LMDeployWrapper"];

/** Keys of VLMEvalKit's API classes that are not request fields and have no effect here. */
const IGNORED: Record<string, string> = {
  verbose: "use --verbose",
  wait: "retries wait with exponential backoff (--retry)",
  stream: "answers are read whole",
  key: "keys are read from the environment only (--api-key-env), never from a file",
  use_azure: "Azure endpoints are not supported; give the deployment's URL as api_base",
  total_img_size: "not supported; use img_size",
  max_file_size: "not supported; use img_size",
  custom_prompt: "VLMEvalKit's prompt adapters are not ported",
  video_llm: "videos are sent as sampled frames",
  local_media: "images are always sent inline as base64",
};

/**
 * Reads one entry of the `model` section of VLMEvalKit's `--config` JSON (`run.py`
 * `build_model_from_config`) for an OpenAI-compatible class (`GPT4V`, `OpenAIWrapper`,
 * `LMDeployAPI`): `model`, `api_base`, `retry`, `timeout`, and the generation settings
 * `max_tokens` (or LMDeploy's `max_new_tokens`), `temperature`, `top_p`, `seed`,
 * `system_prompt`, `img_detail`, `img_size` (`-1`: as stored). Any other key is a request field,
 * as VLMEvalKit's `BaseAPI` sends its unknown keyword arguments (`chat_template_kwargs`,
 * `top_k`, `repetition_penalty`, ...); keys that configure VLMEvalKit's client rather than the
 * request (`key`, `verbose`, `stream`, ...) are left out, each with a note.
 *
 * @throws {TypeError} when the entry is not an object, a value has the wrong type, or its class
 * is not an OpenAI-compatible one; {RangeError} for a value out of range.
 *
 * @example
 * ```ts
 * import { servedModelFromConfigEntry } from "./config_entry.ts";
 * const entry = servedModelFromConfigEntry("GPT4o_HIGH", {
 *   class: "GPT4V", model: "gpt-4o-2024-08-06", temperature: 0, img_detail: "high",
 * });
 * entry.settings.imageDetail; // "high"
 * ```
 */
export function servedModelFromConfigEntry(name: string, entry: unknown): ServedModelEntry {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    throw new TypeError(`Cannot read config model entry "${name}" as it is not a JSON object`);
  }
  const fields = { ...(entry as Record<string, unknown>) };
  const take = <T>(key: string, type: "string" | "number"): T | undefined => {
    const value = fields[key];
    delete fields[key];
    if (value === undefined || value === null) return undefined;
    if (
      (type === "string" && typeof value !== "string") ||
      (type === "number" && typeof value !== "number")
    ) {
      throw new TypeError(
        `Cannot read config model entry "${name}" as '${key}' must be a ${type}: current value ` +
          `is ${JSON.stringify(value)}`,
      );
    }
    return value as T;
  };
  const className = take<string>("class", "string");
  if (className !== undefined && !OPENAI_CLASSES.includes(className)) {
    throw new TypeError(
      `Cannot read config model entry "${name}" as class ${className} is not one of the ` +
        `OpenAI-compatible classes (${OPENAI_CLASSES.join(", ")})`,
    );
  }
  const notes: string[] = [];
  for (const [key, why] of Object.entries(IGNORED)) {
    if (key in fields) notes.push(`config model entry "${name}": '${key}' is not used: ${why}`);
    delete fields[key];
  }
  const maxTokens = take<number>("max_tokens", "number");
  const maxNewTokens = take<number>("max_new_tokens", "number");
  const imgSize = take<number>("img_size", "number");
  const settings: GenerationSettings = {
    maxTokens: maxTokens ?? maxNewTokens,
    temperature: take<number>("temperature", "number"),
    topP: take<number>("top_p", "number"),
    seed: take<number>("seed", "number"),
    systemPrompt: take<string>("system_prompt", "string"),
    imageDetail: take<string>("img_detail", "string") as ImageDetail | undefined,
    imageMaxSide: imgSize === undefined || imgSize === -1 ? undefined : imgSize,
  };
  const model = take<string>("model", "string") ?? name;
  const baseUrl = take<string>("api_base", "string");
  const retry = take<number>("retry", "number");
  const timeoutS = take<number>("timeout", "number");
  if (Object.keys(fields).length > 0) settings.extraBody = fields;
  for (const key of Object.keys(settings) as (keyof GenerationSettings)[]) {
    if (settings[key] === undefined) delete settings[key];
  }
  checkGenerationSettings(settings);
  return { name, model, baseUrl, retry, timeoutS, settings, notes };
}
