import type { Row } from "@vlmeval/schema";
import { writeAtomically } from "@vlmeval/internal";
import { writeJsonRecords } from "./_json_predictions.ts";
import { TsvWriter } from "./_tsv_predictions.ts";
import { type TruncatedCell, writeXlsxPredictions } from "./xlsx/_xlsx_write.ts";
import { type PredFormat, predictionFormatOf } from "./formats.ts";
import { type ColumnDtypes, typedCell } from "./_typed_cells.ts";

export type { TruncatedCell };

/** What {@linkcode writePredictions} wrote. */
export interface WriteReport {
  /** The file written. */
  path: string;
  /** The format written (from the file extension or the explicit argument). */
  format: PredFormat;
  /** Data rows written (header excluded). */
  rows: number;
  /** xlsx only: cells cut at Excel's 32,767-character limit (full text in `companionPath`). */
  truncated: TruncatedCell[];
  /** xlsx only: the complete `<stem>.tsv` written because some cell was cut. */
  companionPath?: string;
  /** One line per cut cell, naming file, row, index and column; empty when nothing was lost. */
  warnings: string[];
}

function extensionFormat(path: string): PredFormat | undefined {
  try {
    return predictionFormatOf(path);
  } catch {
    return undefined;
  }
}

function checkColumns(columns: readonly string[]): void {
  if (columns.length === 0) {
    throw new RangeError("Cannot write predictions as the column list is empty");
  }
  const seen = new Set<string>();
  for (const name of columns) {
    if (typeof name !== "string" || name === "") {
      throw new RangeError(
        `Cannot write predictions as every column needs a name: current value is ${
          JSON.stringify(name)
        }`,
      );
    }
    if (seen.has(name)) {
      throw new RangeError(
        `Cannot write predictions as column ${JSON.stringify(name)} is listed twice`,
      );
    }
    seen.add(name);
  }
}

async function* cellsOf(
  rows: Iterable<Row> | AsyncIterable<Row>,
  columns: readonly string[],
): AsyncGenerator<string[]> {
  for await (const row of rows) {
    yield columns.map((name) => {
      const value: unknown = row[name];
      return value === undefined || value === null ? "" : String(value);
    });
  }
}

/** pandas `to_csv` writes a missing value as `""`; every other cell is its text. */
function tsvCells(cells: string[], columns: readonly string[], dtypes: ColumnDtypes): string[] {
  return cells.map((cell, i) => typedCell(cell, dtypes[columns[i]]).kind === "missing" ? "" : cell);
}

const json = JSON as unknown as { rawJSON(text: string): unknown };

/** Numbers and booleans as JSON values (`20.0` as written), missing values as `null`. */
async function* jsonCells(
  records: AsyncIterable<string[]>,
  columns: readonly string[],
  dtypes: ColumnDtypes,
): AsyncGenerator<unknown[]> {
  for await (const cells of records) {
    yield cells.map((cell, i) => {
      const typed = typedCell(cell, dtypes[columns[i]]);
      if (typed.kind === "missing") return null;
      if (typed.kind === "bool") return typed.value;
      if (typed.kind === "number") return json.rawJSON(cell);
      return cell;
    });
  }
}

function truncationWarning(path: string, cut: TruncatedCell, companionPath: string): string {
  const index = cut.index === undefined ? "" : ` (index ${cut.index})`;
  return `Row ${cut.row}${index}, column ${JSON.stringify(cut.column)} of ${path} holds ` +
    `${cut.length} characters, more than Excel's 32,767: the xlsx cell is cut and marked, ` +
    `the full text is in ${companionPath}`;
}

