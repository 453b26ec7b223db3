/**
 * @vlmeval/report/baseline: the exceljs full-workbook reader that `readPredictions` falls back
 * to, run alone: the baseline `benchmarks/report_write_measure.ts` measures the streaming xlsx
 * reader against. Not for reading predictions (use `readPredictions`).
 *
 * @module
 */
import type { PredictionTable } from "./read_predictions.ts";
import { readXlsxWithExcelJS } from "./xlsx/_xlsx_read.ts";
import { restoreCutCells } from "./xlsx/_xlsx_table.ts";

/**
 * Reads an xlsx prediction file through exceljs' complete (in-memory) reader, then does what
 * `readPredictions` does after it (cut cells completed from the companion `.tsv`).
 *
 * @throws {MalformedFileError} When the file is not a well-formed table.
 */
export async function readXlsxPredictionsWithExcelJS(path: string): Promise<PredictionTable> {
  const read = await readXlsxWithExcelJS(path);
  return { ...read, warnings: await restoreCutCells(path, read.rows, read.cut) };
}
