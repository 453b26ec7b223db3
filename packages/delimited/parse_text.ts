import { RecordScanner, separatorCode } from "./_scan.ts";

/** A record of delimited text and the 1-based line it starts on. */
export interface DelimitedRecord {
  /** The record's fields, unquoted, as text. */
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/**
 * Splits delimited text written the way pandas writes it (QUOTE_MINIMAL or QUOTE_ALL, `\n` or
 * `\r\n` line ends) into records. A quoted field may hold separators, newlines and doubled
 * quotes; blank lines are skipped, a leading byte-order mark is ignored and every field stays
 * text. Records keep the length they have: callers check it against their header.
 *
 * @example
 * ```ts
 * import { parseDelimited } from "@vlmeval/delimited";
 * const records = [...parseDelimited('index\tquestion\n0\t"two\nlines"\n')];
 * // [{ fields: ["index", "question"], line: 1 }, { fields: ["0", "two\nlines"], line: 2 }]
 * ```
 *
 * @throws {DelimitedSyntaxError} On an unterminated quote or text after a closing quote.
 * @throws {RangeError} When `separator` is not one ASCII character other than a quote or line
 * break.
 */
export function* parseDelimited(text: string, separator = "\t"): Generator<DelimitedRecord> {
  const code = separatorCode(separator);
  // The scanner reads UTF-8; fields are cut from `text` itself, at UTF-16 positions that `units`
  // counts from the bytes (the same positions when the text is ASCII).
  const bytes = new TextEncoder().encode(text);
  const scanner = new RecordScanner(bytes, code);
  const units = new UnitCounter(bytes, bytes.length !== text.length);
  let pos = text.charCodeAt(0) === 0xfeff ? 3 : 0;
  let line = 1;
  while (pos < bytes.length) {
    scanner.scan(pos, true, line);
    if (!scanner.isBlank(pos)) {
      const spans = scanner.spans;
      const fields: string[] = [];
      for (let k = 0; k < scanner.spanLength; k += 3) {
        const field = text.slice(units.at(spans[k]), units.at(spans[k + 1]));
        fields.push(spans[k + 2] ? field.replaceAll('""', '"') : field);
      }
      yield { fields, line };
    }
    line += scanner.newlines;
    pos = scanner.end;
  }
}

/** UTF-16 positions of UTF-8 byte positions, asked in increasing order. */
class UnitCounter {
  #byte = 0;
  #unit = 0;
  constructor(readonly bytes: Uint8Array, readonly multiByte: boolean) {}

  at(byte: number): number {
    if (!this.multiByte) return byte;
    const bytes = this.bytes;
    let unit = this.#unit;
    for (let at = this.#byte; at < byte; at++) {
      const lead = bytes[at];
      // A lead byte starts one UTF-16 unit, or two (a surrogate pair) for a 4-byte sequence.
      if ((lead & 0xc0) !== 0x80) unit += lead >= 0xf0 ? 2 : 1;
    }
    this.#byte = byte;
    this.#unit = unit;
    return unit;
  }
}
