import { pyStrip } from "@vlmeval/internal";

/** A prediction split into the answer and the model's reasoning (`SPLIT_THINK`). */
export interface SplitThinking {
  /** The text after the last `</think>`, stripped; the whole text when there is none. */
  prediction: string;
  /** The reasoning: the text between `<think>` and `</think>`, stripped; empty when none. */
  thinking: string;
  /**
   * False when the tags are not one `<think>...</think>` pair (several `</think>`, or no
   * `<think>` before it): the thinking is then everything up to the last `</think>`, tag
   * included, as VLMEvalKit keeps it.
   */
  wellFormed: boolean;
}

const CLOSE = "</think>";
const OPEN = "<think>";

/**
 * Splits a model answer at its last `</think>` as VLMEvalKit's `split_thinking` does under
 * `SPLIT_THINK`. Text without `</think>` is all prediction.
 *
 * @example
 * ```ts
 * import { splitThinking } from "@vlmeval/scoring";
 * splitThinking("<think>red, so A</think>\nA");
 * // { prediction: "A", thinking: "red, so A", wellFormed: true }
 * ```
 */
export function splitThinking(text: string): SplitThinking {
  const last = text.lastIndexOf(CLOSE);
  if (last < 0) return { prediction: text, thinking: "", wellFormed: true };
  const before = text.slice(0, last);
  const prediction = pyStrip(text.slice(last + CLOSE.length));
  const open = before.indexOf(OPEN);
  if (!before.includes(CLOSE) && open >= 0) {
    const inner = before.slice(open + OPEN.length).split(OPEN)[0];
    return { prediction, thinking: pyStrip(inner), wellFormed: true };
  }
  return { prediction, thinking: before + CLOSE, wellFormed: false };
}
