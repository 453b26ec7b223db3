/** One item of a prompt, as in VLMEvalKit's message lists. */
export interface MessageItem {
  /** What `value` holds. */
  type: "text" | "image" | "video";
  /** The text itself, or an absolute path to an image or video file on disk. */
  value: string;
  /** Speaker; absent means the user. Video prompts use `system` and an `assistant` prefill. */
  role?: "system" | "user" | "assistant";
}

/** A prompt: images (or frames) and text items in order. */
export type Message = MessageItem[];

/** A dataset row: column name to cell text. A missing or empty cell is `""`. */
export type Row = Record<string, string>;

/** What a model is told about the sample it answers. */
export interface GenerateContext {
  /** Dataset name as the user gave it (e.g. `Shapes_MCQ`). */
  dataset: string;
  /** The row's `index` (or a video name in pack mode). */
  index: string;
  /** Aborted when the run is cancelled or the per-sample time limit is reached. */
  signal?: AbortSignal;
  /**
   * Sampling temperature for this call only: a per-call override honoured by API models (the
   * judge raises it on each retry, as VLMEvalKit's `YOrN_auxeval` does); local models ignore it.
   * Absent: the model's own setting.
   */
  temperature?: number;
  /**
   * The most tokens the answer may take, for this call only: a per-call override honoured by API
   * models (VLMEvalKit's judges ask with their own, `build_judge(max_tokens=...)`: MathVista 128,
   * MMVet 2048); local models ignore it. Absent: the model's own setting.
   */
  maxTokens?: number;
  /**
   * Hears what the call cost: served models call it once per `generate`, just before they
   * return (answer or recorded failure); local models do not call it.
   */
  onUsage?: (usage: CallUsage) => void;
}

/** What one `generate` call of a served model cost (see `GenerateContext.onUsage`). */
export interface CallUsage {
  /** Prompt tokens of the answer, as the server counted them (`usage.prompt_tokens`). */
  promptTokens?: number;
  /** Completion tokens of the answer (`usage.completion_tokens`). */
  completionTokens?: number;
  /** HTTP requests sent for the call, retries included. */
  requests: number;
  /** Requests after the first one. */
  retries: number;
  /** Milliseconds from the first request to the end of the last one, waits included. */
  latencyMs: number;
  /**
   * How many requests the model let be in flight at once when the call ended (it shrinks on
   * 429 and 5xx replies and grows back when the server keeps up).
   */
  concurrency?: number;
}

/**
 * A vision-language model: it reads a prompt and returns text. Throwing marks the sample as
 * failed (see the guard in `@vlmeval/pipeline`).
 */
export interface VisionLanguageModel {
  /** Name used in file names: `<work-dir>/<name>/<name>_<dataset>.xlsx`. */
  readonly name: string;
  /** True when the model can answer a packed video prompt (several questions, JSON answer). */
  readonly supportsPack?: boolean;
  /** Answers one prompt. */
  generate(message: Message, ctx: GenerateContext): Promise<string>;
  /** Releases framework-side caches (pooled tensors, buffers). Called after a failed sample. */
  releaseCaches?(): void | Promise<void>;
  /** Frees everything the model holds. */
  dispose?(): void | Promise<void>;
}
