/**
 * The plain types the score phase passes between its files: what the dispatcher
 * (`evaluate.ts`) is asked and returns, and where a scorer writes.
 *
 * @module
 */
import type { ScoreTable } from "@vlmeval/report";
import type { ScoreFileSpec } from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { JudgeSettings, JudgeStats } from "./judge.ts";

/** Scores of one prediction file, and the files written. */
export interface TaskScores {
  /** What `overall` measures, e.g. `accuracy (exact matching, vlmevalkit-e8e78f05)`. */
  metric: string;
  /**
   * The primary metric's short name, as the summary shows it: `accuracy`, `circular accuracy`,
   * the yes/no rating's, `VQA score %`, `relaxed accuracy %`, `ANLS %`, `Final Score`, ...
   */
  primaryMetric?: string;
  /**
   * Overall score: a fraction for multiple choice, a percentage for free-form benchmarks,
   * MathVista and MMVet, OCRBench's final score (out of 1000 on the whole benchmark), and for
   * yes/no the rating's primary metric as VLMEvalKit reports it (percent; MME: perception +
   * reasoning).
   */
  overall: number;
  /** The score table as written to the score file. */
  table: ScoreTable;
  /**
   * Rows scored (questions, for a circular benchmark), recorded failures among them, and answers
   * no extraction rule could read (VLMEvalKit would ask its judge; always 0 for VQA).
   */
  counts: {
    total: number;
    failed: number;
    unresolved: number;
    /**
     * Multiple choice and yes/no: rows per extraction method (`McqMethod` or `YesNoMethod`;
     * every rotation, for a circular benchmark).
     */
    byMethod?: Record<string, number>;
    /** With a judge: rows (or question groups) the judge was asked about. */
    judged?: number;
    /** With a judge: rows it placed in no option (scored as `Z`, or yes/no's `Unknown`). */
    judgeFailed?: number;
  };
  /**
   * Multiple choice and yes/no: who read the answers, `exact_matching` (the heuristics alone)
   * or the name of the judge that read what the heuristics left.
   */
  extractor?: string;
  /** With a judge that was needed: what it was asked, and its cache file. */
  judge?: { name: string; model: string; cachePath: string } & JudgeStats;
  /** Paths of the files written, in the order they were written. */
  files: string[];
}

/** Where score files go and in which formats. */
export interface EvaluateOptions {
  /** `<work-dir>/<model>/<model>_<dataset>`: score files are `<stem>_acc.csv` etc. */
  stem: string;
  /** Format of the per-row result file (`<stem>_exact_matching_result.<format>`). */
  format: "xlsx" | "tsv" | "json";
  /** Format of the score tables (`<stem>_acc.<evalFormat>`, ...). */
  evalFormat: "csv" | "json";
  /**
   * Multiple choice and yes/no: the LLM judge asked about the rows no heuristic placed
   * (VLMEvalKit's `--judge`); absent or named `exact_matching`: the heuristics alone.
   */
  judge?: JudgeSettings;
  /**
   * With no `judge` (`--judge` not given): where MathVista and MMVet, which VLMEvalKit always
   * scores with a judge, ask their default judge (`gpt-4o-mini`, `gpt-4-turbo`); absent, they
   * score what they can without one and say so.
   */
  familyJudge?: Omit<JudgeSettings, "name">;
  /** Receives one-line warnings (judge requests that failed after their retries). */
  warn?: (message: string) => void;
  /** Aborting stops the judge: no new question is asked (see `JudgeInterruptedError`). */
  signal?: AbortSignal;
}

/**
 * The prediction rows a scorer reads: held (a prediction file read whole), or made again by each
 * call (the rows just merged, read back from the benchmark file and the journals: a pass over
 * them holds one row at a time).
 */
export type ScoredRows = readonly Row[] | (() => AsyncIterable<Row>);

/** Each of `rows` in order, whichever way they are given. */
export async function* eachRow(rows: ScoredRows): AsyncIterable<Row> {
  if (typeof rows === "function") yield* rows();
  else yield* rows;
}

/** `rows` held: the array itself, or every row its stream gives. */
export async function heldRows(rows: ScoredRows): Promise<readonly Row[]> {
  if (typeof rows !== "function") return rows;
  const held: Row[] = [];
  for await (const row of rows()) held.push(row);
  return held;
}

/** Where a scorer writes its files (`<stem>_<suffix>.<ext>`); every path written is in `files`. */
export interface ScoreOutputs {
  /** Writes a score table as `<stem>_<suffix>.<evalFormat>`. */
  scoreFile(suffix: string, table: ScoreTable): Promise<void>;
  /** Writes `value` as `<stem>_<suffix>.json`. */
  jsonFile(suffix: string, value: unknown): Promise<void>;
  /**
   * Writes `source` rows (default: every prediction row) with extra columns as
   * `<stem>_<name>_result.<format>`: the row at position k gets `cells(k)`.
   */
  perRowFile(
    name: string,
    extra: string[],
    cells: (position: number) => Record<string, string>,
    source?: ScoredRows,
  ): Promise<void>;
  /**
   * Writes a file a scorer describes, named as VLMEvalKit names it (`scoreFilePath`): a table as
   * csv or json, an object as json, or every prediction row (default; or `source`) with the
   * spec's columns added.
   */
  specFile(spec: ScoreFileSpec, source?: ScoredRows): Promise<void>;
  /** Paths written so far, in order. */
  files: string[];
}
