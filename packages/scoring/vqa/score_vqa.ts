import { isFailure, type Row } from "@vlmeval/schema";
import { looksLikeList, parsePythonStringList } from "@vlmeval/internal";
import { pyStrip } from "@vlmeval/internal";
import { requireField, rowGroups } from "../_row_fields.ts";
import { reportAcc, type ScoreTable } from "../score_table.ts";
import { normalizeVqaAnswer } from "./vqa_normalize.ts";

/** One row's VQA score. */
export interface VqaRowScore {
  /** The row's `index`; empty when the row has none. */
  index: string;
  /** The `prediction` cell as scored. */
  prediction: string;
  /** The accepted answers: the `answer` cell, or the elements of a list literal in it. */
  answers: string[];
  /** 1 when the stripped, lowercased prediction equals a stripped, lowercased answer. */
  exact: 0 | 1;
  /** 1 when the VQA-normalised prediction equals a VQA-normalised answer. */
  normalized: 0 | 1;
  /** The prediction records a failure; it scores 0 on both metrics. */
  failed: boolean;
}

/** Result of {@linkcode scoreVqa}. */
export interface VqaScore {
  /** One score per input row, in input order. */
  perRow: VqaRowScore[];
  /** `report_acc` layout in percent, one table per metric. */
  report: { exact: ScoreTable; normalized: ScoreTable };
  /** Rows scored, hits under each metric, and recorded failures. */
  counts: { total: number; exactHits: number; normalizedHits: number; failed: number };
}

/**
 * The answers a VQA row accepts: the elements of a Python list literal (`['2', 'two']`), or the
 * cell itself when it is not a well-formed list.
 */
export function vqaAnswers(answer: string): string[] {
  if (looksLikeList(answer)) {
    try {
      return parsePythonStringList(answer);
    } catch {
      return [answer];
    }
  }
  return [answer];
}

/**
 * Scores free-form answers two ways: `exact` as VLMEvalKit's exact accuracy (strip + lowercase
 * equality, used for OCRVQA and GQA) and `normalized` with the VQA answer normalisation
 * (punctuation, number words, articles, contractions). A row hits when any accepted answer
 * matches; a recorded failure never does. Rows need `index`, `prediction` and `answer`.
 *
 * @throws {TypeError} when a row lacks `prediction` or `answer`.
 */
export function scoreVqa(rows: readonly Row[]): VqaScore {
  const perRow: VqaRowScore[] = rows.map((row, position) => {
    const prediction = requireField(row, "prediction", position);
    const answers = vqaAnswers(requireField(row, "answer", position));
    const failed = isFailure(prediction);
    const plain = pyStrip(prediction).toLowerCase();
    const normal = normalizeVqaAnswer(prediction);
    const exact = !failed && answers.some((answer) => pyStrip(answer).toLowerCase() === plain);
    const normalized = !failed && answers.some((answer) => normalizeVqaAnswer(answer) === normal);
    return {
      index: row.index ?? "",
      prediction,
      answers,
      exact: exact ? 1 : 0,
      normalized: normalized ? 1 : 0,
      failed,
    };
  });
  const table = (metric: "exact" | "normalized") =>
    reportAcc(perRow.map((score, k) => rowGroups(rows[k], score[metric])), { scale: 100 });
  return {
    perRow,
    report: { exact: table("exact"), normalized: table("normalized") },
    counts: {
      total: perRow.length,
      exactHits: perRow.reduce((sum, score) => sum + score.exact, 0),
      normalizedHits: perRow.reduce((sum, score) => sum + score.normalized, 0),
      failed: perRow.filter((score) => score.failed).length,
    },
  };
}
