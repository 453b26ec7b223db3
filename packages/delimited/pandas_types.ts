import {
  integerAsFloat,
  integerText,
  IntResult,
  pythonFloatRepr,
  readBool,
  readFloat,
  readInt64,
  readUint64,
} from "./_pandas_numbers.ts";

/**
 * The strings pandas 2.x reads as missing (NaN) with `read_csv`'s default `na_values`, compared
 * with the whole cell, case and spaces included.
 */
export const PANDAS_NA_VALUES: ReadonlySet<string> = new Set([
  "",
  "#N/A",
  "#N/A N/A",
  "#NA",
  "-1.#IND",
  "-1.#QNAN",
  "-NaN",
  "-nan",
  "1.#IND",
  "1.#QNAN",
  "<NA>",
  "N/A",
  "NA",
  "NULL",
  "NaN",
  "None",
  "n/a",
  "nan",
  "null",
]);

/** The numpy dtype pandas gives a column it read. */
export type PandasDtype = "int64" | "uint64" | "float64" | "bool" | "object";

/** One cell as pandas holds it, rendered as Python's `str()` would. */
export interface PandasCell {
  /** `str(value)`: `20.0`, `7` for `007`, `True`, `nan` for a missing value, or the text. */
  text: string;
  /** True when pandas holds NaN here (`pd.isna` is true); `text` is then `nan`. */
  missing: boolean;
}

/**
 * Rows pandas reads and types at a time (`low_memory=True`, the default): its C reader infers
 * each column's dtype per block of this many rows, `2**20 // width` rounded down to a power of
 * two, and then joins the blocks, so one column can hold ints from one block and text from
 * another.
 */
export function pandasChunkRows(width: number): number {
  const heuristic = Math.floor(2 ** 20 / Math.max(1, width));
  let rows = 1;
  while (rows * 2 < heuristic) rows *= 2;
  return rows;
}

/** What one block of a column turned out to be (before the blocks are joined). */
const enum Local {
  Int,
  /** Integers with a missing value: float64. */
  IntNa,
  Uint,
  Float,
  Bool,
  /** Booleans with a missing value: object (True, False, NaN). */
  BoolNa,
  Text,
  /** Text kept as written, missing-value strings included (uint64 read that had to give up). */
  TextLiteral,
}

const LOCAL_DTYPE: readonly PandasDtype[] = [
  "int64",
  "float64",
  "uint64",
  "float64",
  "bool",
  "object",
  "object",
  "object",
];

/** What pandas' successive attempts (int64, uint64, float64, bool) learnt of one block. */
class BlockColumn {
  sawNa = false;
  /** First error of the int64 attempt, or Ok while there is none. */
  int = IntResult.Ok;
  /** First error of the uint64 attempt, or Ok while there is none. */
  uint = IntResult.Ok;
  seenSint = false;
  seenUint = false;
  floatOk = true;
  boolOk = true;
  /** Nothing more can change the outcome. */
  settled = false;

  add(bytes: Uint8Array): void {
    if (this.settled) return;
    if (isNa(bytes)) {
      this.sawNa = true;
      return;
    }
    if (this.int === IntResult.Ok) {
      this.int = readInt64(bytes);
      if (this.int === IntResult.Ok) {
        // A whole number in range reads as a float and as a uint64 (a negative one only sets
        // seen_sint), and never as a boolean: no need to parse it again.
        this.boolOk = false;
        if (isNegative(bytes)) this.seenSint = true;
        return;
      }
    }
    if (this.uint === IntResult.Ok) {
      const read = readUint64(bytes);
      if (read.result === IntResult.Negative) this.seenSint = true;
      else if (read.result !== IntResult.Ok) this.uint = read.result;
      else if (read.aboveInt64) this.seenUint = true;
    }
    if (this.floatOk && readFloat(bytes) === undefined) this.floatOk = false;
    if (this.boolOk && readBool(bytes) === undefined) this.boolOk = false;
    // Here the int64 attempt has failed (a whole number returned above).
    this.settled = !this.floatOk && !this.boolOk &&
      (this.int !== IntResult.Overflow || this.uint !== IntResult.Ok);
  }

