/** One line of a delimited file with every field quoted, as pandas writes with `QUOTE_ALL`. */
export function quoteAllLine(fields: readonly string[], separator: string): string {
  let line = "";
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += separator;
    line += `"${fields[i].replaceAll('"', '""')}"`;
  }
  return `${line}\n`;
}

/** A record of a delimited file and the line it starts on (1-based). */
export interface DelimitedRecord {
  fields: string[];
  line: number;
}

/** Delimited text that breaks the quoting rules, at a 1-based line and 0-based field. */
export class DelimitedSyntaxError extends SyntaxError {
  readonly line: number;
  readonly field: number;
  constructor(message: string, line: number, field: number) {
    super(message);
    this.name = "DelimitedSyntaxError";
    this.line = line;
    this.field = field;
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at >= 0; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/**
 * Splits delimited text (tab- or comma-separated, quoted or not, `\n` or `\r\n` line ends)
 * into records. A quoted field may hold separators, newlines and doubled quotes; blank lines
 * are skipped and a leading byte-order mark is ignored.
 *
 * @throws {DelimitedSyntaxError} On an unterminated quote or text after a closing quote.
 */
export function* parseDelimited(
  text: string,
  separator: string,
): Generator<DelimitedRecord> {
  const sepCode = separator.charCodeAt(0);
  const n = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (pos < n) {
    if (text[pos] === "\n" || (text[pos] === "\r" && text[pos + 1] === "\n")) {
      pos += text[pos] === "\n" ? 1 : 2;
      line++;
      continue;
    }
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = "";
      if (text[pos] === '"') {
        const fieldLine = line;
        let chunkStart = pos + 1;
        for (;;) {
          const quote = text.indexOf('"', chunkStart);
          if (quote < 0) {
            throw new DelimitedSyntaxError(
              `a quoted field opened on line ${fieldLine} is never closed`,
              fieldLine,
              fields.length,
            );
          }
          value += text.slice(chunkStart, quote);
          if (text[quote + 1] === '"') {
            value += '"';
            chunkStart = quote + 2;
            continue;
          }
          pos = quote + 1;
          break;
        }
        line += countNewlines(value);
        const next = text.charCodeAt(pos);
        const atEnd = pos >= n || next === sepCode || next === 10 ||
          (next === 13 && text.charCodeAt(pos + 1) === 10);
        if (!atEnd) {
          throw new DelimitedSyntaxError(
            `line ${line} has ${JSON.stringify(text[pos])} right after a closing quote`,
            line,
            fields.length,
          );
        }
      } else {
        let end = pos;
        while (end < n) {
          const code = text.charCodeAt(end);
          if (code === sepCode || code === 10) break;
          end++;
        }
        value = text.slice(pos, end);
        if (value.endsWith("\r") && end < n) value = value.slice(0, -1);
        pos = end;
      }
      fields.push(value);
      if (pos < n && text.charCodeAt(pos) === sepCode) {
        pos++;
        continue;
      }
      if (text[pos] === "\r") pos++;
      if (text[pos] === "\n") {
        pos++;
        line++;
      }
      break;
    }
    yield { fields, line: startLine };
  }
}
