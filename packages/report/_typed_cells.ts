/**
 * Column dtypes for a prediction or result file, by column name, as pandas names them
 * (`int64`, `uint64`, `float64`, `bool`, `object`): cells of typed columns are written as
 * VLMEvalKit's `to_excel`/`to_csv` write pandas values. A column without a dtype is text as
 * written.
 */
export type ColumnDtypes = Readonly<Record<string, string>>;

/** What one cell becomes in a file. */
export type TypedCell =
  | { kind: "text"; text: string }
  /** `inf`/`-inf` of a float column: text pandas wrote itself, never a formula. */
  | { kind: "infinity"; text: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "missing" };

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * The cell of a column of `dtype` whose rendered text (Python's `str()`) is `text`: numbers for
 * numeric columns (`inf` stays text, as pandas' `inf_rep`), booleans for `bool` columns, and
 * `nan` missing (an empty cell, as pandas' `na_rep`) in every typed column.
 */
export function typedCell(text: string, dtype: string | undefined): TypedCell {
  if (dtype === undefined) return { kind: "text", text };
  if (text === "nan") return { kind: "missing" };
  if (dtype === "int64" || dtype === "uint64" || dtype === "float64") {
    if (NUMBER.test(text)) return { kind: "number", value: Number(text) };
    if (text === "inf" || text === "-inf") return { kind: "infinity", text };
  } else if (dtype === "bool" && (text === "True" || text === "False")) {
    return { kind: "bool", value: text === "True" };
  }
  return { kind: "text", text };
}
