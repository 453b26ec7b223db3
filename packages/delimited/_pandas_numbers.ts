/**
 * How pandas 2.x's C parser (`read_csv` with default arguments) reads one cell as a number or a
 * boolean, on the cell's UTF-8 bytes: ported from pandas' `tokenizer.c` (`str_to_int64`,
 * `str_to_uint64`, `precise_xstrtod`, `to_boolean`) and `parsers.pyx` (`_try_double`'s
 * infinity spellings, the true/false sets). A NUL byte ends a cell, as in the C strings pandas
 * parses.
 *
 * @module
 */

const SPACE = 32;
const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** pandas' `isspace_ascii`: space, `\t`, `\n`, `\v`, `\f`, `\r`. */
function isSpace(code: number): boolean {
  return code === SPACE || (code >= 9 && code <= 13);
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= NINE;
}

/** The byte at `at`, or 0 past the end (the C string's terminator). */
function byteAt(bytes: Uint8Array, at: number): number {
  return at < bytes.length ? bytes[at] : 0;
}

/** The outcome of reading a cell as an integer. */
export const enum IntResult {
  /** A whole number in range; the cell holds nothing else but spaces around it. */
  Ok,
  /** No digit where one must be, or other text after the digits. */
  Invalid,
  /** The digits exceed the range (found before any text that follows them is looked at). */
  Overflow,
  /** `str_to_uint64` only: a leading `-`, accepted without reading further (`seen_sint`). */
  Negative,
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

/** Where a cell's digits are: sign, first and end position (after leading zeros kept). */
interface DigitRun {
  negative: boolean;
  start: number;
  end: number;
}

/** Leading spaces, a sign, then the run of digits; undefined without a first digit. */
function digitRun(bytes: Uint8Array): DigitRun | undefined {
  let p = 0;
  while (isSpace(byteAt(bytes, p))) p++;
  const negative = byteAt(bytes, p) === MINUS;
  if (negative || byteAt(bytes, p) === PLUS) p++;
  if (!isDigit(byteAt(bytes, p))) return undefined;
  const start = p;
  while (isDigit(byteAt(bytes, p))) p++;
  return { negative, start, end: p };
}

/** True when only spaces follow `from` (up to the end or a NUL). */
function onlySpacesAfter(bytes: Uint8Array, from: number): boolean {
  let p = from;
  while (isSpace(byteAt(bytes, p))) p++;
  return byteAt(bytes, p) === 0;
}

function digitValue(bytes: Uint8Array, run: DigitRun): bigint {
  let text = "";
  for (let p = run.start; p < run.end; p++) text += String.fromCharCode(bytes[p]);
  return BigInt(text);
}

/** The digit run's value is small enough to skip big-integer arithmetic. */
function shortRun(bytes: Uint8Array, run: DigitRun): boolean {
  let p = run.start;
  while (p < run.end - 1 && bytes[p] === ZERO) p++;
  return run.end - p < 19;
}

/** pandas' `str_to_int64` with the int64 range and no thousands separator. */
export function readInt64(bytes: Uint8Array): IntResult {
  const run = digitRun(bytes);
  if (run === undefined) return IntResult.Invalid;
  if (!shortRun(bytes, run)) {
    const value = digitValue(bytes, run);
    if (run.negative ? -value < INT64_MIN : value > INT64_MAX) return IntResult.Overflow;
  }
  return onlySpacesAfter(bytes, run.end) ? IntResult.Ok : IntResult.Invalid;
}

/**
 * pandas' `str_to_uint64`: `Negative` for a leading `-` (nothing else is read), and whether the
 * value is above the int64 range (`seen_uint`).
 */
export function readUint64(bytes: Uint8Array): { result: IntResult; aboveInt64: boolean } {
  let p = 0;
  while (isSpace(byteAt(bytes, p))) p++;
  if (byteAt(bytes, p) === MINUS) return { result: IntResult.Negative, aboveInt64: false };
  const run = digitRun(bytes);
  if (run === undefined) return { result: IntResult.Invalid, aboveInt64: false };
  let aboveInt64 = false;
  if (!shortRun(bytes, run)) {
    const value = digitValue(bytes, run);
    if (value > UINT64_MAX) return { result: IntResult.Overflow, aboveInt64: false };
    aboveInt64 = value > INT64_MAX;
  }
  if (!onlySpacesAfter(bytes, run.end)) return { result: IntResult.Invalid, aboveInt64: false };
  return { result: IntResult.Ok, aboveInt64 };
}

/**
 * The integer of a cell that {@linkcode readInt64} or {@linkcode readUint64} accepted, as
 * Python's `str()` prints it: no sign for zero, no `+`, no leading zeros.
 */
export function integerText(bytes: Uint8Array): string {
  const run = digitRun(bytes)!;
  let p = run.start;
  while (p < run.end - 1 && bytes[p] === ZERO) p++;
  let text = "";
  for (; p < run.end; p++) text += String.fromCharCode(bytes[p]);
  return run.negative && text !== "0" ? `-${text}` : text;
}

/** The value of an accepted integer cell as a float64 (rounded to nearest, as numpy casts). */
export function integerAsFloat(bytes: Uint8Array): number {
  return Number(BigInt(integerText(bytes)));
}

/** `1e0` .. `1e308`, each the correctly rounded double, as C's literals in `precise_xstrtod`. */
const POWERS_OF_TEN: readonly number[] = Array.from({ length: 309 }, (_, k) => Number(`1e${k}`));
const MAX_DIGITS = 17;

/**
 * pandas' `precise_xstrtod` (the default "high" precision converter, decimal `.`, no thousands
 * separator, trailing spaces skipped), followed by `_try_double`'s check that the whole cell was
 * read: the float, or undefined when pandas would not read the cell as one. At most 17
 * significant digits are kept, and the power of ten is applied in one multiplication or
 * division, so the result can differ from the correctly rounded value in the last bit
 * (`0.30000000000000004` reads as `0.3`); an exponent beyond 308 or an infinite result is
 * refused. The exponent's digits wrap at 32 bits as C's `int` does.
 */
export function readPreciseFloat(bytes: Uint8Array): number | undefined {
  let p = 0;
  while (isSpace(byteAt(bytes, p))) p++;
  let negative = false;
  if (byteAt(bytes, p) === MINUS) {
    negative = true;
    p++;
  } else if (byteAt(bytes, p) === PLUS) {
    p++;
  }
  let number = 0;
  let exponent = 0;
  let digits = 0;
  let decimals = 0;
  while (isDigit(byteAt(bytes, p))) {
    if (digits < MAX_DIGITS) {
      number = number * 10 + (bytes[p] - ZERO);
      digits++;
    } else {
      exponent = (exponent + 1) | 0;
    }
    p++;
  }
  if (byteAt(bytes, p) === DOT) {
    p++;
    while (digits < MAX_DIGITS && isDigit(byteAt(bytes, p))) {
      number = number * 10 + (bytes[p] - ZERO);
      p++;
      digits++;
      decimals++;
    }
    if (digits >= MAX_DIGITS) { while (isDigit(byteAt(bytes, p))) p++; }
    exponent = (exponent - decimals) | 0;
  }
  if (digits === 0) return undefined;
  if (negative) number = -number;
  const e = byteAt(bytes, p);
  if (e === 69 || e === 101) {
    p++;
    let expNegative = false;
    if (byteAt(bytes, p) === MINUS) {
      expNegative = true;
      p++;
    } else if (byteAt(bytes, p) === PLUS) {
      p++;
    }
    let expDigits = 0;
    let n = 0;
    while (expDigits < MAX_DIGITS && isDigit(byteAt(bytes, p))) {
      n = (Math.imul(n, 10) + (bytes[p] - ZERO)) | 0;
      expDigits++;
      p++;
    }
    exponent = (expNegative ? exponent - n : exponent + n) | 0;
    // No digit after the `e`: pandas steps back one byte, which leaves text unread.
    if (expDigits === 0) p--;
  }
  if (exponent > 308) return undefined;
  if (exponent > 0) number *= POWERS_OF_TEN[exponent];
  else if (exponent < -308) {
    // Far below the smallest subnormal: positive zero, whatever the sign, as pandas writes it.
    if (exponent < -616) number = 0;
    else number = number / POWERS_OF_TEN[-308 - exponent] / POWERS_OF_TEN[308];
  } else number /= POWERS_OF_TEN[-exponent];
  if (number === Infinity || number === -Infinity) return undefined;
  return onlySpacesAfter(bytes, p) ? number : undefined;
}

/** `_try_double`'s spellings of infinity, compared ignoring case (no spaces allowed). */
const INFINITIES: ReadonlyMap<string, number> = new Map([
  ["inf", Infinity],
  ["+inf", Infinity],
  ["infinity", Infinity],
  ["+infinity", Infinity],
  ["-inf", -Infinity],
  ["-infinity", -Infinity],
]);

/** The float pandas reads from a cell of a float64 column, or undefined when it reads none. */
export function readFloat(bytes: Uint8Array): number | undefined {
  const value = readPreciseFloat(bytes);
  if (value !== undefined) return value;
  if (bytes.length > 9 || bytes.length < 3) return undefined;
  return INFINITIES.get(lowerAscii(bytes));
}

/** pandas' boolean reading: `true`/`false` in any letter case, nothing else. */
export function readBool(bytes: Uint8Array): boolean | undefined {
  if (bytes.length !== 4 && bytes.length !== 5) return undefined;
  const lower = lowerAscii(bytes);
  return lower === "true" ? true : lower === "false" ? false : undefined;
}

/** The bytes up to a NUL, as ASCII lower case (other bytes kept as code points). */
function lowerAscii(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) {
    if (byte === 0) break;
    text += String.fromCharCode(byte >= 65 && byte <= 90 ? byte + 32 : byte);
  }
  return text;
}

