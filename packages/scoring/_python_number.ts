import { PY_WHITESPACE } from "./_python_text.ts";

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

/**
 * A float as Python's `repr`/`str` prints it: `1.0`, `0.5`, `1e-05`, `1e+16`, `inf`, `nan`, `-0.0`.
 * (The same rule as the video package's `pythonFloat`; both move to one home with the re-cut.)
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (Object.is(x, -0)) return "-0.0";
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    const [mantissa, exponent] = x.toExponential().split("e");
    const sign = exponent.startsWith("-") ? "-" : "+";
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, "").padStart(2, "0")}`;
  }
  const text = String(x);
  return text.includes(".") ? text : `${text}.0`;
}

function pairwiseSum(values: readonly number[], start: number, n: number): number {
  if (n < 8) {
    let sum = 0;
    for (let i = start; i < start + n; i++) sum += values[i];
    return sum;
  }
  if (n <= 128) {
    const r = values.slice(start, start + 8);
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += values[start + i + j];
    }
    let sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) sum += values[start + i];
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/**
 * numpy's `np.mean` of float64 values, bit for bit: numpy's pairwise summation (blocks of 128,
 * eight accumulators), then one division. NaN for no values, as numpy (which also warns).
 */
export function npMean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  return pairwiseSum(values, 0, values.length) / values.length;
}
