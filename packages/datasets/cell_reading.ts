/**
 * How benchmark cells are read: `pandas` (the default) as VLMEvalKit's `pd.read_csv(sep='\t')`
 * holds them, so prompts and answers match VLMEvalKit's byte for byte (missing-value strings
 * such as `NA` or `None` become `nan` and missing options are dropped, numeric columns show
 * Python's rendering: `0.50` is `0.5`, `20` in a float column is `20.0`, `007` in an integer
 * column is `7`); `literal` keeps every cell's text as written (`--literal-cells`).
 */
export type CellReading = "pandas" | "literal";

/** Every cell reading, for validating user input. */
export const CELL_READINGS: readonly CellReading[] = ["pandas", "literal"];

/**
 * True when a rendered cell stands for a missing value: `""` when read literally, `nan` when
 * read as pandas does (every missing value renders as `nan`, and no text cell is `nan`).
 */
export function isMissingCell(text: string, reading: CellReading): boolean {
  return reading === "pandas" ? text === "nan" : text === "";
}
