import { isFailure, type Row } from "@vlmeval/schema";
import { pySplit } from "@vlmeval/internal";
import { requireField } from "../_row_fields.ts";
import type { ScoreTable } from "../score_table.ts";
import { rateYesNo, yesNoRatingFor, type YesNoRatingName } from "./yes_no_ratings.ts";
import { processPunctuation } from "../vqa/vqa_normalize.ts";

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

/**
 * How a yes/no row was read: `exact` (`YOrN_Extraction` found Yes or No), `failed` (the
 * prediction records a failure; Unknown, never judged), `unresolved` (Unknown and no judge was
 * asked), `judge` (the LLM judge's answer read as Yes or No, see `judgeYesNo`) or
 * `judge-failed` (no try of the judge gave Yes or No; Unknown).
 */
export type YesNoMethod = "exact" | "failed" | "unresolved" | "judge" | "judge-failed";

/** Zero rows for every {@linkcode YesNoMethod}. */
export function emptyYesNoMethodCounts(): Record<YesNoMethod, number> {
  return { exact: 0, failed: 0, unresolved: 0, judge: 0, "judge-failed": 0 };
}

/** One row's yes/no score. */
export interface YesNoRowScore {
  /** The row's `index`; empty when the row has none. */
  index: string;
  /** The `prediction` cell as scored. */
  prediction: string;
  /** The `answer` cell, compared with `extracted` (case-sensitively, but for AMBER). */
  answer: string;
  /** What the prediction says. */
  extracted: YesNo;
  /** How `extracted` was found. */
  method: YesNoMethod;
  /** The prediction records a failure: extracted as Unknown whatever its words. */
  failed: boolean;
  /** 1 when `extracted` equals `answer`. */
  score: 0 | 1;
  /** The judge's answer(s), for rows the judge decided or failed on; else absent. */
  log?: string;
}

/** Row counts of a yes/no scoring run. */
export interface YesNoCounts {
  /** Rows scored. */
  total: number;
  /** Rows answered right. */
  hits: number;
  /** Predictions that record a failure. */
  failed: number;
  /** Rows extracted as `Unknown` (failures and judge failures included). */
  unknown: number;
  /** Rows left `Unknown` by the heuristics that no judge was asked about. */
  unresolved: number;
  /** Rows per method. */
  byMethod: Record<YesNoMethod, number>;
}

/** Result of {@linkcode scoreYesNo}. */
export interface YesNoScore {
  /** One score per input row, in input order. */
  perRow: YesNoRowScore[];
  /** The rating chosen for the dataset's name ({@linkcode yesNoRatingFor}). */
  rating: YesNoRatingName;
  /** The rating's table (percent), as written to `<stem>_score.csv`. */
  report: ScoreTable;
  /** VLMEvalKit's primary metric of the rating (`Overall F1` for POPE, ...), and its name. */
  primary: { name: string; value: number };
  /** Totals over the rows. */
  counts: YesNoCounts;
}

/** Options of {@linkcode scoreYesNo}. */
export interface ScoreYesNoOptions {
  /**
   * The dataset's name: it picks the rating ({@linkcode yesNoRatingFor}: MME, Hallusion, POPE,
   * AMBER or default) and, for AMBER, a case-insensitive comparison of answer and extraction.
   * @default {"" (default_rating)}
   */
  dataset?: string;
}

/** VLMEvalKit's score: `answer == extracted`, lowercased both sides for AMBER. */
export function yesNoHit(answer: string, extracted: YesNo, rating: YesNoRatingName): 0 | 1 {
  if (rating === "AMBER") return answer.toLowerCase() === extracted.toLowerCase() ? 1 : 0;
  return answer === extracted ? 1 : 0;
}

/**
 * Scores yes/no predictions as VLMEvalKit does without a judge: score = (answer == extracted),
 * case-sensitive (AMBER: lowercased), so Unknown is always wrong; the table is the rating the
 * dataset's name picks. Rows need `index`, `prediction` and `answer`; the ratings read
 * `category`, `l2-category` and `image_path` (see each rating).
 *
 * @throws {TypeError} when a row lacks `prediction` or `answer`, or what its rating needs.
 *
 * @example
 * ```ts
 * import { scoreYesNo } from "@vlmeval/scoring";
 * const { report } = scoreYesNo([{ index: "1", answer: "Yes", prediction: "Yes." }]);
 * report; // { columns: ["Overall"], rows: [[100]] }
 * ```
 */
export function scoreYesNo(rows: readonly Row[], opts: ScoreYesNoOptions = {}): YesNoScore {
  const rating = yesNoRatingFor(opts.dataset ?? "");
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
      method: failed ? "failed" : extracted === "Unknown" ? "unresolved" : "exact",
      failed,
      score: yesNoHit(answer, extracted, rating),
    };
  });
  return summarizeYesNo(rows, perRow, rating);
}

/** The rating and counts of scored rows (also after the judge phase). */
export function summarizeYesNo(
  rows: readonly Row[],
  perRow: readonly YesNoRowScore[],
  rating: YesNoRatingName,
): YesNoScore {
  const rated = rateYesNo(
    rating,
    perRow.map((score, k) => ({
      index: score.index,
      answer: score.answer,
      extracted: score.extracted,
      score: score.score,
      category: rows[k].category,
      l2Category: rows[k]["l2-category"],
      imagePath: rows[k].image_path,
    })),
  );
  const byMethod = emptyYesNoMethodCounts();
  for (const score of perRow) byMethod[score.method]++;
  return {
    perRow: [...perRow],
    rating,
    report: rated.table,
    primary: { name: rated.primaryName, value: rated.primary },
    counts: {
      total: perRow.length,
      hits: perRow.reduce((sum, score) => sum + score.score, 0),
      failed: byMethod.failed,
      unknown: perRow.filter((score) => score.extracted === "Unknown").length,
      unresolved: byMethod.unresolved,
      byMethod,
    },
  };
}
