import { isFailure, type Row } from "@vlmeval/schema";
import { pythonFloat } from "@vlmeval/internal";
import { npMean } from "../_numpy_mean.ts";
import { pyListRepr } from "../_python_repr.ts";
import { compareCodePoints } from "@vlmeval/internal";
import { requireField } from "../_row_fields.ts";
import type { ScoreFileSpec } from "../score_files.ts";
import type { ScoreTable } from "../score_table.ts";
import { processVqaLine, type VqaMethod } from "./vqa_match.ts";

/**
 * How VLMEvalKit's `hit_calculate` turns a row's per-answer matches into its score: `mean`,
 * `max`, or `anls` (1 - the smallest distance, and 0 when that is under the threshold).
 */
export type VqaHitRule = "mean" | "anls" | "max";

/** The metric VLMEvalKit's `ImageVQADataset` applies to a dataset. */
export interface ImageVqaMetric {
  /** How each answer is matched (`process_line`'s method). */
  method: VqaMethod;
  /** How the matches make the row's score (`hit_calculate`'s branch). */
  hit: VqaHitRule;
}

/**
 * The metric of a free-form dataset by its name, as VLMEvalKit's
 * `ImageVQADataset.evaluate_heuristic` (image_vqa.py:78) and `hit_calculate` (vqa_eval.py:163)
 * pick them by substring, each in its own order: the method is `vqa_score` for `TextVQA`,
 * `relaxed_accuracy` for `ChartQA`, `accuracy` for `OCRVQA`/`GQA`, `anls` for
 * `DocVQA`/`InfoVQA`, else `vqa_score` (the default branch); the hit rule is `mean` for
 * `TextVQA`, `anls` for `DocVQA`/`InfoVQA`, `max` for `ChartQA`/`OCRVQA`, else `mean` (so GQA
 * averages over its answers). A name holding two keys gets each dispatch's first, as VLMEvalKit.
 *
 * @example
 * ```ts
 * import { imageVqaMetric } from "@vlmeval/scoring";
 * imageVqaMetric("DocVQA_VAL"); // { method: "anls", hit: "anls" }
 * ```
 */
export function imageVqaMetric(dataset: string): ImageVqaMetric {
  const has = (...keys: string[]) => keys.some((key) => dataset.includes(key));
  const method: VqaMethod = has("TextVQA")
    ? "vqa_score"
    : has("ChartQA")
    ? "relaxed_accuracy"
    : has("OCRVQA", "GQA")
    ? "accuracy"
    : has("DocVQA", "InfoVQA")
    ? "anls"
    : "vqa_score";
  const hit: VqaHitRule = has("TextVQA")
    ? "mean"
    : has("DocVQA", "InfoVQA")
    ? "anls"
    : has("ChartQA", "OCRVQA")
    ? "max"
    : "mean";
  return { method, hit };
}

/** The ANLS threshold of `hit_calculate`: a row whose best similarity is under it scores 0. */
export const ANLS_THRESHOLD = 0.5;

/** VLMEvalKit's `hit_calculate` for one row: its score from its per-answer matches. */
export function vqaHit(match: readonly number[], rule: VqaHitRule): number {
  if (rule === "mean") return npMean(match);
  if (rule === "max") return Math.max(...match);
  const similarity = 1 - Math.min(...match);
  return similarity < ANLS_THRESHOLD ? 0 : similarity;
}

/** One row scored by {@linkcode scoreImageVqa}. */
export interface ImageVqaRowScore {
  /** The row's `index`. */
  index: string;
  /** The answers as compared (`eval_gt`). */
  gt: string[];
  /** The prediction as compared (`eval_pred`). */
  pred: string;
  /** Per-answer matches. */
  match: number[];
  /** `match` as VLMEvalKit's result file shows it (`eval_match`, Python's `str(list)`). */
  matchText: string;
  /** The mean of `match` (`eval_score`). */
  evalScore: number;
  /** The row's score in the table, 0-1 (`hit_calculate`); 0 for a recorded failure. */
  score: number;
  /** The prediction records a failure (`Failed to obtain answer...`). */
  failed: boolean;
}

