import {
  type DelimitedByteRecord,
  DelimitedSyntaxError,
  parseDelimitedRecord,
  readDelimitedRecords,
} from "@vlmeval/delimited";
import { DatasetFormatError } from "./errors.ts";

/** One TSV record with its place in the file (see {@linkcode readDelimitedRecords}). */
export type TsvRecord = DelimitedByteRecord;

/** Broken quoting as users of this package see it: the file and the line its record starts on. */
function formatError(file: string, error: unknown): unknown {
  if (!(error instanceof DelimitedSyntaxError)) return error;
  const problem = error.problem === "unclosed-quote"
    ? "a quoted field is never closed"
    : "text follows a closing quote (a quote inside a quoted field must be doubled)";
  const line = error.recordLine;
  return new DatasetFormatError(`Cannot read TSV "${file}" at line ${line}: ${problem}`, {
    file,
    line,
  }, { cause: error });
}

/**
 * Streams the records of a TSV file from byte `startOffset` (counted as line `startLine`; a
 * byte-order mark is skipped at offset 0). Blank lines are skipped, `\r\n` endings accepted.
 *
 * @throws {DatasetFormatError} for an unterminated quoted field or text after a closing quote.
 */
export function readTsvRecords(
  file: Deno.FsFile,
  fileName: string,
  startOffset: number,
  startLine: number,
): AsyncIterableIterator<TsvRecord, undefined> {
  const records = readDelimitedRecords(file, { offset: startOffset, line: startLine });
  const located = (error: unknown): never => {
    throw formatError(fileName, error);
  };
  // A plain iterator rather than a wrapping generator: it costs one promise per record, not two.
  return {
    next: () => records.next().catch(located),
    return: () => records.return(undefined),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/**
 * Parses the bytes of exactly one record of `width` fields (as located by
 * {@linkcode readTsvRecords}).
 *
 * @throws {DatasetFormatError} when the bytes are not one well-formed record of `width` fields
 * (the file changed since it was read).
 */
export function parseTsvRecord(
  bytes: Uint8Array,
  fileName: string,
  line: number,
  width: number,
): Uint8Array[] {
  let fields: Uint8Array[] | undefined;
  try {
    fields = parseDelimitedRecord(bytes, line);
  } catch (error) {
    throw formatError(fileName, error);
  }
  if (!fields || fields.length !== width) {
    throw new DatasetFormatError(
      `Cannot read TSV "${fileName}" at line ${line}: the row changed since the dataset was opened`,
      { file: fileName, line },
    );
  }
  return fields;
}
