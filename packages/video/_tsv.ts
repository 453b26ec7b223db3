import { DelimitedSyntaxError, parseDelimited } from "@vlmeval/delimited";
import { VideoDatasetError } from "./video_dataset_error.ts";

/** A parsed TSV: the header and each record with the line it starts on (1-based). */
export interface TsvTable {
  header: string[];
  records: { line: number; cells: string[] }[];
}

/**
 * Parses a tab-separated file as pandas writes one: fields holding tabs, quotes or newlines are
 * wrapped in double quotes with inner quotes doubled (QUOTE_MINIMAL or QUOTE_ALL). Blank lines
 * (and lines holding only `""`) are skipped, a short record is padded with empty cells, and a
 * long one is an error. Cells are kept as text: unlike pandas, `NA` or `None` stay strings.
 *
 * @throws {VideoDatasetError} on broken quoting or a record with too many cells
 */
export function parseTsv(text: string, file: string): TsvTable {
  const records: { line: number; cells: string[] }[] = [];
  try {
    for (const { fields, line } of parseDelimited(text)) {
      if (!(fields.length === 1 && fields[0] === "")) records.push({ line, cells: fields });
    }
  } catch (error) {
    if (!(error instanceof DelimitedSyntaxError)) throw error;
    const problem = error.problem === "unclosed-quote"
      ? "a quoted cell is never closed"
      : "text follows a closing quote (a quote inside a quoted cell must be doubled)";
    throw new VideoDatasetError(file, problem, { line: error.recordLine }, { cause: error });
  }
  const [head, ...rest] = records;
  if (!head) throw new VideoDatasetError(file, "it is empty (no header line)");
  const width = head.cells.length;
  for (const record of rest) {
    if (record.cells.length > width) {
      throw new VideoDatasetError(
        file,
        `it has ${record.cells.length} cells where the header has ${width}`,
        { line: record.line },
      );
    }
    while (record.cells.length < width) record.cells.push("");
  }
  return { header: head.cells, records: rest };
}
