import { isFailure, type Row } from "@vlmeval/schema";
import { pySplit } from "./_python_text.ts";
import { requireField, rowGroups } from "./_row_fields.ts";
import { defaultRating, type ScoreTable } from "./score_table.ts";
import { processPunctuation } from "./vqa_normalize.ts";

/** What a yes/no prediction says. */
export type YesNo = "Yes" | "No" | "Unknown";

/**
 * VLMEvalKit's `YOrN_Extraction`: lowercase, {@linkcode processPunctuation}, split into words;
 * `yes` without `no` is Yes, `no` without `yes` is No, anything else Unknown.
 *
 * @example
 * ```ts
 * import { extractYesNo } from "@vlmeval/scoring";
 * extractYesNo("Yes, it is."); // "Yes"
 * ```
 */
export function extractYesNo(prediction: string): YesNo {
  const words = pySplit(processPunctuation(prediction.toLowerCase()));
  const yes = words.includes("yes");
  const no = words.includes("no");
  if (yes && !no) return "Yes";
  if (no && !yes) return "No";
  return "Unknown";
}

/** One row's yes/no score. */
export interface YesNoRowScore {
  /** The row's `index`; empty when the row has none. */
  index: string;
  /** The `prediction` cell as scored. */
  prediction: string;
  /** The `answer` cell, compared case-sensitively with `extracted`. */
  answer: string;
  /** What the prediction says. */
  extracted: YesNo;
  /** The prediction records a failure: extracted as Unknown whatever its words. */
  failed: boolean;
  /** 1 when `extracted` equals `answer`. */
  score: 0 | 1;
}

/** Result of {@linkcode scoreYesNo}. */
export interface YesNoScore {
  /** One score per input row, in input order. */
  perRow: YesNoRowScore[];
  /** `default_rating` layout: one row, `Overall` then categories then l2-categories, percent. */
  report: ScoreTable;
  /** Rows scored, right, recorded as failures, and extracted as `Unknown` (failures included). */
  counts: { total: number; hits: number; failed: number; unknown: number };
}

/**
 * Scores yes/no predictions as VLMEvalKit does without a judge: score = (answer == extracted),
 * case-sensitive, so Unknown is always wrong. Rows need `index`, `prediction` and `answer`.
 *
 * @throws {TypeError} when a row lacks `prediction` or `answer`.
 */
export function scoreYesNo(rows: readonly Row[]): YesNoScore {
  const perRow: YesNoRowScore[] = rows.map((row, position) => {
    const prediction = requireField(row, "prediction", position);
    const answer = requireField(row, "answer", position);
    const failed = isFailure(prediction);
    const extracted = failed ? "Unknown" : extractYesNo(prediction);
    return {
      index: row.index ?? "",
      prediction,
      answer,
      extracted,
      failed,
      score: extracted === answer ? 1 : 0,
    };
  });
  return {
    perRow,
    report: defaultRating(perRow.map((score, k) => rowGroups(rows[k], score.score))),
    counts: {
      total: perRow.length,
      hits: perRow.reduce((sum, score) => sum + score.score, 0),
      failed: perRow.filter((score) => score.failed).length,
      unknown: perRow.filter((score) => score.extracted === "Unknown").length,
    },
  };
}
