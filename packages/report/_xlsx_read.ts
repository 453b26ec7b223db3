import ExcelJS from "exceljs";
import type { Row } from "@vlmeval/schema";
import { checkHeader } from "./_table_text.ts";
import { readTsvPredictions } from "./_tsv_predictions.ts";
import { companionPathFor, truncatedCell } from "./_xlsx_text.ts";
import { MalformedFileError } from "./malformed_file_error.ts";
import { neutraliseCell, restoreCell } from "./neutralise.ts";

/**
 * A cell's value as text: strings as exceljs decoded them (`_xHHHH_` escapes already undone in
 * inline and shared strings), other values as Python's `str()` would show them.
 */
function valueText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value instanceof Date) return value.toISOString();
  if ("richText" in value) return value.richText.map((run) => run.text).join("");
  if ("hyperlink" in value) return valueText(value.text as ExcelJS.CellValue);
  if ("formula" in value || "sharedFormula" in value) {
    return valueText(value.result as ExcelJS.CellValue | undefined);
  }
  if ("error" in value) return value.error;
  return "";
}

function columnLetter(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

interface CutCell {
  row: number;
  column: string;
  prefix: string;
  fullLength: number;
}

/** Puts back the full text of cells cut at Excel's limit, from the companion `.tsv`. */
async function restoreCutCells(path: string, rows: Row[], cut: CutCell[]): Promise<string[]> {
  const companionPath = companionPathFor(path);
  let companion: Row[] | undefined;
  let problem = "";
  try {
    companion = (await readTsvPredictions(companionPath)).rows;
  } catch (error) {
    problem = error instanceof Deno.errors.NotFound
      ? `${companionPath} does not exist`
      : `${companionPath} cannot be read (${(error as Error).message})`;
  }
  const warnings: string[] = [];
  for (const { row, column, prefix, fullLength } of cut) {
    const full = companion?.[row - 1]?.[column];
    if (
      full !== undefined && full.length === fullLength && neutraliseCell(full).startsWith(prefix)
    ) {
      rows[row - 1][column] = full;
      continue;
    }
    warnings.push(
      `Row ${row}, column ${JSON.stringify(column)} of ${path} was cut at Excel's ` +
        `32,767-character limit and ${
          problem || `${companionPath} does not hold its full text`
        }: the cut text is used`,
    );
  }
  return warnings;
}

/**
 * Reads the first sheet of an xlsx prediction file: row 1 is the header, every cell becomes
 * text, Excel escapes and our neutralisation are undone, and cells cut at Excel's limit get
 * their full text back from the companion `<stem>.tsv` (a warning when that is impossible).
 */
export async function readXlsxPredictions(
  path: string,
): Promise<{ columns: string[]; rows: Row[]; warnings: string[] }> {
  await Deno.stat(path);
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.readFile(path);
  } catch (error) {
    throw new MalformedFileError(
      `Cannot read ${path} as an xlsx workbook: ${(error as Error).message}`,
      { path, cause: error },
    );
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined) {
    throw new MalformedFileError(`Cannot read ${path} as it has no worksheet`, { path });
  }
  const text = valueText;
  const header = sheet.getRow(1);
  const columns: string[] = [];
  for (let c = 1; c <= header.cellCount; c++) {
    columns.push(restoreCell(text(header.getCell(c).value)));
  }
  while (columns.length > 0 && columns[columns.length - 1] === "") columns.pop();
  checkHeader(path, columns);
  const rows: Row[] = [];
  const cut: CutCell[] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const sheetRow = sheet.getRow(r);
    const row: Row = {};
    for (let c = 1; c <= Math.max(columns.length, sheetRow.cellCount); c++) {
      const cell = text(sheetRow.getCell(c).value);
      if (c > columns.length) {
        if (cell === "") continue;
        const column = columnLetter(c);
        throw new MalformedFileError(
          `Cannot read ${path} as sheet row ${r} (row ${r - 1}) has a value in column ` +
            `${column}, beyond the header's ${columns.length} columns`,
          { path, row: r - 1, column },
        );
      }
      const name = columns[c - 1];
      const truncated = truncatedCell(cell);
      if (truncated !== undefined) cut.push({ row: r - 1, column: name, ...truncated });
      row[name] = restoreCell(cell);
    }
    rows.push(row);
  }
  const warnings = cut.length === 0 ? [] : await restoreCutCells(path, rows, cut);
  return { columns, rows, warnings };
}
