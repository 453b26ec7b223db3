import { VideoDatasetError } from "./video_dataset_error.ts";

/** A parsed TSV: the header and each record with the line it starts on (1-based). */
export interface TsvTable {
  header: string[];
  records: { line: number; cells: string[] }[];
}

/**
 * Parses a tab-separated file as pandas writes one: fields holding tabs, quotes or newlines are
 * wrapped in double quotes with inner quotes doubled (QUOTE_MINIMAL or QUOTE_ALL). Blank lines
 * are skipped, a short record is padded with empty cells, and a long one is an error. Cells are
 * kept as text: unlike pandas, `NA` or `None` stay strings.
 *
 * @throws {VideoDatasetError} on an unterminated quote or a record with too many cells
 */
export function parseTsv(text: string, file: string): TsvTable {
  const records: { line: number; cells: string[] }[] = [];
  let line = 1;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (pos < text.length) {
    const start = line;
    const cells: string[] = [];
    while (true) {
      let cell = "";
      if (text[pos] === '"') {
        pos++;
        while (true) {
          const quote = text.indexOf('"', pos);
          if (quote === -1) {
            throw new VideoDatasetError(file, "a quoted cell is never closed", { line: start });
          }
          cell += text.slice(pos, quote);
          line += countNewlines(text, pos, quote);
          pos = quote + 1;
          if (text[pos] === '"') {
            cell += '"';
            pos++;
          } else break;
        }
        const end = nextDelimiter(text, pos);
        cell += text.slice(pos, end).replace(/\r$/, "");
        pos = end;
      } else {
        const end = nextDelimiter(text, pos);
        cell = text.slice(pos, end).replace(/\r$/, "");
        pos = end;
      }
      cells.push(cell);
      if (text[pos] === "\t") {
        pos++;
        continue;
      }
      if (text[pos] === "\n") {
        pos++;
        line++;
      }
      break;
    }
    if (!(cells.length === 1 && cells[0] === "")) records.push({ line: start, cells });
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

function nextDelimiter(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === "\t" || c === "\n") return i;
  }
  return text.length;
}

function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (text[i] === "\n") n++;
  return n;
}
