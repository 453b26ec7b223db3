import { isFailure, type Row } from "@vlmeval/schema";
import { pyStrip } from "@vlmeval/internal";
import { requireField } from "../_row_fields.ts";
import type { ScoreFileSpec } from "../score_files.ts";
import type { ScoreTable } from "../score_table.ts";
import { vqaAnswerList } from "./vqa_match.ts";

/** OCRBench's ten categories, in the order VLMEvalKit counts them. */
export const OCRBENCH_CATEGORIES: readonly string[] = [
  "Regular Text Recognition",
  "Irregular Text Recognition",
  "Artistic Text Recognition",
  "Handwriting Recognition",
  "Digit String Recognition",
  "Non-Semantic Text Recognition",
  "Scene Text-centric VQA",
  "Doc-oriented VQA",
  "Key Information Extraction",
  "Handwritten Mathematical Expression Recognition",
];

const HME = "Handwritten Mathematical Expression Recognition";
const TEXT_RECOGNITION = OCRBENCH_CATEGORIES.slice(0, 6);

/**
 * Whether one OCRBench prediction is right, as VLMEvalKit's `OCRBench.evaluate`
 * (image_vqa.py:509): for handwritten mathematical expressions, an answer with newlines and
 * spaces removed (case kept) must be a substring of the prediction treated alike; for every
 * other category, an answer lowercased and stripped (newlines then spaces) must be a substring of
 * the prediction treated alike. Kept quirk: an empty answer is in every prediction.
 *
 * @example
 * ```ts
 * import { ocrbenchHit } from "@vlmeval/scoring";
 * ocrbenchHit(["STOP"], "The sign says stop.", "Regular Text Recognition"); // true
 * ```
 */
export function ocrbenchHit(
  answers: readonly string[],
  prediction: string,
  category: string,
): boolean {
  const squeeze = (text: string) => pyStrip(text).replaceAll("\n", " ").replaceAll(" ", "");
  const fold = (text: string) => pyStrip(text.toLowerCase()).replaceAll("\n", " ");
  const clean = category === HME ? squeeze : fold;
  const predicted = clean(prediction);
  return answers.some((answer) => predicted.includes(clean(answer)));
}

/** Result of {@linkcode scoreOcrbench}. */
export interface OcrbenchScore {
  /** One verdict per input row: `hit` (0/1) and whether the prediction records a failure. */
  perRow: { index: string; category: string; hit: 0 | 1; failed: boolean }[];
  /**
   * VLMEvalKit's final score dictionary, keys in its order: `Text Recognition` (the six
   * recognition categories), `Scene Text-centric VQA`, `Doc-oriented VQA`,
   * `Key Information Extraction`, `Handwritten Mathematical Expression Recognition` (counts of
   * right answers), `Final Score` (their sum) and `Final Score Norm` (the sum / 10).
   */
  score: Record<string, number>;
  /** `score` as a one-row table, for reports. */
  table: ScoreTable;
  /** Rows scored and recorded failures among them. */
  counts: { total: number; failed: number };
  /** `<stem>_score.json`, holding `score`. */
  files: ScoreFileSpec[];
}

/**
 * Scores OCRBench as VLMEvalKit's `OCRBench.evaluate` (image_vqa.py:509): each row by
 * {@linkcode ocrbenchHit} on the answers of its `answer` cell (a Python list literal), counted
 * per category and summed into the final score (out of 1000 for the real benchmark; `Final
 * Score Norm` is the sum / 10, whatever the number of rows). Differences: a recorded failure
 * scores 0, and an `answer` cell that is not a list literal is one answer (VLMEvalKit's `eval`
 * fails on it).
 *
 * @throws {TypeError} naming the row when it lacks `prediction`, `answer` or `category`, or its
 * category is not one of {@linkcode OCRBENCH_CATEGORIES}.
 */
export function scoreOcrbench(rows: readonly Row[]): OcrbenchScore {
  const counts = new Map(OCRBENCH_CATEGORIES.map((c) => [c, 0]));
  const perRow = rows.map((row, position) => {
    const prediction = requireField(row, "prediction", position);
    const answers = vqaAnswerList(requireField(row, "answer", position));
    const category = requireField(row, "category", position);
    if (!counts.has(category)) {
      throw new TypeError(
        `Cannot score row ${position} (index "${row.index ?? "?"}") of OCRBench as its ` +
          `category is not an OCRBench category: current value is ${JSON.stringify(category)}`,
      );
    }
    const failed = isFailure(prediction);
    const hit = !failed && ocrbenchHit(answers, prediction, category) ? 1 : 0;
    counts.set(category, counts.get(category)! + hit);
    return { index: row.index ?? "", category, hit: hit as 0 | 1, failed };
  });
  const score: Record<string, number> = {
    "Text Recognition": TEXT_RECOGNITION.reduce((sum, c) => sum + counts.get(c)!, 0),
  };
  for (const category of OCRBENCH_CATEGORIES.slice(6)) score[category] = counts.get(category)!;
  const final = Object.values(score).reduce((sum, n) => sum + n, 0);
  score["Final Score"] = final;
  score["Final Score Norm"] = final / 10;
  return {
    perRow,
    score,
    table: { columns: Object.keys(score), rows: [Object.values(score)] },
    counts: { total: perRow.length, failed: perRow.filter((r) => r.failed).length },
    files: [{ suffix: "_score", format: "json", content: { kind: "json", value: score } }],
  };
}
