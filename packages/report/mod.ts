/**
 * Prediction and score files in VLMEvalKit's formats, and terminal tables.
 *
 * - {@linkcode writePredictions} / {@linkcode readPredictions}: xlsx (streamed), tsv or json,
 *   atomic, formula-safe and loss-free (long xlsx cells get a complete `.tsv` companion).
 * - {@linkcode writeCsv} / {@linkcode writeScoreFile}: score tables as VLMEvalKit writes them.
 * - {@linkcode formatTable}: aligned plain text for the end-of-run summary.
 * - {@linkcode predictionFormat} and the file name helpers, as `PRED_FORMAT`/`EVAL_FORMAT` pick.
 *
 * Nothing runs at import.
 *
 * @example
 * ```ts
 * import { predictionFileName, predictionFormat, writePredictions } from "@vlmeval/report";
 * const fmt = predictionFormat(Deno.env.get("PRED_FORMAT"));
 * const report = await writePredictions(
 *   `out/${predictionFileName("M", "D", fmt)}`,
 *   ["index", "question", "prediction"],
 *   [{ index: "1", question: "2+2?", prediction: "4" }],
 * );
 * report.warnings.forEach((warning) => console.warn(warning));
 * ```
 *
 * @module
 */

export {
  PRED_FORMATS,
  type PredFormat,
  predictionColumns,
  predictionFileName,
  predictionFormat,
  predictionFormatOf,
  SCORE_FORMATS,
  scoreFileName,
  scoreFileStem,
  type ScoreFormat,
  scoreFormat,
  scoreFormatOf,
} from "./formats.ts";
export { neutraliseCell, restoreCell } from "./neutralise.ts";
export { MalformedFileError, type MalformedFileErrorOptions } from "./malformed_file_error.ts";
export { type TruncatedCell, writePredictions, type WriteReport } from "./write_predictions.ts";
export type { ColumnDtypes } from "./_typed_cells.ts";
export { type PredictionTable, readPredictions } from "./read_predictions.ts";
export { type ScoreTable, writeCsv, writeScoreFile } from "./score_file.ts";
export { formatTable, type FormatTableOptions, type TableCell } from "./format_table.ts";
