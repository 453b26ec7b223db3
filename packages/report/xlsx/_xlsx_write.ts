import ExcelJS from "exceljs";
import { commitFile, removeIfPresent, tempPathBeside, writeAtomically } from "@vlmeval/internal";
import { TsvWriter } from "../_tsv_predictions.ts";
import { companionPathFor, escapeXlsxText, EXCEL_CELL_LIMIT, fitExcelCell } from "./_xlsx_text.ts";
import { neutraliseCell } from "../neutralise.ts";
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

/** The parts of exceljs' streaming writer that its type declarations leave out. */
interface NodeWritable {
  closed?: boolean;
  writableNeedDrain?: boolean;
  destroy(): void;
  on(event: "error", listener: (error: Error) => void): unknown;
  on(event: "drain" | "close", listener: () => void): unknown;
  off(event: "drain" | "close", listener: () => void): unknown;
  once(event: "close", listener: () => void): unknown;
}
interface WriterInternals {
  zip: { abort(): unknown; on(event: "error", listener: (error: Error) => void): unknown };
  stream: NodeWritable;
}

/** Text committed between two pauses that let the zip and file streams catch up. */
const PAUSE_EVERY_CHARS = 1 << 20;
/** How long to wait for the file stream to close after an error. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * A cell value exceljs writes as an inline string (`t="inlineStr"`, text in `<t>`), never a
 * formula or link. Its reader decodes `_xHHHH_` escapes in `<t>` exactly once, while plain
 * string cells (`t="str"`) would have their XML entities decoded twice.
 */
function inlineText(text: string): ExcelJS.CellRichTextValue {
  return { richText: [{ text: escapeXlsxText(text) }] };
}

async function letDataFlow(stream: NodeWritable): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (!stream.writableNeedDrain) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

async function discard(internals: WriterInternals): Promise<void> {
  try {
    internals.zip.abort();
  } catch {
    // the archive may already be finished or broken; the file is removed regardless
  }
  const stream = internals.stream;
  if (stream.closed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    stream.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
    stream.destroy();
  });
}

async function streamWorkbook(
  path: string,
  columns: readonly string[],
  records: AsyncIterable<string[]>,
  companion: TsvWriter,
  companionName: string,
  dtypes: ColumnDtypes | undefined,
): Promise<{ rows: number; truncated: TruncatedCell[] }> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useSharedStrings: false,
    useStyles: false,
  });
  const internals = workbook as unknown as WriterInternals;
  let failure: Error | undefined;
  let reportFailure: (error: Error) => void = () => {};
  const failed = new Promise<never>((_, reject) => reportFailure = reject);
  failed.catch(() => {});
  const onError = (error: Error) => {
    failure ??= error;
    reportFailure(error);
  };
  internals.stream.on("error", onError);
  internals.zip.on("error", onError);
  const indexColumn = columns.indexOf("index");
  const truncated: TruncatedCell[] = [];
  let rows = 0;
  try {
    const sheet = workbook.addWorksheet("Sheet1");
    sheet.addRow(columns.map((name) => inlineText(neutraliseCell(name)))).commit();
    let sincePause = 0;
    for await (const cells of records) {
      rows++;
      await companion.writeRow(cells);
      const values = cells.map((cell, i) => {
        const typed = typedCell(cell, dtypes?.[columns[i]]);
        // pandas writes a missing value, and an empty text, as no cell at all.
        if (typed.kind === "missing" || (dtypes && cell === "")) return null;
        // xlsxwriter (VLMEvalKit's engine) writes numbers with 16 significant digits.
        if (typed.kind === "number") return Number(typed.value.toPrecision(16));
        if (typed.kind === "bool") return typed.value;
        if (typed.kind === "infinity") return inlineText(typed.text);
        const safe = neutraliseCell(cell);
        sincePause += safe.length;
        if (safe.length <= EXCEL_CELL_LIMIT) return inlineText(safe);
        truncated.push({
          row: rows,
          ...(indexColumn >= 0 ? { index: cells[indexColumn] } : {}),
          column: columns[i],
          length: cell.length,
        });
        return inlineText(fitExcelCell(safe, companionName, cell.length));
      });
      sheet.addRow(values).commit();
      if (sincePause >= PAUSE_EVERY_CHARS) {
        sincePause = 0;
        await letDataFlow(internals.stream);
        if (failure) throw failure;
      }
    }
    sheet.commit();
    // A stream that failed earlier never finishes, so commit() alone could wait forever.
    await Promise.race([workbook.commit(), failed]);
  } catch (error) {
    await discard(internals);
    throw error;
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
      await finished.close();
      if (result.truncated.length === 0) return result;
      await commitFile(companionTemp, companionPath);
      return { ...result, companionPath };
    });
  } finally {
    companion?.abandon();
    await removeIfPresent(companionTemp).catch(() => {});
  }
}
