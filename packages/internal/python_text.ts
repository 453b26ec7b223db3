/**
 * Python `str` behaviour that VLMEvalKit's rules depend on: what `split()` and `strip()` treat
 * as whitespace (`str.isspace`), `len()` counting code points, and `sorted()`'s string order.
 *
 * @module
 */
export const PY_WHITESPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

const SPLIT = new RegExp(`[${PY_WHITESPACE}]+`, "u");
const STRIP = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, "gu");

/** Python `text.split()`: split on runs of whitespace, no empty tokens. */
export function pySplit(text: string): string[] {
  return text.split(SPLIT).filter((token) => token !== "");
}

/** Python `text.strip()`. */
export function pyStrip(text: string): string {
  return text.replace(STRIP, "");
}

/** Python `len(text)`: the number of code points. */
export function pyLen(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Python's default string ordering: by code point (JS `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let k = 0; k < Math.min(left.length, right.length); k++) {
    const diff = left[k].codePointAt(0)! - right[k].codePointAt(0)!;
    if (diff !== 0) return diff;
  }
  return left.length - right.length;
}
