import { commitFile, removeIfPresent, tempPathBeside, writeAtomically } from "@vlmeval/internal";
import { ZipWriter } from "./_zip_writer.ts";
import { ChunkBuffer } from "../_chunk_buffer.ts";
import { corePropertiesXml, FIXED_XLSX_PARTS } from "./_xlsx_parts.ts";
import { TsvWriter } from "../_tsv_predictions.ts";
import { companionPathFor, escapeXlsxText, EXCEL_CELL_LIMIT, fitExcelCell } from "./_xlsx_text.ts";
import { XLSX_CREATOR } from "./_xlsx_table.ts";
import { type ColumnDtypes, typedCell } from "../_typed_cells.ts";

/** A cell cut to fit Excel's limit; its full text is in the companion `.tsv`. */
export interface TruncatedCell {
  /** 1-based data row (the header is row 0; in Excel this is sheet row `row + 1`). */
  row: number;
  /** The row's `index` cell, when the table has an `index` column. */
  index?: string;
  /** Column name. */
  column: string;
  /** Characters in the full text. */
  length: number;
}

/** What an xlsx write produced. */
export interface XlsxWriteResult {
  rows: number;
  truncated: TruncatedCell[];
  /** The companion `<stem>.tsv`, written only when a cell was truncated. */
  companionPath?: string;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const SHEET_HEAD = `${XML_HEAD}<worksheet xmlns="${MAIN}" xmlns:r="${REL}" ` +
  `xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" ` +
  `xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">` +
  `<sheetFormatPr defaultRowHeight="15" outlineLevelRow="0" outlineLevelCol="0" ` +
  `x14ac:dyDescent="55"/><sheetData>`;
const SHEET_TAIL = `</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" ` +
  `header="0.3" footer="0.3"/><pageSetup orientation="portrait" horizontalDpi="4294967295" ` +
  `verticalDpi="4294967295" scale="100" fitToWidth="1" fitToHeight="1"/></worksheet>`;

/** Spreadsheet column letters: A, B, ..., Z, AA, ... */
function columnLetters(index: number): string {
  let name = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
    name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  }
  return name;
}

