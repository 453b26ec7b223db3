import { RecordScanner, separatorCode } from "./_scan.ts";

/** One record of a delimited file with its place in the file. */
export interface DelimitedByteRecord {
  /** Byte offset of the record's first byte in the file. */
  offset: number;
  /** Bytes from `offset` up to and including the line ending. */
  length: number;
  /** 1-based physical line where the record starts. */
  line: number;
  /** Unquoted field bytes (`""` became `"`). They may share memory with the reader's buffer: use
   * or copy them before asking for the next record. */
  fields: Uint8Array[];
}

/** Where {@linkcode readDelimitedRecords} starts and how it splits fields. */
export interface ReadDelimitedOptions {
  /** Byte offset of the first record (default 0, where a UTF-8 byte-order mark is skipped). */
  offset?: number;
  /** 1-based line of the record at `offset` (default 1). */
  line?: number;
  /** Field separator, one character (default tab). */
  separator?: string;
}

const QUOTE = 34;
const CHUNK_BYTES = 1 << 20;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Streams the records of a delimited file written the way pandas writes it (QUOTE_MINIMAL or
 * QUOTE_ALL, `\n` or `\r\n` endings), from `options.offset`. Blank lines are skipped; records
 * keep the length they have. Memory is bounded by a 1 MiB chunk and twice the longest record,
 * so a benchmark of any size (base64 images included) is never held whole. One record object and
 * its `fields` array are yielded again for each record: use or copy what you need before asking
 * for the next one (an object and an array fewer per record, issue 19).
 *
 * @example
 * ```ts ignore
 * import { readDelimitedRecords } from "@vlmeval/delimited";
 * using file = await Deno.open("Shapes_MCQ.tsv");
 * for await (const record of readDelimitedRecords(file)) console.log(record.line, record.fields.length);
 * ```
 *
 * @throws {DelimitedSyntaxError} for an unterminated quoted field or text after a closing quote.
 */
export async function* readDelimitedRecords(
  file: Deno.FsFile,
  options: ReadDelimitedOptions = {},
): AsyncGenerator<DelimitedByteRecord> {
  const separator = separatorCode(options.separator ?? "\t");
  const startOffset = options.offset ?? 0;
  await file.seek(startOffset, Deno.SeekMode.Start);
  let buffer = new Uint8Array(CHUNK_BYTES);
  let scanner = new RecordScanner(buffer.subarray(0, 0), separator);
  let bufferOffset = startOffset;
  let recordStart = 0;
  let filled = 0;
  let eof = false;
  let line = options.line ?? 1;
  let atFileStart = startOffset === 0;
  const record: DelimitedByteRecord = { offset: 0, length: 0, line: 0, fields: [] };
  while (true) {
    if (recordStart < filled && scanner.scan(recordStart, eof, line)) {
      if (!scanner.isBlank(recordStart)) {
        record.offset = bufferOffset + recordStart;
        record.length = scanner.end - recordStart;
        record.line = line;
        byteFields(buffer, scanner.spans, scanner.spanLength, record.fields);
        yield record;
      }
      line += scanner.newlines;
      recordStart = scanner.end;
      continue;
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
    scanner = new RecordScanner(buffer.subarray(0, filled), separator);
    if (atFileStart) {
      atFileStart = false;
      if (filled >= 3 && UTF8_BOM.every((byte, k) => buffer[k] === byte)) recordStart = 3;
    }
  }
}

/**
 * The fields at `spans` (as {@linkcode RecordScanner} finds them), doubled quotes undone, written
 * into `fields` (cut to their number) and returned.
 */
function byteFields(
  bytes: Uint8Array,
  spans: readonly number[],
  spanLength: number,
  fields: Uint8Array[] = [],
): Uint8Array[] {
  let count = 0;
  for (let k = 0; k < spanLength; k += 3) {
    const raw = bytes.subarray(spans[k], spans[k + 1]);
    if (!spans[k + 2]) {
      fields[count++] = raw;
      continue;
    }
    const out = new Uint8Array(raw.length);
    let n = 0;
    for (let b = 0; b < raw.length; b++) {
      out[n++] = raw[b];
      if (raw[b] === QUOTE) b++;
    }
    fields[count++] = out.subarray(0, n);
  }
  if (fields.length !== count) fields.length = count;
  return fields;
}

/**
 * Parses the bytes of exactly one record (as located by {@linkcode readDelimitedRecords}) that
 * starts on 1-based `line`. Returns undefined when the bytes are not exactly one record (say,
 * the file changed since it was read).
 *
 * @throws {DelimitedSyntaxError} for an unterminated quoted field or text after a closing quote.
 */
export function parseDelimitedRecord(
  bytes: Uint8Array,
  line: number,
  separator = "\t",
): Uint8Array[] | undefined {
  const scanner = new RecordScanner(bytes, separatorCode(separator));
  scanner.scan(0, true, line);
  return scanner.end === bytes.length
    ? byteFields(bytes, scanner.spans, scanner.spanLength)
    : undefined;
}
