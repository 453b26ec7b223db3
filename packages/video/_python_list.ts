/**
 * Parses a Python list literal of strings, such as a `candidates` cell
 * (`['A. left', "B. it's right"]`), without evaluating anything. Accepts single- or
 * double-quoted strings with Python's escapes, optional `u` prefixes, whitespace and a trailing
 * comma; anything else is a SyntaxError naming the position.
 */
export function parsePythonStringList(text: string): string[] {
  let pos = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(
      `Cannot parse ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text)} ` +
        `as a list of strings: ${what} at character ${pos + 1}`,
    );
  };
  const skipSpace = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  skipSpace();
  if (text[pos] !== "[") fail("expected '['");
  pos++;
  const items: string[] = [];
  while (true) {
    skipSpace();
    if (text[pos] === "]") {
      pos++;
      break;
    }
    if (text[pos] === "u" || text[pos] === "U") pos++;
    const quote = text[pos];
    if (quote !== "'" && quote !== '"') fail("expected a quoted string");
    pos++;
    let value = "";
    while (true) {
      if (pos >= text.length) fail("unterminated string");
      const c = text[pos];
      if (c === quote) {
        pos++;
        break;
      }
      if (c === "\n") fail("newline inside a string");
      if (c === "\\") {
        const [decoded, length] = decodeEscape(text, pos) ?? fail("bad escape");
        value += decoded;
        pos += length;
        continue;
      }
      value += c;
      pos++;
    }
    items.push(value);
    skipSpace();
    if (text[pos] === ",") {
      pos++;
      continue;
    }
    if (text[pos] === "]") {
      pos++;
      break;
    }
    fail("expected ',' or ']'");
  }
  skipSpace();
  if (pos < text.length) fail("unexpected text after the list");
  return items;
}

const SIMPLE: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  r: "\r",
  t: "\t",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "\n": "",
};

/** Decodes the escape at `text[pos]` (a backslash): [text, characters consumed]. */
function decodeEscape(text: string, pos: number): [string, number] | undefined {
  const next = text[pos + 1];
  if (next === undefined) return undefined;
  if (next in SIMPLE) return [SIMPLE[next], 2];
  const octal = /^[0-7]{1,3}/.exec(text.slice(pos + 1, pos + 4));
  if (octal) return [String.fromCharCode(parseInt(octal[0], 8)), 1 + octal[0].length];
  const hexLength = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
  if (hexLength > 0) {
    const hex = text.slice(pos + 2, pos + 2 + hexLength);
    if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) return undefined;
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) return undefined;
    return [String.fromCodePoint(code), 2 + hexLength];
  }
  return ["\\" + next, 2];
}
