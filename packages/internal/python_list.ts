/**
 * True when `text` is written as a list literal the way VLMEvalKit's `toliststr` sees one: it
 * starts with `[` and ends with `]` (no trimming).
 */
export function looksLikeList(text: string): boolean {
  return text.startsWith("[") && text.endsWith("]");
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  "a": "\x07",
  "b": "\b",
  "f": "\f",
  "n": "\n",
  "r": "\r",
  "t": "\t",
  "v": "\v",
};

const HEX_ESCAPE_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

function isPythonSpace(ch: string): boolean {
  return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || ch === "\f" || ch === "\v";
}

/**
 * Parses a Python literal that is a list of plain strings, e.g. `['a', "b\n"]`, without ever
 * evaluating it: the one grammar for every list cell vlmeval reads (`image`, `image_path`,
 * `candidates`, VQA `answer`). Strings may be single- or double-quoted, with an optional `u`
 * prefix (Python 2 reprs; the same string in Python 3), and use Python's escapes (`\\n`,
 * `\\'`, `\\x41`, `\\u00e9`, octal, line continuation; an unknown escape keeps its backslash,
 * as Python does). A trailing comma is allowed. Anything else (numbers, nesting, other prefixes
 * such as `r''` or `b''`, triple quotes, raw newlines inside a string) is rejected.
 *
 * @throws {SyntaxError} naming the character position when `text` is not such a literal.
 *
 * @example Parse a multi-image cell
 * ```ts
 * import { parsePythonStringList } from "@vlmeval/internal";
 * parsePythonStringList("['a.png', \"b.png\"]"); // ["a.png", "b.png"]
 * ```
 */
export function parsePythonStringList(text: string): string[] {
  const reader = new ListReader(text);
  const out: string[] = [];
  reader.skipSpace();
  reader.expect("[", "expected '['");
  reader.skipSpace();
  if (!reader.take("]")) {
    while (true) {
      out.push(reader.readString());
      reader.skipSpace();
      if (reader.take(",")) {
        reader.skipSpace();
        if (reader.take("]")) break;
        continue;
      }
      if (reader.take("]")) break;
      reader.fail(
        reader.atEnd() ? "unexpected end of text" : `unexpected character '${reader.peek()}'`,
      );
    }
  }
  reader.skipSpace();
  if (!reader.atEnd()) reader.fail("unexpected text after ']'");
  return out;
}

/** A position in the text being parsed, with the grammar's pieces. */
class ListReader {
  readonly #text: string;
  #i = 0;

  constructor(text: string) {
    this.#text = text;
  }

  fail(what: string): never {
    throw new SyntaxError(`Cannot parse Python string list: ${what} at position ${this.#i}`);
  }

  atEnd(): boolean {
    return this.#i >= this.#text.length;
  }

  peek(): string | undefined {
    return this.#text[this.#i];
  }

  skipSpace(): void {
    while (this.#i < this.#text.length && isPythonSpace(this.#text[this.#i])) this.#i++;
  }

  /** Consumes `ch` when it is next. */
  take(ch: string): boolean {
    if (this.#text[this.#i] !== ch) return false;
    this.#i++;
    return true;
  }

  expect(ch: string, what: string): void {
    if (!this.take(ch)) this.fail(what);
  }

  readString(): string {
    const text = this.#text;
    const next = text[this.#i + 1];
    if ((text[this.#i] === "u" || text[this.#i] === "U") && (next === "'" || next === '"')) {
      this.#i++;
    }
    const quote = text[this.#i];
    if (quote !== "'" && quote !== '"') {
      this.fail(this.atEnd() ? "unexpected end of text" : "expected a quoted string");
    }
    if (text.startsWith(quote.repeat(3), this.#i)) {
      this.fail("triple-quoted strings are not supported");
    }
    this.#i++;
    let value = "";
    while (true) {
      if (this.atEnd()) this.fail("unterminated string");
      const ch = text[this.#i];
      if (ch === quote) {
        this.#i++;
        return value;
      }
      if (ch === "\n" || ch === "\r") this.fail("newline inside a string");
      if (ch !== "\\") {
        value += ch;
        this.#i++;
        continue;
      }
      value += this.#readEscape();
    }
  }

  #readEscape(): string {
    const text = this.#text;
    const i = this.#i;
    const next = text[i + 1];
    if (next === undefined) this.fail("unterminated string");
    if (next === "\n") {
      this.#i += 2;
      return "";
    }
    if (next in SIMPLE_ESCAPES) {
      this.#i += 2;
      return SIMPLE_ESCAPES[next];
    }
    if (next >= "0" && next <= "7") {
      let j = i + 1;
      while (j < i + 4 && text[j] >= "0" && text[j] <= "7") j++;
      this.#i = j;
      return String.fromCodePoint(parseInt(text.slice(i + 1, j), 8));
    }
    if (next in HEX_ESCAPE_DIGITS) {
      const digits = text.slice(i + 2, i + 2 + HEX_ESCAPE_DIGITS[next]);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== HEX_ESCAPE_DIGITS[next]) {
        this.fail(`truncated \\${next} escape`);
      }
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) this.fail(`\\${next} escape out of range`);
      this.#i += 2 + digits.length;
      return String.fromCodePoint(code);
    }
    if (next === "N") this.fail("\\N{...} escapes are not supported");
    this.#i += 2;
    return "\\" + next;
  }
}