  /** The block's kind, following `TextReader._convert_tokens`' cast order. */
  resolve(): Local {
    if (this.int === IntResult.Ok) return this.sawNa ? Local.IntNa : Local.Int;
    if (this.int === IntResult.Overflow) {
      if (this.uint === IntResult.Overflow) return Local.Text;
      if (this.uint === IntResult.Ok) {
        // uint64_conflict raises ValueError: the column is kept as text, NA filter off.
        if (this.seenUint && (this.seenSint || this.sawNa)) return Local.TextLiteral;
        return this.seenSint ? Local.Text : Local.Uint;
      }
    }
    if (this.floatOk) return Local.Float;
    if (this.boolOk) return this.sawNa ? Local.BoolNa : Local.Bool;
    return Local.Text;
  }
}

const latin1 = new TextDecoder("latin1");
/** First bytes of the missing-value strings: `#`, `-`, `1`, `<`, `N`, `n`. */
const NA_FIRST = new Set([35, 45, 49, 60, 78, 110]);

/** The first byte that is not a space is `-`. */
function isNegative(bytes: Uint8Array): boolean {
  let p = 0;
  while (p < bytes.length && (bytes[p] === 32 || (bytes[p] >= 9 && bytes[p] <= 13))) p++;
  return bytes[p] === 45;
}

/** The cell (up to a NUL, as pandas' C strings end) is one of {@linkcode PANDAS_NA_VALUES}. */
function isNa(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return true;
  if (!NA_FIRST.has(bytes[0])) return false;
  let end = bytes.length;
  if (end > 8) {
    end = bytes.subarray(0, 9).indexOf(0);
    if (end < 0) return false;
  }
  return PANDAS_NA_VALUES.has(latin1.decode(bytes.subarray(0, end)));
}

/** How the values of a block are cast when blocks of different dtypes are joined. */
const enum Cast {
  None,
  Int,
  Float,
}

/**
 * pandas' `concat_compat` over the blocks' dtypes: numpy's common type (object when any block is
 * object; float64 for int64 with float64 or uint64), every block cast to it, and then object
 * again when booleans were cast to numbers (so `True` joined with ints reads back as `1`).
 */
