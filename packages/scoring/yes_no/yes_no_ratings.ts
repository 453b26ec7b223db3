import { compareCodePoints } from "@vlmeval/internal";
import { defaultRating, type ScoreTable } from "../score_table.ts";

/**
 * The rating a yes/no benchmark's `<stem>_score.csv` holds, chosen by VLMEvalKit's name rule
 * (see {@linkcode yesNoRatingFor}).
 */
export type YesNoRatingName = "MME" | "Hallusion" | "POPE" | "AMBER" | "default";

/** One scored yes/no row, as the ratings read it. */
export interface YesNoRatedRow {
  /** The row's `index` (Hallusion reads set, figure and question ids from it). */
  index: string;
  /** The `answer` cell. */
  answer: string;
  /** What the prediction was read as: `Yes`, `No` or `Unknown` (POPE counts `Yes` only). */
  extracted: string;
  /** 1 when the row was answered right, else 0. */
  score: number;
  /** The `category` cell; undefined when the dataset has no such column. */
  category?: string;
  /** The `l2-category` cell; undefined when the dataset has no such column. */
  l2Category?: string;
  /** The `image_path` cell (MME pairs the two questions of an image by it). */
  imagePath?: string;
}

/** A rating's table and the one number VLMEvalKit's `report_primary_metric` takes from it. */
export interface YesNoRating {
  /** Which rating this is. */
  name: YesNoRatingName;
  /** The table written to `<stem>_score.csv`, in percent. */
  table: ScoreTable;
  /** What `primary` is, e.g. `Overall F1`. */
  primaryName: string;
  /**
   * MME: perception + reasoning; Hallusion: the mean of the Overall aAcc, fAcc and qAcc; POPE:
   * the Overall F1; AMBER: `Avg ACC`; default: `Overall`. In percent (MME: a sum of them).
   */
  primary: number;
}

/**
 * VLMEvalKit's choice of rating by dataset name (`ImageYORNDataset.evaluate`, `listinstr`: a
 * case-sensitive substring test, in this order): a name containing `MME` gets `MME_rating`,
 * `Hallusion` `Hallusion_rating`, `POPE` `POPE_rating`, `AMBER` `AMBER_rating`, anything else
 * `default_rating`. (VLMEvalKit's `VSR-zeroshot` rating is not implemented: default here.)
 *
 * @example
 * ```ts
 * import { yesNoRatingFor } from "@vlmeval/scoring";
 * yesNoRatingFor("HallusionBench"); // "Hallusion"
 * yesNoRatingFor("mme"); // "default"
 * ```
 */
export function yesNoRatingFor(dataset: string): YesNoRatingName {
  for (const name of ["MME", "Hallusion", "POPE", "AMBER"] as const) {
    if (dataset.includes(name)) return name;
  }
  return "default";
}

/** Computes the named rating over scored rows. */
export function rateYesNo(name: YesNoRatingName, rows: readonly YesNoRatedRow[]): YesNoRating {
  switch (name) {
    case "MME":
      return mmeRating(rows);
    case "Hallusion":
      return hallusionRating(rows);
    case "POPE":
      return popeRating(rows);
    case "AMBER":
      return amberRating(rows);
    case "default": {
      const table = defaultRating(rows.map((r) => ({
        score: r.score,
        category: r.category,
        l2Category: r.l2Category,
      })));
      return { name, table, primaryName: "Overall Acc", primary: Number(table.rows[0][0] ?? 0) };
    }
  }
}

const MME_PERCEPTION = [
  "OCR",
  "artwork",
  "celebrity",
  "color",
  "count",
  "existence",
  "landmark",
  "position",
  "posters",
  "scene",
];
const MME_REASONING = [
  "code_reasoning",
  "commonsense_reasoning",
  "numerical_calculation",
  "text_translation",
];

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function sortedKeys<V>(map: ReadonlyMap<string, V>): string[] {
  return [...map.keys()].sort(compareCodePoints);
}

function requireCell(
  row: YesNoRatedRow,
  position: number,
  value: string | undefined,
  column: string,
  rating: string,
): string {
  if (value === undefined || value === "") {
    throw new TypeError(
      `Cannot compute ${rating} as row ${position} (index "${row.index}") has no "${column}"`,
    );
  }
  return value;
}