const XML_SPECIAL = /[&<>"']/g;
const XML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/**
 * An inline-string cell as exceljs writes a one-run rich text (`t="inlineStr"`, text in
 * `<is><r><t>`): `_xHHHH_` escapes for characters XML cannot hold (decoded exactly once by
 * readers), XML entities, and `xml:space="preserve"` where white space at an end or a line
 * break would otherwise be lost.
 */
function inlineCell(ref: string, text: string): string {
  if (isPlainText(text)) return `<c r="${ref}" t="inlineStr"><is><r><t>${text}</t></r></is></c>`;
  const escaped = escapeXlsxText(text);
  const xml = XML_SPECIAL.test(escaped)
    ? escaped.replace(XML_SPECIAL, (c) => XML_ENTITIES[c])
    : escaped;
  XML_SPECIAL.lastIndex = 0;
  const space = /^\s|\n|\s$/.test(text) ? ' xml:space="preserve"' : "";
  return `<c r="${ref}" t="inlineStr"><is><r><t${space}>${xml}</t></r></is></c>`;
}

/**
 * True when the text is printable ASCII with no `_`, XML special character or space at either
 * end: it needs no `_xHHHH_` escape, entity or `xml:space`, and is written as it is. Most cells
 * are so, and this scan costs less than the three expressions {@linkcode inlineCell} otherwise
 * runs (issue 19's profile).
 */
function isPlainText(text: string): boolean {
  const last = text.length - 1;
  if (last >= 0 && (text.charCodeAt(0) === 0x20 || text.charCodeAt(last) === 0x20)) return false;
  for (let i = 0; i <= last; i++) {
    const c = text.charCodeAt(i);
    // Controls (tab and line breaks too), `"`, `&`, `'`, `<`, `>`, `_`, DEL and beyond ASCII.
    if (
      c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x26 || c === 0x27 || c === 0x3c ||
      c === 0x3e || c === 0x5f
    ) return false;
  }
  return true;
}

/** Sheet bytes gathered before they are handed to the deflater. */
const CHUNK_BYTES = 1 << 16;

async function streamWorkbook(
  path: string,
  columns: readonly string[],
  records: AsyncIterable<string[]>,
  companion: TsvWriter,
  companionName: string,
  dtypes: ColumnDtypes | undefined,
): Promise<{ rows: number; truncated: TruncatedCell[] }> {
  const indexColumn = columns.indexOf("index");
  const truncated: TruncatedCell[] = [];
  const letters = columns.map((_, i) => columnLetters(i));
  const spans = `1:${columns.length}`;
  const columnTypes = columns.map((c) => dtypes?.[c]);
  let rows = 0;
  // Each chunk is a view of the buffer, deflated before the generator resumes.
  async function* sheet(): AsyncIterable<Uint8Array> {
    const text = new ChunkBuffer(CHUNK_BYTES);
    text.append(
      SHEET_HEAD + `<row r="1" spans="${spans}" x14ac:dyDescent="0.25">` +
        columns.map((name, i) => inlineCell(`${letters[i]}1`, name)).join("") +
        "</row>",
    );
    for await (const cells of records) {
      rows++;
      companion.writeRow(cells);
      const r = rows + 1;
      let row = `<row r="${r}" spans="${spans}" x14ac:dyDescent="0.25">`;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells[i];
        const ref = `${letters[i]}${r}`;
        if (columnTypes[i] === undefined && cell.length <= EXCEL_CELL_LIMIT) {
          // A text column (the common case) in one step: no typed reading to make.
          if (!(dtypes && cell === "")) row += inlineCell(ref, cell);
          continue;
        }
        const typed = typedCell(cell, columnTypes[i]);
        // pandas writes a missing value, and an empty text, as no cell at all.
        if (typed.kind === "missing" || (dtypes && cell === "")) continue;
        // xlsxwriter (VLMEvalKit's engine) writes numbers with 16 significant digits.
        if (typed.kind === "number") {
          row += `<c r="${ref}"><v>${Number(typed.value.toPrecision(16))}</v></c>`;
        } else if (typed.kind === "bool") {
          row += `<c r="${ref}" t="b"><v>${typed.value ? 1 : 0}</v></c>`;
        } else if (typed.kind === "infinity") {
          row += inlineCell(ref, typed.text);
        } else {
          // An inline string cell is text, never a formula: written as it is.
          if (cell.length <= EXCEL_CELL_LIMIT) {
            row += inlineCell(ref, cell);
            continue;
          }
          truncated.push({
            row: rows,
            ...(indexColumn >= 0 ? { index: cells[indexColumn] } : {}),
            column: columns[i],
            length: cell.length,
          });
          row += inlineCell(ref, fitExcelCell(cell, companionName, cell.length));
        }
      }
      if (text.append(row + "</row>")) yield text.take();
    }
    text.append(SHEET_TAIL);
    yield text.take();
  }
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  try {
    const zip = new ZipWriter(file);
    for (const [name, text] of FIXED_XLSX_PARTS) await zip.add(name, [text]);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    await zip.add("docProps/core.xml", [corePropertiesXml(now, XLSX_CREATOR)]);
    await zip.add("xl/worksheets/sheet1.xml", sheet());
    zip.finish();
  } finally {
    file.close();
  }
  return { rows, truncated };
}

/**
 * Streams a prediction table into an xlsx file (one row in memory at a time) and, alongside,
 * a complete `<stem>.tsv` that is kept only when some cell exceeded Excel's 32,767-character
 * limit and had to be cut in the xlsx. Both files appear atomically: the `.tsv` first.
 */
export async function writeXlsxPredictions(
  path: string,
  columns: readonly string[],
  records: AsyncIterable<string[]>,
  dtypes?: ColumnDtypes,
): Promise<XlsxWriteResult> {
  const companionPath = companionPathFor(path);
  const companionName = companionPath.slice(companionPath.lastIndexOf("/") + 1);
  const companionTemp = tempPathBeside(companionPath);
  let companion: TsvWriter | undefined;
  try {
    return await writeAtomically(path, async (tempPath) => {
      companion = await TsvWriter.create(companionTemp, columns);
      const result = await streamWorkbook(
        tempPath,
        columns,
        records,
        companion,
        companionName,
        dtypes,
      );
      const finished = companion;
      companion = undefined;
      finished.close();
      if (result.truncated.length === 0) return result;
      await commitFile(companionTemp, companionPath);
      return { ...result, companionPath };
    });
  } finally {
    companion?.abandon();
    await removeIfPresent(companionTemp).catch(() => {});
  }
}
