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
  const out: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`Cannot parse Python string list: ${what} at position ${i}`);
  };
  const skipSpace = () => {
    while (i < text.length && isPythonSpace(text[i])) i++;
  };

  skipSpace();
  if (text[i] !== "[") fail("expected '['");
  i++;
  skipSpace();
  if (text[i] === "]") {
    i++;
  } else {
    while (true) {
      out.push(readString());
      skipSpace();
      if (text[i] === ",") {
        i++;
        skipSpace();
        if (text[i] === "]") {
          i++;
          break;
        }
        continue;
      }
      if (text[i] === "]") {
        i++;
        break;
      }
      fail(i >= text.length ? "unexpected end of text" : `unexpected character '${text[i]}'`);
    }
  }
  skipSpace();
  if (i !== text.length) fail("unexpected text after ']'");
  return out;

  function readString(): string {
    if ((text[i] === "u" || text[i] === "U") && (text[i + 1] === "'" || text[i + 1] === '"')) i++;
    const quote = text[i];
    if (quote !== "'" && quote !== '"') {
      fail(i >= text.length ? "unexpected end of text" : "expected a quoted string");
    }
    if (text.startsWith(quote.repeat(3), i)) fail("triple-quoted strings are not supported");
    i++;
    let value = "";
    while (true) {
      if (i >= text.length) fail("unterminated string");
      const ch = text[i];
      if (ch === quote) {
        i++;
        return value;
      }
      if (ch === "\n" || ch === "\r") fail("newline inside a string");
      if (ch !== "\\") {
        value += ch;
        i++;
        continue;
      }
      value += readEscape();
    }
  }

  function readEscape(): string {
    const next = text[i + 1];
    if (next === undefined) fail("unterminated string");
    if (next === "\n") {
      i += 2;
      return "";
    }
    if (next in SIMPLE_ESCAPES) {
      i += 2;
      return SIMPLE_ESCAPES[next];
    }
    if (next >= "0" && next <= "7") {
      let j = i + 1;
      while (j < i + 4 && text[j] >= "0" && text[j] <= "7") j++;
      const code = parseInt(text.slice(i + 1, j), 8);
      i = j;
      return String.fromCodePoint(code);
    }
    if (next in HEX_ESCAPE_DIGITS) {
      const digits = text.slice(i + 2, i + 2 + HEX_ESCAPE_DIGITS[next]);
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== HEX_ESCAPE_DIGITS[next]) {
        fail(`truncated \\${next} escape`);
      }
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) fail(`\\${next} escape out of range`);
      i += 2 + digits.length;
      return String.fromCodePoint(code);
    }
    if (next === "N") fail("\\N{...} escapes are not supported");
    i += 2;
    return "\\" + next;
  }
}