/**
 * A float as Python's `repr()` (and `str()`) prints it: the shortest digits that read back to
 * the same value, in positional form with `.0` for whole numbers when the decimal exponent is
 * in [-4, 16), else as `1e-05` / `1.5e+16` with at least two exponent digits; `nan`, `inf`,
 * `-inf`, `-0.0`.
 *
 * @example
 * ```ts
 * import { pythonFloatRepr } from "@vlmeval/delimited";
 * pythonFloatRepr(20); // "20.0"
 * pythonFloatRepr(1e-5); // "1e-05"
 * pythonFloatRepr(1e16); // "1e+16"
 * ```
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, exp] = x.toExponential().split("e");
  const decimalExponent = Number(exp);
  const sign = mantissa.startsWith("-") ? "-" : "";
  const digits = mantissa.replace(/^-/, "").replace(".", "");
  if (decimalExponent < -4 || decimalExponent >= 16) {
    const body = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
    const expSign = decimalExponent < 0 ? "-" : "+";
    return `${sign}${body}e${expSign}${String(Math.abs(decimalExponent)).padStart(2, "0")}`;
  }
  if (decimalExponent < 0) return `${sign}0.${"0".repeat(-decimalExponent - 1)}${digits}`;
  const whole = digits.slice(0, decimalExponent + 1).padEnd(decimalExponent + 1, "0");
  const fraction = digits.slice(decimalExponent + 1);
  return `${sign}${whole}.${fraction === "" ? "0" : fraction}`;
}
