import type { Row } from "@vlmeval/schema";
import { readJsonPredictions } from "./_json_predictions.ts";
import { readTsvPredictions } from "./_tsv_predictions.ts";
import { readXlsxPredictions } from "./xlsx/_xlsx_read.ts";
import { type PredFormat, predictionFormatOf } from "./formats.ts";

/** A prediction file read back: column order and rows of cell text. */
export interface PredictionTable {
  /** Column names in file order, `prediction` included. */
  columns: string[];
  /** Every cell as text, exactly as written: `None`, `NA` or `""` stay text, never NaN. */
  rows: Row[];
  /** Problems that did not stop the read (an xlsx cell whose full text could not be found). */
  warnings: string[];
}

/**
 * Reads a prediction file (`.xlsx`, `.tsv` or `.json`, or `format`) for re-scoring or resume.
 * Every cell comes back as text (numbers as written, empty as `""`), the `'` that
 * {@linkcode writePredictions} adds to formula-like text is removed (xlsx and tsv), and xlsx
 * cells cut at Excel's limit are completed from the companion `<stem>.tsv`. Files written by
 * VLMEvalKit read too. A JSON file with no records has no columns.
 *
 * @throws {MalformedFileError} When the file is not a well-formed table; the message names the
 * file, row and column.
 * @throws {Deno.errors.NotFound} When the file does not exist.
 */
export async function readPredictions(
  path: string,
  format: PredFormat = predictionFormatOf(path),
): Promise<PredictionTable> {
  switch (format) {
    case "xlsx":
      return await readXlsxPredictions(path);
    case "tsv":
      return { ...await readTsvPredictions(path), warnings: [] };
    case "json":
      return { ...await readJsonPredictions(path), warnings: [] };
  }
}
