// The part of @huggingface/transformers 4.3.2 this adapter uses. Its own declarations are not
// read: loading them makes `deno check` lose the `node:` built-in modules' types.

/** A tensor of transformers.js. */
export class Tensor {
  constructor(type: string, data: unknown, dims: number[]);
  readonly type: string;
  readonly data: ArrayLike<number | bigint>;
  readonly dims: number[];
  dispose(): void;
}

/** Base of custom stopping criteria. */
export class StoppingCriteria {
  _call(inputIds: number[][], scores: unknown): boolean[];
}

/** Global settings. */
export const env: {
  allowRemoteModels: boolean;
  allowLocalModels: boolean;
  localModelPath: string;
  useFSCache: boolean;
  useBrowserCache: boolean;
  /** 10 debug ... 30 warning, 40 error, 50 none. */
  logLevel: number;
  backends: { onnx: Record<string, unknown> };
};

/** A tokenizer. */
export interface PreTrainedTokenizer {
  (text: string | string[], options?: Record<string, unknown>): {
    input_ids: Tensor;
    attention_mask: Tensor;
  };
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
  pad_token_id?: number;
  /** `"left"` for batched generation. */
  padding_side: "left" | "right";
}

/** A model that generates. */
export interface PreTrainedModel {
  generate(inputs: Record<string, unknown>): Promise<Tensor | { sequences: Tensor }>;
  dispose(): Promise<unknown>;
  sessions: Record<string, unknown>;
  /** After each step: the next step's inputs. */
  _update_model_kwargs_for_generation(args: unknown): Record<string, unknown>;
}

/** `AutoTokenizer.from_pretrained`. */
export const AutoTokenizer: {
  from_pretrained(path: string, options?: Record<string, unknown>): Promise<PreTrainedTokenizer>;
};

/** `AutoModelForImageTextToText.from_pretrained`. */
export const AutoModelForImageTextToText: {
  from_pretrained(path: string, options?: Record<string, unknown>): Promise<PreTrainedModel>;
};
