import type { Row } from "@vlmeval/schema";
import type { CanInferOptions } from "./can_infer.ts";
import { rowGroups } from "../_row_fields.ts";
import { emptyMethodCounts, extractRowAnswer, type McqMethod } from "./score_mcq.ts";
import { reportAcc, type ScoreTable } from "../score_table.ts";

/** Rotated copies of a question sit at `index + k × CIRCULAR_OFFSET` (VLMEvalKit's 1e6). */
export const CIRCULAR_OFFSET = 1_000_000;

/**
 * Whether VLMEvalKit scores a dataset of this name circularly: its lowercased name contains
 * `mmbench`, `ccbench`, `circular` or `mmcr`.
 */
export function isCircularDataset(name: string): boolean {
  const lower = name.toLowerCase();
  return ["mmbench", "ccbench", "circular", "mmcr"].some((word) => lower.includes(word));
}

/**
 * How a question group was decided: `hit` (every rotation answered right), `wrong` (some
 * rotation gave another letter, a refusal or a recorded failure), `unresolved` (no rotation was
 * wrong but some matched no option: VLMEvalKit would ask its judge; scored 0).
 */
export type CircularVerdict = "hit" | "wrong" | "unresolved";

/** One question group's score, reported on its main row (the one whose index is the group's). */
export interface CircularGroupScore {
  /** The group id (`g_index`). */
  group: string;
  /** Position of the main row in the input rows. */
  mainPosition: number;
  /** Indices of the group's rows, main row first, then in input order. */
  indices: string[];
  /** How the group was decided. */
  verdict: CircularVerdict;
  /** 1 when `verdict` is `hit`, else 0. */
  hit: 0 | 1;
  /** VLMEvalKit-style log: which rotation decided the group and how. */
  log: string;
  /** Rows of the group whose prediction records a failure. */
  failedRows: number;
  /** The group's rows as extracted, main row first: what a judge phase needs to go on. */
  rotations: CircularRotation[];
}

/** One row of a question group, as extracted. */
export interface CircularRotation {
  /** Position of the row in the input rows. */
  position: number;
  /** The row's index as an integer. */
  index: number;
  /** `(index - group) / 1e6`: VLMEvalKit's "Rolling" number in logs. */
  rotation: number;
  /** How the letter was found. */
  method: McqMethod;
  /** The extracted letter, or `Z`. */
  letter: string;
  /** The row's right letter. */
  answer: string;
}

/** Counts of a circular scoring run; `total` counts question groups, not rows. */
export interface CircularCounts {
  /** Question groups reported (those with a main row). */
  total: number;
  /** Groups whose every rotation was answered right. */
  hits: number;
  /** Groups with at least one recorded failure (scored 0). */
  failed: number;
  /** Groups no heuristic decided and no judge was asked about (scored 0). */
  unresolved: number;
  /** Groups decided by the LLM judge (0 without one, see `judgeMcqCircular`). */
  judged: number;
  /** Rows scored, every rotation included. */
  rows: number;
  /** Groups left out because no row carries the group's own index. */
  withoutMainRow: number;
  /** Rows per extraction method, every rotation included. */
  byMethod: Record<McqMethod, number>;
}

/** Result of {@linkcode scoreMcqCircular}. */
export interface CircularMcqScore {
  /** One score per reported group, in the input order of their main rows. */
  groups: CircularGroupScore[];
  /** `report_acc` layout over the main rows, fractions 0-1. */
  report: ScoreTable;
  /** Totals over the groups and rows. */
  counts: CircularCounts;
}

function integerIndex(row: Row, column: "index" | "g_index", position: number): number {
  const text = (row[column] ?? "").trim();
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new TypeError(
      `Cannot score row ${position} (index "${row.index ?? "?"}") circularly: its ${column} ` +
        `"${row[column] ?? ""}" is not an integer`,
    );
  }
  return Number(text);
}

