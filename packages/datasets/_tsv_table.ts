import { DatasetFormatError } from "./errors.ts";
import { readTsvRecords } from "./_tsv_records.ts";

/** A TSV file read whole: the header and each record with the line it starts on (1-based). */
export interface TsvTable {
  header: string[];
  records: { line: number; cells: string[] }[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads a small TSV file (a video benchmark's questions) whole, with the same reader as the
 * streaming image datasets ({@linkcode readTsvRecords}): pandas quoting, a byte-order mark and
 * `\r\n` endings accepted. Blank lines (and lines holding only `""`) are skipped, a short record
 * is padded with empty cells, and a long one is an error. Cells are kept as text: unlike pandas,
 * `NA` or `None` stay strings.
 *
 * @throws {DatasetFormatError} naming the file and line for broken quoting, text that is not
 * UTF-8, an empty file, or a record with more cells than the header.
 */
export async function readTsvTable(path: string): Promise<TsvTable> {
  const records: { line: number; cells: string[] }[] = [];
  {
    using file = await Deno.open(path, { read: true });
    for await (const record of readTsvRecords(file, path, 0, 1)) {
      const cells = record.fields.map((bytes) => decode(bytes, path, record.line));
      if (!(cells.length === 1 && cells[0] === "")) records.push({ line: record.line, cells });
    }
  }
  const [head, ...rest] = records;
  if (!head) {
    throw new DatasetFormatError(
      `Cannot read TSV "${path}" at line 1: the file is empty (no header line)`,
      { file: path, line: 1 },
    );
  }
  const width = head.cells.length;
  for (const record of rest) {
    if (record.cells.length > width) {
      throw new DatasetFormatError(
        `Cannot read TSV "${path}" at line ${record.line}: the row has ${record.cells.length} ` +
          `fields: expected ${width} as in the header`,
        { file: path, line: record.line },
      );
    }
    while (record.cells.length < width) record.cells.push("");
  }
  return { header: head.cells, records: rest };
}

function decode(bytes: Uint8Array, file: string, line: number): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    throw new DatasetFormatError(
      `Cannot read TSV "${file}" at line ${line}: the text is not valid UTF-8`,
      { file, line },
      { cause: error },
    );
  }
}