/** Result of {@linkcode scoreImageVqa}. */
export interface ImageVqaScore {
  /** The metric the dataset's name picked. */
  metric: ImageVqaMetric;
  /** One score per input row, in input order. */
  perRow: ImageVqaRowScore[];
  /** VLMEvalKit's `_acc` table, in percent, not rounded. */
  table: ScoreTable;
  /** The table's `Overall`, in percent. */
  overall: number;
  /** Rows scored and recorded failures among them. */
  counts: { total: number; failed: number };
  /**
   * `<stem>_results.<pred>` (every row with `eval_gt`, `eval_pred`, `eval_match`, `eval_score`)
   * and `<stem>_acc.<eval>`.
   */
  files: ScoreFileSpec[];
}

/**
 * Scores a free-form benchmark as VLMEvalKit's `ImageVQADataset.evaluate_heuristic`
 * (image_vqa.py:78): each row by `process_line` with the method {@linkcode imageVqaMetric}
 * picks, its score by `hit_calculate`; the `_acc` table is one row: with a `split` column, one
 * column per split then `Overall`; without, `Overall` then one column per `category` (sorted).
 * Values are percentages, unrounded (VLMEvalKit's `ret.round(2)` is discarded). Differences:
 * splits are sorted by code point where VLMEvalKit follows Python's set order (which changes
 * from run to run), and a recorded failure scores 0.
 *
 * @throws {TypeError} naming the row when it lacks `prediction` or `answer`, or its answer is an
 * empty list.
 */
export function scoreImageVqa(rows: readonly Row[], dataset: string): ImageVqaScore {
  const metric = imageVqaMetric(dataset);
  const perRow = rows.map((row, position): ImageVqaRowScore => {
    const prediction = requireField(row, "prediction", position);
    const line = processVqaLine(requireField(row, "answer", position), prediction, metric.method);
    if (line.match.length === 0) {
      throw new TypeError(
        `Cannot score row ${position} (index "${row.index ?? "?"}") of ${dataset} as its ` +
          `answer is an empty list: current value is ${JSON.stringify(row.answer)}`,
      );
    }
    const failed = isFailure(prediction);
    return {
      index: row.index ?? "",
      gt: line.gt,
      pred: line.pred,
      match: line.match,
      matchText: line.matchText,
      evalScore: npMean(line.match),
      score: failed ? 0 : vqaHit(line.match, metric.hit),
      failed,
    };
  });
  const percent = (keep: (row: Row) => boolean) =>
    npMean(perRow.filter((_, k) => keep(rows[k])).map((r) => r.score)) * 100;
  const columns = new Map<string, number>();
  if (rows.some((row) => Object.hasOwn(row, "split"))) {
    for (const split of distinctSorted(rows, "split")) {
      columns.set(split, percent((row) => row.split === split));
    }
    columns.set("Overall", percent(() => true));
  } else {
    columns.set("Overall", percent(() => true));
    if (rows.some((row) => Object.hasOwn(row, "category"))) {
      for (const category of distinctSorted(rows, "category")) {
        columns.set(category, percent((row) => row.category === category));
      }
    }
  }
  const table: ScoreTable = {
    columns: [...columns.keys()],
    rows: [[...columns.values()].map((v) => Number.isNaN(v) ? null : v)],
  };
  return {
    metric,
    perRow,
    table,
    overall: columns.get("Overall")!,
    counts: { total: perRow.length, failed: perRow.filter((r) => r.failed).length },
    files: [
      {
        suffix: "_results",
        format: "pred",
        content: {
          kind: "rows",
          columns: ["eval_gt", "eval_pred", "eval_match", "eval_score"],
          cells: perRow.map((r) => ({
            eval_gt: pyListRepr(r.gt.map((str) => ({ str }))),
            eval_pred: r.pred,
            eval_match: r.matchText,
            eval_score: pythonFloat(r.evalScore),
          })),
        },
      },
      { suffix: "_acc", format: "eval", content: { kind: "table", table } },
    ],
  };
}

function distinctSorted(rows: readonly Row[], column: string): string[] {
  return [...new Set(rows.map((row) => row[column] ?? ""))].sort(compareCodePoints);
}
