import { quoteAllLine } from "@vlmeval/delimited";
import { writeAtomically } from "@vlmeval/internal";
import { writeJsonRecords } from "./_json_predictions.ts";
import { TextSink } from "./_text_sink.ts";
import { type ScoreFormat, scoreFormatOf } from "./formats.ts";
import { neutraliseCell } from "./neutralise.ts";

/** A small result table, such as the accuracy per split and category. */
export interface ScoreTable {
  /** Column names in order: `split`, `Overall`, then one per group. */
  columns: string[];
  /**
   * One array per row, in column order. Numbers are written in full precision; `null` is an
   * empty cell (a group with no rows), as pandas writes NaN.
   */
  rows: (string | number | null)[][];
}

function checkTable(path: string, table: ScoreTable): void {
  if (table.columns.length === 0) {
    throw new RangeError(`Cannot write scores to ${path} as the column list is empty`);
  }
  table.rows.forEach((row, i) => {
    if (row.length !== table.columns.length) {
      throw new RangeError(
        `Cannot write scores to ${path} as row ${i + 1} has ${row.length} cells: ` +
          `expected ${table.columns.length} (${table.columns.join(", ")})`,
      );
    }
  });
}

/** A cell as pandas' `to_csv` writes it: null and NaN empty, infinities `inf`; text neutralised. */
function csvCell(value: string | number | null): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "";
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  return neutraliseCell(value);
}

/**
 * Writes a score table as CSV the way VLMEvalKit does (pandas `QUOTE_ALL`: every field in
 * double quotes, header row, UTF-8), atomically. Text cells get the formula guard of
 * {@linkcode neutraliseCell}; numbers are written as they are.
 *
 * @throws {RangeError} When a row's length differs from the column count.
 * @example
 * ```ts
 * import { writeCsv } from "@vlmeval/report";
 * await writeCsv("M_D_acc.csv", { columns: ["split", "Overall"], rows: [["dev", 0.7329]] });
 * // "split","Overall"
 * // "dev","0.7329"
 * ```
 */
export async function writeCsv(path: string, table: ScoreTable): Promise<void> {
  checkTable(path, table);
  await writeAtomically(path, async (tempPath) => {
    const sink = await TextSink.create(tempPath);
    try {
      sink.write(quoteAllLine(table.columns.map(csvCell), ","));
      for (const row of table.rows) sink.write(quoteAllLine(row.map(csvCell), ","));
    } catch (error) {
      sink.abandon();
      throw error;
    }
    sink.close();
  });
}

/**
 * Writes a score table as `csv` ({@linkcode writeCsv}) or `json` (a list of records, indent 4,
 * numbers as JSON numbers, NaN and empty cells as `null`), as `EVAL_FORMAT` chooses; atomically.
 *
 * @param format Defaults to the one `path`'s extension names.
 */
export async function writeScoreFile(
  path: string,
  table: ScoreTable,
  format: ScoreFormat = scoreFormatOf(path),
): Promise<void> {
  if (format === "csv") return await writeCsv(path, table);
  checkTable(path, table);
  await writeAtomically(path, (tempPath) => writeJsonRecords(tempPath, table.columns, table.rows));
}