/**
 * VLMEvalKit's `MME_rating`, in percent: per category, acc (the mean score) + acc+ (the share
 * of images whose first two questions are both right, images told apart by `image_path`); then
 * `perception`, the sum over MME's ten perception categories, and `reasoning`, the sum over its
 * four reasoning ones. One row: `perception`, `reasoning`, then every category, sorted by code
 * point (VLMEvalKit keeps the categories' first-seen order).
 *
 * Differences for small or partial datasets, where VLMEvalKit raises `KeyError`: a super category
 * sums only the categories present, and is left out when none of its categories is present;
 * categories outside MME's lists are reported but counted in neither sum.
 *
 * @throws {TypeError} when a row has no `category` or `image_path`.
 * @throws {RangeError} when an image has a single question (acc+ needs two; VLMEvalKit raises
 * `IndexError`).
 */
export function mmeRating(rows: readonly YesNoRatedRow[]): YesNoRating {
  const stats = new Map<string, Map<string, number[]>>();
  rows.forEach((row, position) => {
    const category = requireCell(row, position, row.category, "category", "MME_rating");
    const image = requireCell(row, position, row.imagePath, "image_path", "MME_rating");
    let images = stats.get(category);
    if (!images) stats.set(category, images = new Map());
    const scores = images.get(image);
    if (scores) scores.push(row.score);
    else images.set(image, [row.score]);
  });
  const scores = new Map<string, number>();
  for (const category of sortedKeys(stats)) {
    const images = stats.get(category)!;
    const all: number[] = [];
    const plus: number[] = [];
    for (const [image, values] of images) {
      if (values.length < 2) {
        throw new RangeError(
          `Cannot compute MME_rating as image "${image}" of category "${category}" has one ` +
            `question: acc+ needs both questions of every image`,
        );
      }
      all.push(...values);
      plus.push(values[0] * values[1]);
    }
    scores.set(category, mean(all) * 100 + mean(plus) * 100);
  }
  const columns: string[] = [];
  const cells: number[] = [];
  let primary = 0;
  for (
    const [name, list] of [["perception", MME_PERCEPTION], ["reasoning", MME_REASONING]] as const
  ) {
    const present = list.filter((c) => scores.has(c));
    if (present.length === 0) continue;
    const sum = present.reduce((total, c) => total + scores.get(c)!, 0);
    columns.push(name);
    cells.push(sum);
    primary += sum;
  }
  for (const [category, score] of scores) {
    columns.push(category);
    cells.push(score);
  }
  return {
    name: "MME",
    table: { columns, rows: [cells] },
    primaryName: "Overall Score (perception + reasoning)",
    primary,
  };
}

/**
 * VLMEvalKit's `Hallusion_rating`, in percent. The index, split at `_`, gives set_id (part 4),
 * figure_id (part 5) and question_id (part 6). aAcc is the mean score; fAcc the share of
 * `l2-category`/set/figure groups whose rows are all right; qAcc the same over
 * `l2-category`/set/question groups (set/figure and set/question without an `l2-category`
 * column, where VLMEvalKit raises `KeyError`). Rows `Overall`, then each `category` value, then each
 * `l2-category` value (when the columns exist), each sorted by code point where VLMEvalKit's
 * set order is arbitrary; columns `split`, `aAcc`, `fAcc`, `qAcc`.
 *
 * @throws {TypeError} when an index has fewer than 6 `_`-separated parts, naming the row.
 */
export function hallusionRating(rows: readonly YesNoRatedRow[]): YesNoRating {
  const ids = rows.map((row, position) => {
    const parts = row.index.split("_");
    if (parts.length < 6) {
      throw new TypeError(
        `Cannot compute Hallusion_rating as row ${position} has index "${row.index}": it needs ` +
          `at least 6 parts separated by "_" (set_id, figure_id and question_id are parts 4-6)`,
      );
    }
    const l2 = row.l2Category ?? "";
    return { figure: `${l2}_${parts[3]}_${parts[4]}`, question: `${l2}_${parts[3]}_${parts[5]}` };
  });
  const groupAcc = (positions: readonly number[], key: "figure" | "question") => {
    const groups = new Map<string, boolean>();
    for (const k of positions) {
      const id = ids[k][key];
      groups.set(id, (groups.get(id) ?? true) && Boolean(rows[k].score));
    }
    return mean([...groups.values()].map(Number)) * 100;
  };
  const line = (split: string, positions: readonly number[]) => [
    split,
    mean(positions.map((k) => rows[k].score)) * 100,
    groupAcc(positions, "figure"),
    groupAcc(positions, "question"),
  ];
  const all = rows.map((_, k) => k);
  const body: (string | number)[][] = [line("Overall", all)];
  for (const key of ["category", "l2Category"] as const) {
    const groups = new Map<string, number[]>();
    rows.forEach((row, k) => {
      const value = row[key];
      if (value === undefined || value === "") return;
      const members = groups.get(value);
      if (members) members.push(k);
      else groups.set(value, [k]);
    });
    for (const value of sortedKeys(groups)) body.push(line(value, groups.get(value)!));
  }
  const overall = body[0] as [string, number, number, number];
  return {
    name: "Hallusion",
    table: { columns: ["split", "aAcc", "fAcc", "qAcc"], rows: rows.length ? body : [] },
    primaryName: "Overall Acc (mean of aAcc, fAcc, qAcc)",
    primary: rows.length ? (overall[1] + overall[2] + overall[3]) / 3 : 0,
  };
}

