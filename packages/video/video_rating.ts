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
 * import { videoDimensionRating } from "@vlmeval/video";
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