function joinDtypes(dtypes: ReadonlySet<PandasDtype>): { dtype: PandasDtype; cast: Cast } {
  if (dtypes.size === 1) return { dtype: [...dtypes][0], cast: Cast.None };
  if (dtypes.has("object")) return { dtype: "object", cast: Cast.None };
  const numeric = dtypes.has("float64") || (dtypes.has("int64") && dtypes.has("uint64"))
    ? "float64"
    : dtypes.has("int64")
    ? "int64"
    : "uint64";
  const cast = numeric === "float64" ? Cast.Float : Cast.Int;
  return { dtype: dtypes.has("bool") ? "object" : numeric, cast };
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Longest field decoded in JavaScript when it is ASCII: below this a decoder call costs more. */
const SHORT_ASCII = 64;

/**
 * UTF-8 bytes as text. A short ASCII field (most cells: indices, options, answers, categories)
 * is built in JavaScript, which costs less than a call into the decoder (issue 19's profile).
 */
function decodeText(bytes: Uint8Array): string {
  if (bytes.length <= SHORT_ASCII) {
    let ascii = true;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  return utf8.decode(bytes);
}
const MISSING: PandasCell = Object.freeze({ text: "nan", missing: true });
/** The first characters of the non-empty {@linkcode PANDAS_NA_VALUES}. */
const NA_FIRST_CODES: ReadonlySet<number> = new Set(
  [...PANDAS_NA_VALUES].filter((na) => na !== "").map((na) => na.charCodeAt(0)),
);
/** An integer as Python prints it: no sign but `-`, no leading zero, no space. */
const CANONICAL_INTEGER = /^(?:0|-?[1-9][0-9]*)$/;

/**
 * A cell of a text block as pandas holds it: up to a NUL, and undefined (missing) for one of
 * the missing-value strings unless the block is literal text.
 */
function textCell(local: Local, field: Uint8Array | string): string | undefined {
  const text = typeof field === "string" ? field : decodeText(field);
  const cut = text.indexOf("\0");
  const kept = cut < 0 ? text : text.slice(0, cut);
  // The missing-value strings are ASCII: the text matches one exactly when its bytes do. Most
  // text starts with none of their first characters and needs no set lookup.
  if (
    local === Local.Text && kept.length <= 8 &&
    (kept === "" || NA_FIRST_CODES.has(kept.charCodeAt(0))) && PANDAS_NA_VALUES.has(kept)
  ) {
    return undefined;
  }
  return kept;
}
const INT64_MIN_TEXT = "-9223372036854775808";

/**
 * The column types of a table pandas read with `read_csv(sep="\t")` and default arguments,
 * from {@linkcode PandasTypeInference}: each column's dtype, and {@linkcode
 * PandasColumnTypes.cell} to render any cell as pandas holds it, given the cell's data row.
 */
export class PandasColumnTypes {
  /** Each column's dtype, in header order. */
  readonly dtypes: readonly PandasDtype[];
  /** Data rows seen (the header and blank lines excluded). */
  readonly rows: number;
  /** Rows per block of type inference ({@linkcode pandasChunkRows}). */
  readonly chunkRows: number;
  readonly #locals: Uint8Array;
  readonly #casts: Cast[];
  readonly #width: number;

  /** Made by {@linkcode PandasTypeInference.finish}. */
  constructor(width: number, rows: number, chunkRows: number, locals: Uint8Array) {
    this.#width = width;
    this.rows = rows;
    this.chunkRows = chunkRows;
    this.#locals = locals;
    const blocks = Math.max(1, Math.ceil(rows / chunkRows));
    const joined = Array.from({ length: width }, (_, column) => {
      if (rows === 0) return { dtype: "object" as const, cast: Cast.None };
      const seen = new Set<PandasDtype>();
      for (let b = 0; b < blocks; b++) seen.add(LOCAL_DTYPE[locals[b * width + column]]);
      return joinDtypes(seen);
    });
    this.dtypes = joined.map((j) => j.dtype);
    this.#casts = joined.map((j) => j.cast);
  }

  /**
   * The cell of `column` on 0-based data row `row` (counting every data record pandas read),
   * whose field is `field`, as pandas holds it: Python's `str()` of the value and whether it is
   * missing. A field beyond a short record is `""`.
   *
   * @throws {TypeError} when `field` is bytes that are not UTF-8.
   * @throws {RangeError} when `column` or `row` is outside the table.
   */
  cell(column: number, row: number, field: Uint8Array | string): PandasCell {
    const local = this.#local(column, row);
    const cast = this.#casts[column];
    if (local === Local.Text || local === Local.TextLiteral) {
      const text = textCell(local, field);
      return text === undefined ? MISSING : { text, missing: false };
    }
    const bytes = typeof field === "string" ? encoder.encode(field) : field;
    if (local === Local.Bool || local === Local.BoolNa) {
      const value = readBool(bytes);
      if (value === undefined) return MISSING;
      if (cast === Cast.Int) return { text: value ? "1" : "0", missing: false };
      if (cast === Cast.Float) return { text: value ? "1.0" : "0.0", missing: false };
      return { text: value ? "True" : "False", missing: false };
    }
    if (local === Local.Float) {
      const value = isNa(bytes) ? undefined : readFloat(bytes);
      return value === undefined ? MISSING : { text: pythonFloatRepr(value), missing: false };
    }
    // Integers: Int, IntNa, Uint.
    if (isNa(bytes)) return MISSING;
    if (local === Local.IntNa && integerText(bytes) === INT64_MIN_TEXT) {
      // pandas marks the missing cells of an int64 block with INT64_MIN and masks that value.
      return MISSING;
    }
    if (local === Local.IntNa || cast === Cast.Float) {
      return { text: pythonFloatRepr(integerAsFloat(bytes)), missing: false };
    }
    return { text: integerText(bytes), missing: false };
  }

  /**
   * The text of {@linkcode PandasColumnTypes.cell} (`nan` for a missing value), without making
   * a cell object: a text cell, most cells of a benchmark, costs its string alone.
   *
   * @throws {TypeError} when `field` is bytes that are not UTF-8.
   * @throws {RangeError} when `column` or `row` is outside the table.
   */
  text(column: number, row: number, field: Uint8Array | string): string {
    const local = this.#local(column, row);
    if (local === Local.Text || local === Local.TextLiteral) {
      return textCell(local, field) ?? MISSING.text;
    }
    // An int64 cell given as text already in the form pandas prints needs no parsing.
    if (
      local === Local.Int && this.#casts[column] === Cast.None && typeof field === "string" &&
      CANONICAL_INTEGER.test(field)
    ) {
      return field;
    }
    return this.cell(column, row, field).text;
  }

  /** How the block of `row` reads `column`; a cell outside the table is refused. */
  #local(column: number, row: number): Local {
    if (!(column >= 0 && column < this.#width && row >= 0 && row < this.rows)) {
      throw new RangeError(
        `Cannot render a cell as it must lie in ${this.rows} rows and ${this.#width} columns: current value is row ${row}, column ${column}`,
      );
    }
    return this.#locals[Math.floor(row / this.chunkRows) * this.#width + column];
  }
}

/**
 * Learns the column types of a table as pandas' C reader infers them, one data record at a time
 * (so a file of any size is typed in the pass that streams it): per block of
 * {@linkcode pandasChunkRows} rows, a column is int64 when every cell is a whole number or
 * missing (float64 once one is missing), else uint64 for whole numbers beyond int64, else
 * float64, else bool (`True`/`TRUE`/`true`...; object once one is missing), else object; then
 * the blocks are joined. Each cell costs a few byte comparisons, and a column that cannot be
 * anything but text costs nothing more for the rest of its block.
 *
 * @example
 * ```ts
 * import { PandasTypeInference } from "@vlmeval/delimited";
 * const types = new PandasTypeInference(2);
 * for (const record of [["0.50", "NA"], ["20", "x"]]) types.add(record);
 * const table = types.finish();
 * table.dtypes; // ["float64", "object"]
 * table.cell(0, 0, "0.50").text; // "0.5"
 * table.cell(1, 0, "NA"); // { text: "nan", missing: true }
 * ```
 */
export class PandasTypeInference {
  readonly #width: number;
  readonly #chunkRows: number;
  #rows = 0;
  #block: BlockColumn[];
  readonly #locals: number[] = [];

  /** Types a table of `width` columns (the header's). */
  constructor(width: number) {
    if (!Number.isInteger(width) || width < 1) {
      throw new RangeError(
        `Cannot infer column types as the width must be a positive integer: current value is ${width}`,
      );
    }
    this.#width = width;
    this.#chunkRows = pandasChunkRows(width);
    this.#block = this.#newBlock();
  }

  /** Adds the next data record; fields beyond the width are ignored, missing ones are `""`. */
  add(fields: readonly (Uint8Array | string)[]): void {
    const block = this.#block;
    for (let k = 0; k < this.#width; k++) {
      const column = block[k];
      if (column.settled) continue;
      const field = fields[k] ?? "";
      column.add(typeof field === "string" ? encoder.encode(field) : field);
    }
    this.#rows++;
    if (this.#rows % this.#chunkRows === 0) this.#closeBlock();
  }

  /** The types learnt from every record added. */
  finish(): PandasColumnTypes {
    const locals = [...this.#locals];
    if (this.#rows % this.#chunkRows !== 0) {
      for (const column of this.#block) locals.push(column.resolve());
    }
    return new PandasColumnTypes(
      this.#width,
      this.#rows,
      this.#chunkRows,
      Uint8Array.from(locals),
    );
  }

  #closeBlock(): void {
    for (const column of this.#block) this.#locals.push(column.resolve());
    this.#block = this.#newBlock();
  }

  #newBlock(): BlockColumn[] {
    return Array.from({ length: this.#width }, () => new BlockColumn());
  }
}

/**
 * Types and renders a whole table of text records at once (the records after the header), as
 * {@linkcode PandasTypeInference} and {@linkcode PandasColumnTypes.cell} do.
 */
export function readPandasTable(
  width: number,
  records: readonly (readonly string[])[],
): { types: PandasColumnTypes; cells: PandasCell[][] } {
  const inference = new PandasTypeInference(width);
  for (const record of records) inference.add(record);
  const types = inference.finish();
  const cells = records.map((record, row) =>
    Array.from({ length: width }, (_, column) => types.cell(column, row, record[column] ?? ""))
  );
  return { types, cells };
}
