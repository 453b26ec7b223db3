import { DatasetFormatError } from "./errors.ts";

/** One TSV record with its place in the file. Field bytes are unescaped (`""` became `"`). */
export interface TsvRecord {
  /** Byte offset of the record's first byte in the file. */
  offset: number;
  /** Bytes from `offset` up to and including the line ending. */
  length: number;
  /** 1-based physical line where the record starts. */
  line: number;
  /** Unescaped field contents. They may share memory with the reader's buffer: use or copy them
   * before asking for the next record. */
  fields: Uint8Array[];
}

const TAB = 9;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const CHUNK_BYTES = 1 << 20;

/** A problem inside one record; the reader turns it into a located DatasetFormatError. */
class ScanProblem extends Error {}

interface Scanned {
  end: number;
  newlines: number;
  fields: Uint8Array[];
}

function countNewlines(view: Uint8Array, from: number, to: number): number {
  let count = 0;
  for (let at = view.indexOf(LF, from); at >= 0 && at < to; at = view.indexOf(LF, at + 1)) count++;
  return count;
}

function unescapeQuotes(raw: Uint8Array): Uint8Array {
  const out = new Uint8Array(raw.length);
  let n = 0;
  for (let k = 0; k < raw.length; k++) {
    out[n++] = raw[k];
    if (raw[k] === QUOTE) k++;
  }
  return out.subarray(0, n);
}

/**
 * Scans one record starting at `start` in `view` (whose length is the number of valid bytes).
 * Returns null when the record does not end inside `view` and more bytes may come (`!eof`).
 * Throws a ScanProblem (the caller adds the location) for an unterminated quote or text after a
 * closing quote.
 */
function scanRecord(view: Uint8Array, start: number, eof: boolean): Scanned | null {
  const limit = view.length;
  const fields: Uint8Array[] = [];
  let newlines = 0;
  let i = start;
  while (true) {
    let next: number;
    if (i < limit && view[i] === QUOTE) {
      let j = i + 1;
      let escaped = false;
      let close: number;
      while (true) {
        close = view.indexOf(QUOTE, j);
        if (close < 0) {
          if (eof) throw new ScanProblem("a quoted field is never closed");
          return null;
        }
        if (close + 1 >= limit && !eof) return null;
        if (view[close + 1] !== QUOTE) break;
        escaped = true;
        j = close + 2;
      }
      const raw = view.subarray(i + 1, close);
      fields.push(escaped ? unescapeQuotes(raw) : raw);
      newlines += countNewlines(view, i + 1, close);
      next = close + 1;
      if (next < limit && view[next] === CR) {
        if (next + 1 >= limit && !eof) return null;
        if (next + 1 === limit || view[next + 1] === LF) next++;
      }
      if (next < limit && view[next] !== TAB && view[next] !== LF) {
        throw new ScanProblem(
          "text follows a closing quote (a quote inside a quoted field must be doubled)",
        );
      }
    } else {
      let j = i;
      while (j < limit && view[j] !== TAB && view[j] !== LF) j++;
      if (j === limit && !eof) return null;
      let fieldEnd = j;
      if (fieldEnd > i && view[fieldEnd - 1] === CR && (j === limit || view[j] === LF)) fieldEnd--;
      fields.push(view.subarray(i, fieldEnd));
      next = j;
    }
    if (next >= limit) return { end: limit, newlines, fields };
    if (view[next] === LF) return { end: next + 1, newlines: newlines + 1, fields };
    i = next + 1;
  }
}

function isBlank(scanned: Scanned, start: number): boolean {
  return scanned.fields.length === 1 && scanned.fields[0].length === 0 &&
    scanned.end - start <= 2;
}

function formatError(file: string, line: number, problem: unknown): unknown {
  if (!(problem instanceof ScanProblem)) return problem;
  return new DatasetFormatError(`Cannot read TSV "${file}" at line ${line}: ${problem.message}`, {
    file,
    line,
  });
}

/**
 * Streams the records of a TSV file written the way pandas writes it, starting at byte
 * `startOffset` (counted as line `startLine`). Blank lines are skipped, `\r\n` endings accepted.
 * Memory is bounded by the chunk size and twice the longest record.
 *
 * @throws {DatasetFormatError} for an unterminated quoted field or text after a closing quote.
 */
export async function* readTsvRecords(
  file: Deno.FsFile,
  fileName: string,
  startOffset: number,
  startLine: number,
): AsyncGenerator<TsvRecord> {
  await file.seek(startOffset, Deno.SeekMode.Start);
  let buffer = new Uint8Array(CHUNK_BYTES);
  let bufferOffset = startOffset;
  let recordStart = 0;
  let filled = 0;
  let eof = false;
  let line = startLine;
  while (true) {
    if (recordStart < filled) {
      let scanned: Scanned | null;
      try {
        scanned = scanRecord(buffer.subarray(0, filled), recordStart, eof);
      } catch (problem) {
        throw formatError(fileName, line, problem);
      }
      if (scanned) {
        if (!isBlank(scanned, recordStart)) {
          yield {
            offset: bufferOffset + recordStart,
            length: scanned.end - recordStart,
            line,
            fields: scanned.fields,
          };
        }
        line += scanned.newlines;
        recordStart = scanned.end;
        continue;
      }
    }
    if (eof) return;
    const pending = filled - recordStart;
    if (recordStart > 0) {
      buffer.copyWithin(0, recordStart, filled);
      bufferOffset += recordStart;
      filled = pending;
      recordStart = 0;
    }
    const wanted = Math.max(CHUNK_BYTES, pending * 2);
    if (buffer.length < wanted) {
      const grown = new Uint8Array(wanted);
      grown.set(buffer.subarray(0, filled));
      buffer = grown;
    }
    while (filled < buffer.length) {
      const n = await file.read(buffer.subarray(filled));
      if (n === null) {
        eof = true;
        break;
      }
      filled += n;
    }
  }
}

/**
 * Parses the bytes of exactly one record (as located by {@linkcode readTsvRecords}).
 *
 * @throws {DatasetFormatError} when the bytes are not one well-formed record.
 */
export function parseTsvRecord(bytes: Uint8Array, fileName: string, line: number): Uint8Array[] {
  let scanned: Scanned | null;
  try {
    scanned = scanRecord(bytes, 0, true);
  } catch (problem) {
    throw formatError(fileName, line, problem);
  }
  if (!scanned || scanned.end !== bytes.length) {
    throw new DatasetFormatError(
      `Cannot read TSV "${fileName}" at line ${line}: the row changed since the dataset was opened`,
      { file: fileName, line },
    );
  }
  return scanned.fields;
}