/**
 * Writes a prediction table in one of VLMEvalKit's formats, atomically: the rows go to a
 * temporary file beside `path` that replaces `path` only once complete, and is removed if
 * anything fails (including the `rows` iterable throwing). Rows are consumed one at a time,
 * so 100k rows never sit in memory.
 *
 * - `xlsx`: one sheet, every text cell an inline string holding the text as it is (a string
 *   cell is never a formula or a link, so nothing needs guarding). A cell longer than Excel's
 *   32,767 characters is cut with a visible marker, a complete `<stem>.tsv` is written beside it
 *   and the report's `warnings` name the rows.
 * - `tsv`: tab-separated, every field quoted (pandas `QUOTE_ALL`), UTF-8, header row.
 * - `json`: a list of records, indent 4, non-ASCII kept.
 *
 * In tsv, which a spreadsheet evaluates when it opens it, text that could run as a formula gets
 * a leading `'` ({@linkcode neutraliseCell}); {@linkcode readPredictions} removes it again (and
 * from xlsx files of earlier versions, which carried it too: see `XLSX_CREATOR`).
 *
 * With `dtypes` (the dataset's columns as pandas read them), cells are written as VLMEvalKit's
 * pandas writes them: in xlsx, number cells for `int64`/`float64` columns (so Excel sums them
 * and `pd.read_excel` gives VLMEvalKit's frame), boolean cells for `bool` columns and empty
 * cells where the value is missing (`nan`); in tsv, `nan` becomes `""`; in json, numbers and
 * booleans are JSON numbers and booleans and a missing value is `null`.
 *
 * @param path Target file; its folder must exist.
 * @param columns Column order: the dataset's columns without `image`, plus `prediction`.
 * @param rows Cells by column name; a missing cell is written as `""`.
 * @param format Defaults to the one `path`'s extension names; must agree with a known extension.
 * @param dtypes Column dtypes by name (see {@linkcode ColumnDtypes}); other columns are text.
 * @throws {RangeError} For an empty or repeated column name, or a format/extension mismatch.
 * @throws {Error} `Cannot write predictions to <path>: ...` with the original error as cause.
 * @example
 * ```ts
 * import { writePredictions } from "@vlmeval/report";
 * const report = await writePredictions("out/M_D.xlsx", ["index", "question", "prediction"], [
 *   { index: "1", question: "Color?", prediction: "=HYPERLINK(...)" },
 * ]);
 * for (const warning of report.warnings) console.warn(warning);
 * ```
 */
export async function writePredictions(
  path: string,
  columns: readonly string[],
  rows: Iterable<Row> | AsyncIterable<Row>,
  format?: PredFormat,
  dtypes?: ColumnDtypes,
): Promise<WriteReport> {
  checkColumns(columns);
  const implied = format === undefined ? predictionFormatOf(path) : extensionFormat(path);
  if (format !== undefined && implied !== undefined && format !== implied) {
    throw new RangeError(
      `Cannot write ${format} predictions to ${path} as its extension says ${implied}`,
    );
  }
  const chosen = format ?? implied as PredFormat;
  const records = cellsOf(rows, columns);
  try {
    switch (chosen) {
      case "xlsx": {
        const result = await writeXlsxPredictions(path, columns, records, dtypes);
        return {
          path,
          format: chosen,
          rows: result.rows,
          truncated: result.truncated,
          ...(result.companionPath ? { companionPath: result.companionPath } : {}),
          warnings: result.truncated.map((cut) =>
            truncationWarning(path, cut, result.companionPath ?? "")
          ),
        };
      }
      case "tsv": {
        const count = await writeAtomically(path, async (tempPath) => {
          const writer = await TsvWriter.create(tempPath, columns);
          let n = 0;
          try {
            for await (const cells of records) {
              writer.writeRow(dtypes ? tsvCells(cells, columns, dtypes) : cells);
              n++;
            }
          } catch (error) {
            writer.abandon();
            throw error;
          }
          writer.close();
          return n;
        });
        return { path, format: chosen, rows: count, truncated: [], warnings: [] };
      }
      case "json": {
        const count = await writeAtomically(
          path,
          (tempPath) =>
            writeJsonRecords(
              tempPath,
              columns,
              dtypes ? jsonCells(records, columns, dtypes) : records,
            ),
        );
        return { path, format: chosen, rows: count, truncated: [], warnings: [] };
      }
    }
  } catch (error) {
    throw new Error(`Cannot write predictions to ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
