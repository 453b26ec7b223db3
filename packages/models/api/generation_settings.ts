import type { ImageDetail } from "./chat_messages.ts";

/** The image detail levels OpenAI's `image_url.detail` takes. */
export const IMAGE_DETAILS: readonly ImageDetail[] = ["low", "high", "auto"];

/** Fields of a request only vlmeval sets: extra fields may not replace them. */
const RESERVED_FIELDS = ["model", "messages", "stream", "n"];

/**
 * What shapes a served model's answers, sent with every request (`--max-tokens`,
 * `--temperature`, `--top-p`, `--seed`, `--system-prompt`, `--img-detail`, `--img-size`,
 * `--extra-body`, or a VLMEvalKit config entry's keys of the same meaning).
 */
export interface GenerationSettings {
  /** `max_tokens` of each request. @default {2048} */
  maxTokens?: number;
  /** `temperature` of each request, unless the call's context sets its own. @default {0} */
  temperature?: number;
  /** `top_p`, in (0, 1]; absent: not sent. */
  topP?: number;
  /** `seed` (an integer); absent: not sent. */
  seed?: number;
  /** A system prompt before the prompt's own system items; absent: none. */
  systemPrompt?: string;
  /** `image_url.detail` of every image; absent: not sent. */
  imageDetail?: ImageDetail;
  /** Longest image side, in pixels, images are shrunk to before sending; absent: as stored. */
  imageMaxSide?: number;
  /**
   * Fields added to every request body as given (vLLM's `chat_template_kwargs`, `top_k`,
   * `repetition_penalty`, ...); they win over the fields above, and `null` removes a field.
   * `model`, `messages`, `stream` and `n` are vlmeval's own.
   */
  extraBody?: Record<string, unknown>;
}

/** Settings with their defaults filled in and checked. */
export type CheckedSettings = GenerationSettings & { maxTokens: number; temperature: number };

/**
 * Fills in the defaults of `settings` and checks every value.
 *
 * @throws {RangeError} for a value out of range; {TypeError} for an extra field vlmeval sets
 * itself, or an image detail that is not low, high or auto.
 */
export function checkGenerationSettings(settings: GenerationSettings): CheckedSettings {
  const checked = { ...settings, maxTokens: settings.maxTokens ?? 2048 };
  const fail = (key: string, rule: string, value: unknown) => {
    throw new RangeError(
      `Cannot use generation setting '${key}' as it must be ${rule}: current value is ${value}`,
    );
  };
  if (!Number.isInteger(checked.maxTokens) || checked.maxTokens < 1) {
    fail("maxTokens", "an integer >= 1", checked.maxTokens);
  }
  const temperature = checked.temperature ?? 0;
  if (!Number.isFinite(temperature) || temperature < 0) {
    fail("temperature", "a number >= 0", temperature);
  }
  const { topP, seed, imageMaxSide, imageDetail, extraBody } = checked;
  if (topP !== undefined && !(topP > 0 && topP <= 1)) fail("topP", "in (0, 1]", topP);
  if (seed !== undefined && !Number.isSafeInteger(seed)) fail("seed", "an integer", seed);
  if (imageMaxSide !== undefined && (!Number.isInteger(imageMaxSide) || imageMaxSide < 1)) {
    fail("imageMaxSide", "an integer >= 1", imageMaxSide);
  }
  if (imageDetail !== undefined && !IMAGE_DETAILS.includes(imageDetail)) {
    throw new TypeError(
      `Cannot use image detail "${imageDetail}" as it is not one of ${IMAGE_DETAILS.join(", ")}`,
    );
  }
  for (const key of Object.keys(extraBody ?? {})) {
    if (RESERVED_FIELDS.includes(key)) {
      throw new TypeError(
        `Cannot send extra request field '${key}' as vlmeval sets it itself (${
          RESERVED_FIELDS.join(", ")
        })`,
      );
    }
  }
  return { ...checked, temperature };
}

/**
 * True for a model id VLMEvalKit treats as an OpenAI reasoning model (`o1`, `o3`, `o4` or
 * `gpt-5` in the id, `OpenAIWrapper.is_max_completion_tokens`): its requests carry
 * `max_completion_tokens` instead of `max_tokens`, and no `temperature`.
 */
export function takesMaxCompletionTokens(model: string): boolean {
  return ["o1", "o3", "o4", "gpt-5"].some((part) => model.includes(part));
}

/**
 * The request fields besides `messages`, in the order sent: `model`, the token limit,
 * `temperature` (`temperature` replaces the settings' own for one call), `top_p`, `seed`, then
 * the extra fields (a `null` one removes the field).
 */
export function requestFields(
  model: string,
  settings: CheckedSettings,
  temperature = settings.temperature,
): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (takesMaxCompletionTokens(model)) {
    fields.max_completion_tokens = settings.maxTokens;
  } else {
    fields.max_tokens = settings.maxTokens;
    fields.temperature = temperature;
  }
  if (settings.topP !== undefined) fields.top_p = settings.topP;
  if (settings.seed !== undefined) fields.seed = settings.seed;
  for (const [key, value] of Object.entries(settings.extraBody ?? {})) {
    if (value === null) delete fields[key];
    else fields[key] = value;
  }
  return fields;
}

/**
 * What is recorded of a served model's settings in a run's metadata (VLMEvalKit's key names):
 * everything that shapes its answers, and nothing that does not (concurrency, retries,
 * timeouts, the endpoint's address). Two runs whose records differ do not give comparable
 * answers.
 */
export function settingsRecord(model: string, settings: GenerationSettings): SettingsRecord {
  const s = checkGenerationSettings(settings);
  const record: SettingsRecord = { model, max_tokens: s.maxTokens, temperature: s.temperature };
  if (s.topP !== undefined) record.top_p = s.topP;
  if (s.seed !== undefined) record.seed = s.seed;
  if (s.systemPrompt) record.system_prompt = s.systemPrompt;
  if (s.imageDetail) record.img_detail = s.imageDetail;
  if (s.imageMaxSide !== undefined) record.img_size = s.imageMaxSide;
  if (s.extraBody && Object.keys(s.extraBody).length > 0) record.extra_body = s.extraBody;
  return record;
}

/** A served model's answer-shaping settings as recorded (see {@linkcode settingsRecord}). */
export interface SettingsRecord {
  /** The model id asked. */
  model: string;
  /** `max_tokens`. */
  max_tokens: number;
  /** `temperature`. */
  temperature: number;
  /** `top_p`, when set. */
  top_p?: number;
  /** `seed`, when set. */
  seed?: number;
  /** The system prompt, when set. */
  system_prompt?: string;
  /** `image_url.detail`, when set. */
  img_detail?: string;
  /** The longest image side, when set. */
  img_size?: number;
  /** Extra request fields, when any. */
  extra_body?: Record<string, unknown>;
}
