import type ExcelJS from "exceljs";
import { pythonFloatRepr } from "@vlmeval/delimited";
import type { Row } from "@vlmeval/schema";
import { readOwnXlsx } from "./_xlsx_stream_read.ts";
import {
  neutralisedByCreator,
  restoreCutCells,
  type XlsxTable,
  XlsxTableBuilder,
} from "./_xlsx_table.ts";
import { MalformedFileError } from "../malformed_file_error.ts";

/**
 * A cell's value as text: strings as exceljs decoded them (`_xHHHH_` escapes already undone in
 * inline and shared strings), other values as Python's `str()` would show them.
 */
function valueText(value: ExcelJS.CellValue | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number") {
    return Number.isInteger(value) && Math.abs(value) < 2 ** 53
      ? String(value)
      : pythonFloatRepr(value);
  }
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

function rowTexts(row: ExcelJS.Row): string[] {
  const cells: string[] = [];
  for (let c = 1; c <= row.cellCount; c++) cells.push(valueText(row.getCell(c).value));
  return cells;
}

/**
 * Reads the first sheet of any xlsx workbook through exceljs' complete (in-memory) reader: every
 * cell type, shared strings, styles. About 13 KB of memory per row while it runs.
 */
export async function readXlsxWithExcelJS(path: string): Promise<XlsxTable> {
  // Loaded only here: exceljs takes about 0.3 s to load, and our own files never need it.
  const { default: excel } = await import("exceljs");
  const workbook = new excel.Workbook();
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
  const table = new XlsxTableBuilder(path, neutralisedByCreator(workbook.creator));
  table.header(rowTexts(sheet.getRow(1)));
  for (let r = 2; r <= sheet.rowCount; r++) table.row(r, rowTexts(sheet.getRow(r)));
  return table.table();
}

/**
 * Reads the first sheet of an xlsx prediction file: row 1 is the header, every cell becomes
 * text, Excel escapes are undone (and the formula guard of files we wrote before cells were
 * kept as they are), and cells cut at Excel's limit get their full text back from the
 * companion `<stem>.tsv` (a warning when that is impossible).
 * Files our own writer made are streamed (one row of XML in memory at a time); any other
 * workbook, or one of ours that turns out damaged, goes through exceljs.
 */
export async function readXlsxPredictions(
  path: string,
): Promise<{ columns: string[]; rows: Row[]; warnings: string[] }> {
  await Deno.stat(path);
  const { columns, rows, cut, neutralised } = await readOwnXlsx(path) ??
    await readXlsxWithExcelJS(path);
  const warnings = cut.length === 0 ? [] : await restoreCutCells(path, rows, cut, neutralised);
  return { columns, rows, warnings };
}
