import { PY_WHITESPACE } from "./python_text.ts";

const DECIMAL_DIGIT = /\p{Nd}/u;
const EDGE_SPACE = new RegExp(`^[${PY_WHITESPACE}]+|[${PY_WHITESPACE}]+$`, "gu");
const INT_SYNTAX = /^[+-]?\d(?:_?\d)*$/;
const FLOAT_SYNTAX =
  /^[+-]?(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?$/;
const FLOAT_WORD = /^([+-]?)(inf|infinity|nan)$/i;
/** CPython 3.11+ refuses to convert longer decimal strings (`sys.int_info.default_max_str_digits`). */
const MAX_INT_DIGITS = 4300;

/** The value 0-9 of a Unicode decimal digit: Nd digits come in runs of ten, from 0 up. */
function digitValue(cp: number): number {
  let start = cp;
  while (DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

/** What CPython does before parsing a number: any decimal digit to ASCII, then strip. */
function asciiNumber(text: string): string {
  let out = "";
  for (const ch of text) {
    out += DECIMAL_DIGIT.test(ch) ? String(digitValue(ch.codePointAt(0)!)) : ch;
  }
  return out.replace(EDGE_SPACE, "");
}

/**
 * Python's `int(text)`: optional sign, decimal digits of any script, single underscores between
 * digits, surrounding whitespace. Undefined where Python raises `ValueError`.
 */
export function pyInt(text: string): bigint | undefined {
  const ascii = asciiNumber(text);
  if (!INT_SYNTAX.test(ascii)) return undefined;
  const digits = ascii.replace(/[+_-]/g, "");
  if (digits.length > MAX_INT_DIGITS) return undefined;
  return BigInt(ascii.replaceAll("_", ""));
}

/**
 * Python's `float(text)`: decimal or exponent notation (digits of any script, single underscores
 * between digits), `inf`/`infinity`/`nan` in any case, surrounding whitespace; too large is
 * infinite. Undefined where Python raises `ValueError`.
 */
export function pyFloat(text: string): number | undefined {
  const ascii = asciiNumber(text);
  const word = FLOAT_WORD.exec(ascii);
  if (word) {
    if (word[2].toLowerCase() === "nan") return NaN;
    return word[1] === "-" ? -Infinity : Infinity;
  }
  if (!FLOAT_SYNTAX.test(ascii)) return undefined;
  return Number(ascii.replaceAll("_", ""));
}
