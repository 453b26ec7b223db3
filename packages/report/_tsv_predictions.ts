import { DelimitedSyntaxError, parseDelimited, quoteAllLine } from "@vlmeval/delimited";
import type { Row } from "@vlmeval/schema";
import { checkHeader, readUtf8 } from "./_table_text.ts";
import { TextSink } from "./_text_sink.ts";
import { MalformedFileError } from "./malformed_file_error.ts";
import { neutraliseCell, restoreCell } from "./neutralise.ts";

/** Writes a prediction table as tab-separated text, every field quoted and neutralised. */
export class TsvWriter {
  #sink: TextSink;

  private constructor(sink: TextSink) {
    this.#sink = sink;
  }

  /** Creates `path` (which must not exist) and writes the header. */
  static async create(path: string, columns: readonly string[]): Promise<TsvWriter> {
    const writer = new TsvWriter(await TextSink.create(path));
    try {
      writer.writeRow(columns);
    } catch (error) {
      writer.abandon();
      throw error;
    }
    return writer;
  }

  /** Appends one row of cell texts. */
  writeRow(cells: readonly string[]): void {
    return this.#sink.write(quoteAllLine(cells.map(neutraliseCell), "\t"));
  }

  /** Flushes and closes the file. */
  close(): void {
    this.#sink.close();
  }

  /** Closes the file without flushing; for error paths. */
  abandon(): void {
    this.#sink.abandon();
  }
}

/** Reads a tab-separated prediction file: every cell as text, neutralisation undone. */
export async function readTsvPredictions(
  path: string,
): Promise<{ columns: string[]; rows: Row[] }> {
  const text = await readUtf8(path);
  let columns: string[] | undefined;
  const rows: Row[] = [];
  try {
    for (const { fields, line } of parseDelimited(text, "\t")) {
      if (columns === undefined) {
        columns = fields.map(restoreCell);
        checkHeader(path, columns);
        continue;
      }
      if (fields.length !== columns.length) {
        const row = rows.length + 1;
        const column = fields.length > columns.length
          ? `field ${columns.length + 1}`
          : columns[fields.length];
        throw new MalformedFileError(
          `Cannot read ${path} as line ${line} (row ${row}) has ${fields.length} fields ` +
            `where the header has ${columns.length}`,
          { path, row, column },
        );
      }
      const row: Row = {};
      columns.forEach((name, i) => row[name] = restoreCell(fields[i]));
      rows.push(row);
    }
  } catch (error) {
    if (!(error instanceof DelimitedSyntaxError)) throw error;
    const row = columns === undefined ? undefined : rows.length + 1;
    const column = columns?.[error.column] ?? `field ${error.column + 1}`;
    throw new MalformedFileError(
      `Cannot read ${path} as ${error.message}` +
        (row === undefined ? " (header)" : ` (row ${row}, column ${JSON.stringify(column)})`),
      { path, row, column, cause: error },
    );
  }
  checkHeader(path, columns ?? []);
  return { columns: columns ?? [], rows };
}
