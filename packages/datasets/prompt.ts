import type { Message, Row } from "@vlmeval/schema";

/**
 * How a benchmark is prompted and scored: multiple choice (`mcq`), yes/no (`yorn`) or free-form
 * VQA (`vqa`).
 */
export type DatasetKind = "mcq" | "yorn" | "vqa";

/** Every kind, for validating user input. */
export const DATASET_KINDS: readonly DatasetKind[] = ["mcq", "yorn", "vqa"];

/** Option columns in the order VLMEvalKit lists them. */
export const OPTION_LETTERS: readonly string[] = Array.from(
  { length: 26 },
  (_, k) => String.fromCharCode(65 + k),
);

/** The suffix VLMEvalKit's `ImageVQADataset` appends to the question. */
export const VQA_PROMPT_SUFFIX = "\nAnswer the question using a single word or phrase.";

/** `[letter, text]` for every option column A..Z that exists in the row and is not empty. */
export function rowOptions(row: Row): [string, string][] {
  const options: [string, string][] = [];
  for (const letter of OPTION_LETTERS) {
    const text = row[letter];
    if (text !== undefined && text !== "") options.push([letter, text]);
  }
  return options;
}

/**
 * The text item of VLMEvalKit's multiple-choice prompt, byte for byte: `Hint: ...\n` (only when
 * the hint is not empty), `Question: ...\n`, then if there are options `Options:\n`, one
 * `<L>. <text>\n` line each, and `Please select the correct answer from the options above. \n`.
 */
export function mcqPromptText(row: Row): string {
  const hint = row.hint ?? "";
  let text = hint !== "" ? `Hint: ${hint}\n` : "";
  text += `Question: ${row.question ?? ""}\n`;
  const options = rowOptions(row);
  if (options.length > 0) {
    text += "Options:\n";
    for (const [letter, option] of options) text += `${letter}. ${option}\n`;
    text += "Please select the correct answer from the options above. \n";
  }
  return text;
}

/** The text item for a dataset kind: MCQ as above, yes/no the bare question, VQA with suffix. */
export function promptText(kind: DatasetKind, row: Row): string {
  if (kind === "mcq") return mcqPromptText(row);
  if (kind === "vqa") return (row.question ?? "") + VQA_PROMPT_SUFFIX;
  return row.question ?? "";
}

/**
 * A prompt as VLMEvalKit builds it: one image item per path (in order), then one text item.
 *
 * @example An MCQ prompt
 * ```ts
 * import { assemblePrompt } from "@vlmeval/datasets";
 * const message = assemblePrompt("mcq", { question: "Color?", A: "red", B: "blue" }, ["/i/0.png"]);
 * message[1].value; // "Question: Color?\nOptions:\nA. red\nB. blue\nPlease select ... above. \n"
 * ```
 */
export function assemblePrompt(
  kind: DatasetKind,
  row: Row,
  imagePaths: readonly string[],
): Message {
  return [
    ...imagePaths.map((value) => ({ type: "image" as const, value })),
    { type: "text", value: promptText(kind, row) },
  ];
}
