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
  const totals = new GroupTotals();
  for (const item of items) totals.add(item);
  return totals.report(opts);
}

/** Sum and count of some rows' scores. */
interface Tally {
  sum: number;
  count: number;
}

/**
 * Running totals of scored rows by split and by group, one row at a time: what
 * {@linkcode reportAcc} reports, without holding the rows (a 100k-row benchmark is scored in a
 * pass over its rows). Sums are added in the order the rows come, as `report_acc`'s means are.
 */
export class GroupTotals {
  #hasSplit = false;
  /** Every row's score, by split. */
  #overall = new Map<string, Tally>();
  /** Scores by group value, then by split. */
  #groups = {
    l2Category: new Map<string, Map<string, Tally>>(),
    category: new Map<string, Map<string, Tally>>(),
  };

  /** Counts one row's score under its split and groups. */
  add(item: GroupedScore): void {
    if (item.split !== undefined) this.#hasSplit = true;
    const split = item.split || "none";
    addTo(this.#overall, split, item.score);
    for (const key of ["l2Category", "category"] as const) {
      const value = item[key];
      if (value === undefined || value === "") continue;
      let bySplit = this.#groups[key].get(value);
      if (bySplit === undefined) this.#groups[key].set(value, bySplit = new Map());
      addTo(bySplit, split, item.score);
    }
  }

  /** The `report_acc` table of the rows counted so far (see {@linkcode reportAcc}). */
  report(opts: ReportAccOptions = {}): ScoreTable {
    const scale = opts.scale ?? 1;
    const splits = this.#hasSplit ? [...this.#overall.keys()].sort(compareCodePoints) : ["none"];
    const perSplit = (tallies: Map<string, Tally> | undefined) =>
      splits.map((split) => {
        const tally = tallies?.get(split);
        return tally ? (tally.sum / tally.count) * scale : null;
      });
    const columns = new Map<string, (string | number | null)[]>([["split", splits]]);
    columns.set("Overall", perSplit(this.#overall));
    for (const key of ["l2Category", "category"] as const) {
      const groups = this.#groups[key];
      for (const value of [...groups.keys()].sort(compareCodePoints)) {
        columns.set(
          Object.hasOwn(MMBENCH_ABBREVIATIONS, value) ? MMBENCH_ABBREVIATIONS[value] : value,
          perSplit(groups.get(value)),
        );
      }
    }
    const values = [...columns.values()];
    return {
      columns: [...columns.keys()],
      rows: splits.map((_, k) => values.map((column) => column[k])),
    };
  }
}

function addTo(tallies: Map<string, Tally>, split: string, score: number): void {
  const tally = tallies.get(split);
  if (tally === undefined) tallies.set(split, { sum: score, count: 1 });
  else {
    tally.sum += score;
    tally.count++;
  }
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