/** Precision, recall and F1 of `Yes` (VLMEvalKit's `cal_f1_score`: 0 for an empty ratio). */
function f1Score(rows: readonly YesNoRatedRow[]) {
  let tp = 0, fp = 0, fn = 0;
  for (const row of rows) {
    const truth = row.answer === "Yes";
    const guess = row.extracted === "Yes";
    if (truth && guess) tp++;
    else if (guess) fp++;
    else if (truth) fn++;
  }
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall };
}

/**
 * VLMEvalKit's `POPE_rating`, in percent. A `category` cell is a comma-separated list, and a
 * row counts once for each category it lists, in `Overall` too, as VLMEvalKit's `explode` does
 * (no spaces are trimmed); an empty cell counts once, under no category. `Overall` (the column)
 * is the F1 of answering `Yes` (answer `Yes` is the positive class, a prediction read as `Yes`
 * the positive guess), then `acc` (mean score), `precision` and `recall`. Rows `Overall`, then
 * one per category, sorted by code point (VLMEvalKit's set order is arbitrary); columns
 * `split`, `Overall`, `acc`, `precision`, `recall`.
 */
export function popeRating(rows: readonly YesNoRatedRow[]): YesNoRating {
  const exploded: { row: YesNoRatedRow; category?: string }[] = [];
  for (const row of rows) {
    if (row.category === undefined || row.category === "") exploded.push({ row });
    else for (const category of row.category.split(",")) exploded.push({ row, category });
  }
  const line = (split: string, subset: readonly YesNoRatedRow[]) => {
    const { f1, precision, recall } = f1Score(subset);
    return [split, f1 * 100, mean(subset.map((r) => r.score)) * 100, precision * 100, recall * 100];
  };
  const body: (string | number)[][] = [];
  if (exploded.length) body.push(line("Overall", exploded.map((e) => e.row)));
  const groups = new Map<string, YesNoRatedRow[]>();
  for (const { row, category } of exploded) {
    if (category === undefined) continue;
    const members = groups.get(category);
    if (members) members.push(row);
    else groups.set(category, [row]);
  }
  for (const category of sortedKeys(groups)) body.push(line(category, groups.get(category)!));
  return {
    name: "POPE",
    table: { columns: ["split", "Overall", "acc", "precision", "recall"], rows: body },
    primaryName: "Overall F1",
    primary: body.length ? (body[0][1] as number) : 0,
  };
}

/** VLMEvalKit's `AMBER_rating` category map; other categories are reported under their own name. */
export const AMBER_CATEGORIES: Readonly<Record<string, string>> = {
  "discriminative-attribute-state": "Attribute",
  "discriminative-attribute-number": "Attribute",
  "discriminative-attribute-action": "Attribute",
  "discriminative-hallucination": "Existence",
  "discriminative-relation": "Relation",
  "relation": "Relation",
};

/**
 * VLMEvalKit's `AMBER_rating`, in percent: each `category` mapped by
 * {@linkcode AMBER_CATEGORIES} (`Attribute`, `Existence`, `Relation`; unmapped names kept), the
 * mean score per mapped category, sorted by code point (VLMEvalKit: first-seen order), then
 * `Avg ACC`, the mean of those. One row.
 *
 * @throws {TypeError} when a row has no `category`.
 */
export function amberRating(rows: readonly YesNoRatedRow[]): YesNoRating {
  const groups = new Map<string, number[]>();
  rows.forEach((row, position) => {
    const category = requireCell(row, position, row.category, "category", "AMBER_rating");
    const mapped = Object.hasOwn(AMBER_CATEGORIES, category)
      ? AMBER_CATEGORIES[category]
      : category;
    const members = groups.get(mapped);
    if (members) members.push(row.score);
    else groups.set(mapped, [row.score]);
  });
  const columns = sortedKeys(groups);
  const cells = columns.map((c) => mean(groups.get(c)!) * 100);
  const avg = cells.length ? mean(cells) : 0;
  return {
    name: "AMBER",
    table: { columns: [...columns, "Avg ACC"], rows: [[...cells, avg]] },
    primaryName: "Avg ACC",
    primary: avg,
  };
}
