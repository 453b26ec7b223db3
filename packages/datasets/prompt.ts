import type { Message, Row } from "@vlmeval/schema";
import { type CellReading, isMissingCell } from "./cell_reading.ts";

/**
 * How a benchmark is prompted and scored: multiple choice (`mcq`), yes/no (`yorn`) or free-form
 * VQA (`vqa`).
 */
export type DatasetKind = "mcq" | "yorn" | "vqa";

/** Every kind, for validating user input. */
export const DATASET_KINDS: readonly DatasetKind[] = ["mcq", "yorn", "vqa"];

/**
 * How a benchmark's prompt is built, as VLMEvalKit's dataset class builds it: `kind` (the class
 * of the dataset's kind: multiple choice, yes/no, or free-form with the VQA suffix), `question`
 * (`ImageBaseDataset.build_prompt`: the images, then the bare question; OCRBench, MathVista,
 * MMVet) or `mmmu` (`MMMUDataset`: multiple choice with the images interleaved at `<image N>`).
 */
export type PromptStyle = "kind" | "question" | "mmmu";

/** Every prompt style, for validating user input. */
export const PROMPT_STYLES: readonly PromptStyle[] = ["kind", "question", "mmmu"];

/** Option columns in the order VLMEvalKit lists them. */
export const OPTION_LETTERS: readonly string[] = Array.from(
  { length: 26 },
  (_, k) => String.fromCharCode(65 + k),
);

/** The suffix VLMEvalKit's `ImageVQADataset` appends to the question. */
export const VQA_PROMPT_SUFFIX = "\nAnswer the question using a single word or phrase.";

/**
 * `[letter, text]` for every option column A..Z that exists in the row and is not missing
 * (`""` for rows read literally; `nan` for rows read as pandas does, where VLMEvalKit's
 * `pd.isna` drops the option).
 */
export function rowOptions(row: Row, reading: CellReading = "literal"): [string, string][] {
  const options: [string, string][] = [];
  for (const letter of OPTION_LETTERS) {
    const text = row[letter];
    if (text !== undefined && !isMissingCell(text, reading)) options.push([letter, text]);
  }
  return options;
}

/**
 * The text item of VLMEvalKit's multiple-choice prompt, byte for byte: `Hint: ...\n` (only when
 * the hint is not missing), `Question: ...\n`, then if there are options `Options:\n`, one
 * `<L>. <text>\n` line each, and `Please select the correct answer from the options above. \n`.
 * `reading` says how the row was read (see {@linkcode rowOptions}).
 */
export function mcqPromptText(row: Row, reading: CellReading = "literal"): string {
  const hint = row.hint;
  let text = hint !== undefined && !isMissingCell(hint, reading) ? `Hint: ${hint}\n` : "";
  text += `Question: ${row.question ?? ""}\n`;
  const options = rowOptions(row, reading);
  if (options.length > 0) {
    text += "Options:\n";
    for (const [letter, option] of options) text += `${letter}. ${option}\n`;
    text += "Please select the correct answer from the options above. \n";
  }
  return text;
}

/**
 * The text item for a dataset kind: MCQ as above, yes/no the bare question, VQA with suffix.
 * A question read as a number or as missing is its Python `str()` (`12.0`, `nan`), where
 * VLMEvalKit's VQA prompt fails with a TypeError instead.
 */
export function promptText(kind: DatasetKind, row: Row, reading: CellReading = "literal"): string {
  if (kind === "mcq") return mcqPromptText(row, reading);
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
  reading: CellReading = "literal",
): Message {
  return [
    ...imagePaths.map((value) => ({ type: "image" as const, value })),
    { type: "text", value: promptText(kind, row, reading) },
  ];
}
