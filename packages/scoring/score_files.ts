import type { ScoreTable } from "./score_table.ts";

/**
 * A score file's format: `eval` is VLMEvalKit's `EVAL_FORMAT` (csv by default, or json), `pred`
 * its `PRED_FORMAT` (xlsx by default, tsv or json); `csv` and `json` are fixed by the benchmark.
 */
export type ScoreFileFormat = "eval" | "pred" | "csv" | "json";

/** What a score file holds. */
export type ScoreFileContent =
  /** A result table. */
  | { kind: "table"; table: ScoreTable }
  /**
   * Every prediction row, in order, with its own columns followed by `columns`; `cells[i]` holds
   * the added cells of prediction row i.
   */
  | { kind: "rows"; columns: string[]; cells: Record<string, string>[] }
  /** One JSON object, keys in order. */
  | { kind: "json"; value: Readonly<Record<string, number>> };

/**
 * One file VLMEvalKit writes when it scores a benchmark, described without IO: the pipeline
 * writes it as `<stem><suffix>.<extension>` ({@linkcode scoreFilePath}), where `<stem>` is the
 * prediction file's path without its extension (`<work-dir>/<model>/<model>_<dataset>`).
 */
export interface ScoreFileSpec {
  /** Appended to the stem, with its leading `_`: `_acc`, `_results`, `_gpt-4o-mini_score`. */
  suffix: string;
  /** The format, which gives the extension. */
  format: ScoreFileFormat;
  /** The table, rows or object to write. */
  content: ScoreFileContent;
}

/** The formats a run writes with (`PRED_FORMAT`, `EVAL_FORMAT`). */
export interface ScoreFileFormats {
  /** Prediction-like files. @default {"xlsx"} */
  pred?: "xlsx" | "tsv" | "json";
  /** Score tables. @default {"csv"} */
  eval?: "csv" | "json";
}

/**
 * The path of a score file, as VLMEvalKit's `get_intermediate_file_path` names it.
 *
 * @example
 * ```ts
 * import { scoreFilePath } from "@vlmeval/scoring";
 * const spec = { suffix: "_acc", format: "eval", content: { kind: "json", value: {} } } as const;
 * scoreFilePath("out/M/M_TextVQA_VAL", spec, { eval: "json" }); // "out/M/M_TextVQA_VAL_acc.json"
 * ```
 */
export function scoreFilePath(
  stem: string,
  spec: ScoreFileSpec,
  formats: ScoreFileFormats = {},
): string {
  const extension = spec.format === "eval"
    ? formats.eval ?? "csv"
    : spec.format === "pred"
    ? formats.pred ?? "xlsx"
    : spec.format;
  return `${stem}${spec.suffix}.${extension}`;
}