/**
 * Circular multiple-choice scoring as VLMEvalKit's `mcq_circular_eval` does it without a judge.
 * Rows are grouped by `g_index` (or `index mod 1e6` where the column is absent); a group scores
 * 1 only when every rotation's extracted letter equals its answer. A rotation that gives another
 * letter (a refusal `Z` included) or records a failure makes the group 0; a group with no wrong
 * rotation but one that matched no option is unresolved (VLMEvalKit's judge would decide it) and
 * scores 0. Only main rows (index equal to the group id) are reported.
 *
 * @throws {TypeError} naming the row when an index or `g_index` is not an integer, or a row
 * lacks `prediction` or `answer`.
 *
 * @example
 * ```ts
 * import { scoreMcqCircular } from "@vlmeval/scoring";
 * const { counts } = scoreMcqCircular([
 *   { index: "7", A: "cat", B: "dog", answer: "B", prediction: "B" },
 *   { index: "1000007", A: "dog", B: "cat", answer: "A", prediction: "B" },
 * ]);
 * counts.hits; // 0: the rotation was answered wrong
 * ```
 */
export function scoreMcqCircular(
  rows: readonly Row[],
  opts: CanInferOptions = {},
): CircularMcqScore {
  const byMethod = emptyMethodCounts();
  type Member = Omit<CircularRotation, "rotation">;
  const groups = new Map<number, Member[]>();
  rows.forEach((row, position) => {
    const index = integerIndex(row, "index", position);
    const group = row.g_index !== undefined && row.g_index !== ""
      ? integerIndex(row, "g_index", position)
      : index % CIRCULAR_OFFSET;
    const { answer, letter, method } = extractRowAnswer(row, position, opts);
    byMethod[method]++;
    const members = groups.get(group) ?? [];
    members.push({ position, index, method, letter, answer });
    groups.set(group, members);
  });

  const scored: CircularGroupScore[] = [];
  let withoutMainRow = 0;
  for (const [group, members] of groups) {
    const main = members.find((m) => m.index === group);
    if (!main) {
      withoutMainRow++;
      continue;
    }
    const ordered = [main, ...members.filter((m) => m !== main)];
    const wrong = ordered.find((m) =>
      m.method === "failed" || (m.method !== "unresolved" && m.letter !== m.answer)
    );
    const unresolved = ordered.find((m) => m.method === "unresolved");
    const rotation = (m: Member) => Math.floor((m.index - group) / CIRCULAR_OFFSET);
    let verdict: CircularVerdict;
    let log: string;
    if (wrong) {
      verdict = "wrong";
      log = wrong.method === "failed"
        ? `Failed in Prefetching Rolling ${rotation(wrong)}: the prediction records a failure`
        : `Failed in Prefetching Rolling ${rotation(wrong)}: Answer is ${wrong.answer}, ` +
          `Prediction is ${wrong.letter}`;
    } else if (unresolved) {
      verdict = "unresolved";
      log = `Rolling ${rotation(unresolved)} matched no option; without a judge the group ` +
        `scores 0`;
    } else {
      verdict = "hit";
      log = `Succeed in Prefetching: all ${ordered.length} rotations answered right`;
    }
    scored.push({
      group: String(group),
      mainPosition: main.position,
      indices: ordered.map((m) => rows[m.position].index ?? ""),
      verdict,
      hit: verdict === "hit" ? 1 : 0,
      log,
      failedRows: ordered.filter((m) => m.method === "failed").length,
      rotations: ordered.map((m) => ({ ...m, rotation: rotation(m) })),
    });
  }
  scored.sort((a, b) => a.mainPosition - b.mainPosition);
  const report = reportAcc(scored.map((g) => rowGroups(rows[g.mainPosition], g.hit)));
  return {
    groups: scored,
    report,
    counts: {
      total: scored.length,
      hits: scored.reduce((sum, g) => sum + g.hit, 0),
      failed: scored.filter((g) => g.failedRows > 0).length,
      unresolved: scored.filter((g) => g.verdict === "unresolved").length,
      judged: 0,
      rows: rows.length,
      withoutMainRow,
      byMethod,
    },
  };
}
