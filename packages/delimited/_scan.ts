import { DelimitedSyntaxError } from "./syntax_error.ts";

const LF = 10;
const CR = 13;
const QUOTE = 34;
/** Bytes looked at one by one before a field's end is searched natively (cheaper when short). */
const SHORT_FIELD = 32;

/**
 * Finds the records of delimited bytes written the way pandas writes them (QUOTE_MINIMAL or
 * QUOTE_ALL, `\n` or `\r\n` endings), one at a time, as field spans: materialising the fields
 * (bytes or text) is the caller's part, so this one scanner serves the byte reader and the text
 * parser alike and stays fast for both. A scanner is for one buffer: make a new one when its
 * bytes change.
 */
export class RecordScanner {
  /** Position just past the last record found (past its line ending, or the end of input). */
  end = 0;
  /** Line endings inside the last record found, its own included. */
  newlines = 0;
  /**
   * The last record's fields as triples: start, end, and 1 when the field was quoted with
   * doubled quotes inside (to be undone), else 0. Only the first `spanLength` entries are the
   * last record's: the array is reused from record to record, never shrunk (emptying it
   * reallocated its storage for every record: about 700 bytes a row, issue 19).
   */
  readonly spans: number[] = [];
  /** Entries of `spans` that belong to the last record found (3 per field). */
  spanLength = 0;
  readonly #bytes: Uint8Array;
  readonly #separator: number;
  #nextSeparator = -1;
  #nextNewline = -1;

  /** Scans `bytes` (every byte valid) splitting fields on the `separator` byte. */
  constructor(bytes: Uint8Array, separator: number) {
    this.#bytes = bytes;
    this.#separator = separator;
  }

  /**
   * Scans the record starting at `start`, on 1-based `line`. Returns false when it does not end
   * inside the bytes and more may come (`!eof`); else sets `end`, `newlines`, `spans` and
   * `spanLength`.
   *
   * @throws {DelimitedSyntaxError} for an unterminated quote or text after a closing quote.
   */
  scan(start: number, eof: boolean, line: number): boolean {
    const bytes = this.#bytes;
    const limit = bytes.length;
    const separator = this.#separator;
    const spans = this.spans;
    let n = 0;
    let newlines = 0;
    let i = start;
    while (true) {
      let next: number;
      if (i < limit && bytes[i] === QUOTE) {
        let j = i + 1;
        let escaped = 0;
        let close: number;
        while (true) {
          close = bytes.indexOf(QUOTE, j);
          if (close < 0) {
            if (!eof) return false;
            const opened = line + newlines;
            throw new DelimitedSyntaxError(
              `a quoted field opened on line ${opened} is never closed`,
              {
                problem: "unclosed-quote",
                line: opened,
                column: n / 3,
                recordLine: line,
              },
            );
          }
          if (close + 1 >= limit && !eof) return false;
          if (bytes[close + 1] !== QUOTE) break;
          escaped = 1;
          j = close + 2;
        }
        spans[n] = i + 1;
        spans[n + 1] = close;
        spans[n + 2] = escaped;
        n += 3;
        newlines += this.#countNewlines(i + 1, close);
        next = close + 1;
        if (next < limit && bytes[next] === CR) {
          if (next + 1 >= limit && !eof) return false;
          if (next + 1 === limit || bytes[next + 1] === LF) next++;
        }
        if (next < limit && bytes[next] !== separator && bytes[next] !== LF) {
          const at = line + newlines;
          throw new DelimitedSyntaxError(
            `line ${at} has ${JSON.stringify(this.#char(next))} right after a closing quote`,
            {
              problem: "text-after-quote",
              line: at,
              column: n / 3 - 1,
              recordLine: line,
            },
          );
        }
      } else {
        const j = this.#fieldEnd(i);
        if (j === limit && !eof) return false;
        let fieldEnd = j;
        if (fieldEnd > i && bytes[fieldEnd - 1] === CR && (j === limit || bytes[j] === LF)) {
          fieldEnd--;
        }
        spans[n] = i;
        spans[n + 1] = fieldEnd;
        spans[n + 2] = 0;
        n += 3;
        next = j;
      }
      if (next >= limit) {
        this.end = limit;
        this.newlines = newlines;
        this.spanLength = n;
        return true;
      }
      if (bytes[next] === LF) {
        this.end = next + 1;
        this.newlines = newlines + 1;
        this.spanLength = n;
        return true;
      }
      i = next + 1;
    }
  }

  /** True when the last record found, starting at `start`, is a blank line. */
  isBlank(start: number): boolean {
    const spans = this.spans;
    return this.spanLength === 3 && spans[0] === spans[1] && this.#bytes[start] !== QUOTE;
  }

  /**
   * Position of the next separator or `\n` at or after `from`, or the end. A long field is
   * searched natively, remembering the next of each, so no stretch is searched twice.
   */
  #fieldEnd(from: number): number {
    const bytes = this.#bytes;
    const separator = this.#separator;
    const stop = Math.min(from + SHORT_FIELD, bytes.length);
    for (let at = from; at < stop; at++) {
      const code = bytes[at];
      if (code === separator || code === LF) return at;
    }
    if (this.#nextSeparator < stop) this.#nextSeparator = this.#find(separator, stop);
    if (this.#nextNewline < stop) this.#nextNewline = this.#find(LF, stop);
    return Math.min(this.#nextSeparator, this.#nextNewline);
  }

  /** How many `\n` lie in [from, to). */
  #countNewlines(from: number, to: number): number {
    let count = 0;
    while (true) {
      if (this.#nextNewline < from) this.#nextNewline = this.#find(LF, from);
      if (this.#nextNewline >= to) return count;
      count++;
      from = this.#nextNewline + 1;
    }
  }

  /** Position of the next `code` at or after `from`, or the end. */
  #find(code: number, from: number): number {
    const at = this.#bytes.indexOf(code, from);
    return at < 0 ? this.#bytes.length : at;
  }

  /** The character at `at`, for messages. */
  #char(at: number): string {
    const text = new TextDecoder().decode(this.#bytes.subarray(at, at + 4));
    return String.fromCodePoint(text.codePointAt(0)!);
  }
}

/** The byte of a one-character separator. */
export function separatorCode(separator: string): number {
  const code = separator.charCodeAt(0);
  if (separator.length !== 1 || code >= 0x80 || code === QUOTE || code === LF || code === CR) {
    throw new RangeError(
      `Cannot split delimited text as the separator must be one ASCII character other than a quote or a line break: current value is ${
        JSON.stringify(separator)
      }`,
    );
  }
  return code;
}
