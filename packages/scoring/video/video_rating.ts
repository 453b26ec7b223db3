/** A scored video question: its row fields and a score (1 right, 0 wrong, negative = failed). */
export interface ScoredVideoRow {
  /** Duration class (`short`, `medium`, `long`); rows without one count only in `overall`. */
  duration?: string;
  /** Video-MME's `domain` (e.g. `Knowledge`); rows without one are in no domain's mean. */
  domain?: string;
  /** Video-MME's `sub_category`; rows without one are in no sub-category's mean. */
  sub_category?: string;
  /** The `task_type` column (e.g. `Object Counting`); rows without one are in no type's mean. */
  task_type?: string;
  /** 1 right, 0 wrong, negative for a failed sample (left out of every mean). */
  score: number;
}

/** Means for one duration class (or `overall`), as strings with 3 decimals. */
export interface DimensionRating {
  /** Mean score over the class's rows, or `"nan"` when none was scored. */
  overall: string;
  /** Mean per domain; `"nan"` for a domain with no scored row in this class. */
  domain: Record<string, string>;
  /** Mean per sub-category; `"nan"` for one with no scored row in this class. */
  sub_category: Record<string, string>;
  /** Mean per task type; `"nan"` for one with no scored row in this class. */
  task_type: Record<string, string>;
}

const DIMENSIONS = ["domain", "sub_category", "task_type"] as const;

/**
 * Video-MME's `get_dimension_rating`: for each duration class in the data and for `overall`,
 * the mean score and the mean per domain, sub-category and task type, each a fraction written
 * with 3 decimals (`"0.750"`, `"nan"` when empty). Negative scores (failed samples) are left
 * out of every mean. Dimensions missing from the rows are reported empty.
 *
 * @example
 * ```ts
 * import { videoDimensionRating } from "@vlmeval/scoring";
 * const rating = videoDimensionRating([
 *   { duration: "short", task_type: "Counting", score: 1 },
 *   { duration: "short", task_type: "Counting", score: 0 },
 * ]);
 * rating.overall.task_type.Counting; // "0.500"
 * ```
 */
export function videoDimensionRating(
  rows: readonly ScoredVideoRow[],
): Record<string, DimensionRating> {
  const durations = unique(rows.map((r) => r.duration).filter((d): d is string => !!d));
  const rating: Record<string, DimensionRating> = {};
  for (const duration of [...durations, "overall"]) {
    const subset = duration === "overall" ? rows : rows.filter((r) => r.duration === duration);
    const entry: DimensionRating = {
      overall: mean(subset),
      domain: {},
      sub_category: {},
      task_type: {},
    };
    for (const dimension of DIMENSIONS) {
      for (const value of unique(rows.map((r) => r[dimension]).filter((v): v is string => !!v))) {
        entry[dimension][value] = mean(subset.filter((r) => r[dimension] === value));
      }
    }
    rating[duration] = entry;
  }
  return rating;
}

function mean(rows: readonly ScoredVideoRow[]): string {
  const scores = rows.map((r) => r.score).filter((s) => s >= 0);
  if (scores.length === 0) return "nan";
  return (scores.reduce((a, b) => a + b, 0) / scores.length).toFixed(3);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** MVBench's rating of one task type (or `overall`): `[correct, total, "xx.xx%"]`. */
export type TaskTypeRating = [correct: number, total: number, percent: string];

/**
 * MVBench's `get_dimension_rating`: per `task_type` (rows without one under `""`), then
 * `overall`, the count right, the count scored and the percentage with 2 decimals. Unlike
 * VLMEvalKit, whose `if item['score']` counts a failed sample's -1 as right, a negative score
 * counts as wrong.
 *
 * @example
 * ```ts
 * import { mvbenchRating } from "@vlmeval/scoring";
 * mvbenchRating([{ task_type: "Action Sequence", score: 1 }, { task_type: "Action Sequence", score: 0 }]);
 * // { "Action Sequence": [1, 2, "50.00%"], overall: [1, 2, "50.00%"] }
 * ```
 */
export function mvbenchRating(
  rows: readonly Pick<ScoredVideoRow, "task_type" | "score">[],
): Record<string, TaskTypeRating> {
  const board = new Map<string, [number, number]>();
  for (const row of rows) {
    const key = row.task_type ?? "";
    const cell = board.get(key) ?? [0, 0];
    cell[1]++;
    if (row.score > 0) cell[0]++;
    board.set(key, cell);
  }
  const percent = (right: number, total: number) =>
    `${total ? ((right / total) * 100).toFixed(2) : "0.00"}%`;
  const out: Record<string, TaskTypeRating> = {};
  let right = 0;
  let total = 0;
  for (const [key, [r, t]] of board) {
    out[key] = [r, t, percent(r, t)];
    right += r;
    total += t;
  }
  out.overall = [right, total, percent(right, total)];
  return out;
}
