import { compareCodePoints } from "@vlmeval/internal";

/**
 * A small result table (what VLMEvalKit writes as `_acc.csv` / `_score.csv`). A `null` cell is a
 * group with no rows in that split (pandas writes it as an empty cell).
 */
export interface ScoreTable {
  /** Header cells, e.g. `split`, `Overall`, then one per category. */
  columns: string[];
  /** Body rows (one per split, or one for `default_rating`), cells in `columns` order. */
  rows: (string | number | null)[][];
}

/** One scored row and the groups it is reported under. */
export interface GroupedScore {
  /** 1/0 for a hit/miss (or a partial score). */
  score: number;
  /** The row's `split`; undefined when the dataset has no split column. */
  split?: string;
  /** The row's `category`; undefined when the dataset has no such column. */
  category?: string;
  /** The row's `l2-category`; undefined when the dataset has no such column. */
  l2Category?: string;
}

/** VLMEvalKit's MMBench abbreviations of l2-category names, applied by `report_acc`. */
export const MMBENCH_ABBREVIATIONS: Readonly<Record<string, string>> = {
  "coarse_perception": "CP",
  "finegrained_perception (instance-level)": "FP-S",
  "finegrained_perception (cross-instance)": "FP-C",
  "logic_reasoning": "LR",
  "relation_reasoning": "RR",
  "attribute_reasoning": "AR",
};

function mean(items: readonly GroupedScore[]): number | null {
  if (items.length === 0) return null;
  return items.reduce((sum, item) => sum + item.score, 0) / items.length;
}

function sortedValues(items: readonly GroupedScore[], key: "category" | "l2Category"): string[] {
  const values = new Set<string>();
  for (const item of items) {
    const value = item[key];
    if (value !== undefined && value !== "") values.add(value);
  }
  return [...values].sort(compareCodePoints);
}

function hasKey(items: readonly GroupedScore[], key: keyof GroupedScore): boolean {
  return items.some((item) => item[key] !== undefined);
}

/** Options of {@linkcode reportAcc}. */
export interface ReportAccOptions {
  /** Multiply every mean by this (1: fractions as VLMEvalKit's MCQ report; 100: percent). */
  scale?: number;
}

/**
 * VLMEvalKit's `report_acc` layout: one row per split (sorted by code point; `none` when there is
 * no split column, and rows with an empty split count as `none`), columns `split`, `Overall`,
 * then each sorted `l2-category` value (MMBench names abbreviated), then each sorted `category`
 * value. A cell is the mean score of that split's rows in that group. Empty group values get no
 * column. A name used twice keeps its first column and the later values, as a pandas dict does.
 */
export function reportAcc(items: readonly GroupedScore[], opts: ReportAccOptions = {}): ScoreTable {
  const scale = opts.scale ?? 1;
  const splitOf = (item: GroupedScore) => item.split || "none";
  const splits = hasKey(items, "split")
    ? [...new Set(items.map(splitOf))].sort(compareCodePoints)
    : ["none"];
  const columns = new Map<string, (string | number | null)[]>([["split", splits]]);
  const perSplit = (subset: readonly GroupedScore[]) =>
    splits.map((split) => {
      const value = mean(subset.filter((item) => splitOf(item) === split));
      return value === null ? null : value * scale;
    });
  columns.set("Overall", perSplit(items));
  for (const key of ["l2Category", "category"] as const) {
    for (const value of sortedValues(items, key)) {
      columns.set(
        Object.hasOwn(MMBENCH_ABBREVIATIONS, value) ? MMBENCH_ABBREVIATIONS[value] : value,
        perSplit(items.filter((item) => item[key] === value)),
      );
    }
  }
  const values = [...columns.values()];
  return {
    columns: [...columns.keys()],
    rows: splits.map((_, k) => values.map((column) => column[k])),
  };
}

/**
 * VLMEvalKit's `default_rating` for yes/no datasets: a one-row table with `Overall`, then each
 * sorted `category` value, then each sorted `l2-category` value, as percentages.
 */
export function defaultRating(items: readonly GroupedScore[]): ScoreTable {
  const columns = new Map<string, number | null>();
  const percent = (subset: readonly GroupedScore[]) => {
    const value = mean(subset);
    return value === null ? null : value * 100;
  };
  columns.set("Overall", percent(items));
  for (const key of ["category", "l2Category"] as const) {
    for (const value of sortedValues(items, key)) {
      columns.set(value, percent(items.filter((item) => item[key] === value)));
    }
  }
  return { columns: [...columns.keys()], rows: [[...columns.values()]] };
}
