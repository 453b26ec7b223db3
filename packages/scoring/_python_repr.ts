import { pythonFloat } from "@vlmeval/internal";

const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

function escapeCodePoint(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, "0")}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, "0")}`;
  return `\\U${cp.toString(16).padStart(8, "0")}`;
}

/**
 * Python's `repr` of a string: single quotes, or double quotes when the text holds `'` and no
 * `"`; backslash, the quote, `\n`, `\r`, `\t` escaped, other unprintable characters as
 * `\xNN`/`\uNNNN`/`\UNNNNNNNN`.
 */
export function pyStrRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (Object.hasOwn(NAMED_ESCAPES, ch)) out += NAMED_ESCAPES[ch];
    else if (ch === quote) out += `\\${ch}`;
    else if (ch !== " " && UNPRINTABLE.test(ch)) out += escapeCodePoint(ch);
    else out += ch;
  }
  return out + quote;
}

/** A Python value in a list as `str(list)` prints it. */
export type PyReprItem =
  | { str: string }
  | { float: number }
  | { int: number }
  | { bool: boolean };

/** Python's `str(list)`: `[` items' reprs joined by `, ` `]`. */
export function pyListRepr(items: readonly PyReprItem[]): string {
  return `[${
    items.map((item) => {
      if ("str" in item) return pyStrRepr(item.str);
      if ("float" in item) return pythonFloat(item.float);
      if ("int" in item) return String(item.int);
      return item.bool ? "True" : "False";
    }).join(", ")
  }]`;
}
