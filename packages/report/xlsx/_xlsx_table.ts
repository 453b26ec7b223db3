import type { Row } from "@vlmeval/schema";
import { checkHeader } from "../_table_text.ts";
import { readTsvPredictions } from "../_tsv_predictions.ts";
import { companionPathFor, truncatedCell } from "./_xlsx_text.ts";
import { MalformedFileError } from "../malformed_file_error.ts";
import { neutraliseCell, restoreCell } from "../neutralise.ts";

/** A cell cut at Excel's limit: where it is, what was kept and how long the full text is. */
export interface CutCell {
  row: number;
  column: string;
  prefix: string;
  fullLength: number;
}

/** A prediction sheet as read: columns, rows and the cut cells still to complete. */
export interface XlsxTable {
  columns: string[];
  rows: Row[];
  cut: CutCell[];
}

function columnLetter(column: number): string {
  let letters = "";
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

/**
 * Turns a sheet's cell texts (as exceljs decodes them) into a prediction table, whichever reader
 * produced them: sheet row 1 is the header, our neutralisation is undone, cut cells are noted.
 */
export class XlsxTableBuilder {
  readonly path: string;
  readonly columns: string[] = [];
  readonly rows: Row[] = [];
  readonly cut: CutCell[] = [];

  constructor(path: string) {
    this.path = path;
  }

  /**
   * Sheet row 1; `cells[i]` is column `i + 1`, missing cells are `""`.
   *
   * @throws {MalformedFileError} For an empty, unnamed or repeated column.
   */
  header(cells: readonly string[]): void {
    for (const cell of cells) this.columns.push(restoreCell(cell));
    while (this.columns.length > 0 && this.columns[this.columns.length - 1] === "") {
      this.columns.pop();
    }
    checkHeader(this.path, this.columns);
  }

  /**
   * The next sheet row (`sheetRow` is 2, 3, ...); `cells` may be shorter than the header.
   *
   * @throws {MalformedFileError} For a value beyond the header's columns.
   */
  row(sheetRow: number, cells: readonly string[]): void {
    const { columns, path } = this;
    const row: Row = {};
    const width = Math.max(columns.length, cells.length);
    for (let c = 0; c < width; c++) {
      const cell = cells[c] ?? "";
      if (c >= columns.length) {
        if (cell === "") continue;
        const column = columnLetter(c + 1);
        throw new MalformedFileError(
          `Cannot read ${path} as sheet row ${sheetRow} (row ${sheetRow - 1}) has a value in ` +
            `column ${column}, beyond the header's ${columns.length} columns`,
          { path, row: sheetRow - 1, column },
        );
      }
      const name = columns[c];
      const truncated = truncatedCell(cell);
      if (truncated !== undefined) this.cut.push({ row: sheetRow - 1, column: name, ...truncated });
      row[name] = restoreCell(cell);
    }
    this.rows.push(row);
  }

  /** The table read so far. */
  table(): XlsxTable {
    return { columns: this.columns, rows: this.rows, cut: this.cut };
  }
}

/** Puts back the full text of cells cut at Excel's limit, from the companion `.tsv`. */
export async function restoreCutCells(
  path: string,
  rows: Row[],
  cut: readonly CutCell[],
): Promise<string[]> {
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
    const safe = full === undefined ? undefined : neutraliseCell(full);
    // Files written before the marker counted the original length recorded the neutralised one.
    const lengthMatches = full !== undefined &&
      (full.length === fullLength || safe!.length === fullLength);
    if (lengthMatches && safe!.startsWith(prefix)) {
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
