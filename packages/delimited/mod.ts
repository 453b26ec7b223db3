/**
 * VLMEvalKit's tab-separated files, read and written the way pandas does: fields holding
 * separators, quotes or newlines are wrapped in double quotes with inner quotes doubled
 * (QUOTE_MINIMAL or QUOTE_ALL), with a byte-order mark and `\r\n` endings accepted. Records are
 * text; callers check record lengths against their header and name their file in errors, and
 * may type the cells as pandas does.
 *
 * - {@linkcode readDelimitedRecords}: streams records of a file of any size as bytes, each with
 *   its byte range and line; {@linkcode parseDelimitedRecord} reads one of them again;
 * - {@linkcode parseDelimited}: records of text already in memory;
 * - {@linkcode quoteAllLine} / {@linkcode quoteField}: pandas `QUOTE_ALL` output;
 * - {@linkcode DelimitedSyntaxError}: broken quoting, with line and column;
 * - {@linkcode PandasTypeInference} / {@linkcode PandasColumnTypes}: the cells as pandas 2.x's
 *   `read_csv(sep="\t")` holds them (missing values, int64/float64/bool/object per column,
 *   Python's `str()` of each value), learnt while streaming; {@linkcode pythonFloatRepr}.
 *
 * Depends on nothing and runs nothing at import.
 *
 * @example Round trip
 * ```ts
 * import { parseDelimited, quoteAllLine } from "@vlmeval/delimited";
 * const text = quoteAllLine(["index", "question"]) + quoteAllLine(["0", 'Say "hi"\tnow']);
 * for (const { fields, line } of parseDelimited(text)) console.log(line, fields);
 * ```
 *
 * @module
 */

export { type DelimitedRecord, parseDelimited } from "./parse_text.ts";
export {
  type DelimitedByteRecord,
  parseDelimitedRecord,
  type ReadDelimitedOptions,
  readDelimitedRecords,
} from "./read_records.ts";
export { quoteAllLine, quoteField } from "./quote_all.ts";
export { type DelimitedProblem, DelimitedSyntaxError } from "./syntax_error.ts";
export {
  PANDAS_NA_VALUES,
  type PandasCell,
  pandasChunkRows,
  PandasColumnTypes,
  type PandasDtype,
  PandasTypeInference,
  readPandasTable,
} from "./pandas_types.ts";
export { pythonFloatRepr } from "./_pandas_numbers.ts";
