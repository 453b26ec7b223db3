import type { GenerateContext, Message, VisionLanguageModel } from "@vlmeval/schema";

/**
 * A model that answers at once with a fixed letter, reading nothing: it measures the harness's
 * own cost per sample.
 */
export class ConstantAnswerModel implements VisionLanguageModel {
  readonly name = "ConstantAnswer";
  readonly supportsPack = false;
  #answer: string;
  /** `answer` is returned for every sample. */
  constructor(answer = "A") {
    this.#answer = answer;
  }
  generate(_message: Message, ctx: GenerateContext): Promise<string> {
    if (ctx.signal?.aborted) return Promise.reject(ctx.signal.reason);
    return Promise.resolve(this.#answer);
  }
}

/**
 * A CPU-bound model: spends about `workMs` of arithmetic per sample, then answers a letter that
 * depends only on the prompt, so runs over any number of ranks give identical predictions.
 */
export class BusyLoopModel implements VisionLanguageModel {
  readonly name = "BusyLoop";
  readonly supportsPack = false;
  #iterations: number;
  /** `iterations`: rounds of the hash loop per sample, which set how long a sample takes. */
  constructor(iterations = 3_000_000) {
    this.#iterations = iterations;
  }
  generate(message: Message, ctx: GenerateContext): Promise<string> {
    if (ctx.signal?.aborted) return Promise.reject(ctx.signal.reason);
    let h = 2166136261;
    // Text and image file names only: the answer must not depend on where the work dir is.
    const text = ctx.index +
      message.map((m) => m.type === "text" ? m.value : m.value.split("/").pop()).join("\n");
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
    for (let i = 0; i < this.#iterations; i++) h = Math.imul(h ^ i, 16777619) >>> 0;
    return Promise.resolve("ABCD"[h % 4]);
  }
}
