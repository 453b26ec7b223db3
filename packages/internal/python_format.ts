/**
 * Python's text for values VLMEvalKit writes into names and files: `str(float)` (which is
 * `repr(float)`), `repr(str)`, `str(list)` and `json.dumps`.
 *
 * @module
 */

/**
 * A number as Python's `str(float(x))` (and `repr`) prints it: `1.0`, `0.5`, `-0.0`, `1e-05`,
 * `1e+16`, `inf`, `nan`. Used in VLMEvalKit-compatible names such as
 * `frame-1-of-10-1.0fps.jpg` and `Video-MME_1.0fps`, and for float columns pandas writes.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Object.is(x, -0)) return "-0.0";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = x.toExponential().split("e");
    const sign = exponent.startsWith("-") ? "-" : "+";
    const digits = exponent.replace(/^[+-]/, "").padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  const text = String(x);
  return text.includes(".") ? text : `${text}.0`;
}

/**
 * An object with string keys as Python's `json.dumps` writes it by default: `", "` and `": "`
 * separators, non-ASCII characters escaped as `\uXXXX`, keys in the given order.
 */
export function pythonJsonDumps(entries: ReadonlyArray<readonly [string, string]>): string {
  const body = entries.map(([k, v]) => `${asciiJson(k)}: ${asciiJson(v)}`).join(", ");
  return `{${body}}`;
}

function asciiJson(text: string): string {
  return JSON.stringify(text).replace(
    /[\u0080-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Python's `repr` of a str: single quotes unless it holds `'` and no `"`, Python's escapes. */
export function pythonStrRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if (code >= 0x80 && !isPrintable(ch)) {
      out += code <= 0xff
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : code <= 0xffff
        ? `\\u${code.toString(16).padStart(4, "0")}`
        : `\\U${code.toString(16).padStart(8, "0")}`;
    } else out += ch;
  }
  return out + quote;
}

/** Python's `str.isprintable` for a non-ASCII character: not in categories C* and Z*. */
function isPrintable(ch: string): boolean {
  return !/[\p{C}\p{Z}]/u.test(ch);
}

/** Python's `str(list_of_str)`, as pandas writes a list cell. */
export function pythonListRepr(items: readonly unknown[]): string {
  return `[${items.map((x) => typeof x === "string" ? pythonStrRepr(x) : String(x)).join(", ")}]`;
}
