import { clipToWidth, displayWidth } from "./_display_width.ts";

/** Options for {@linkcode formatTable}. */
export interface FormatTableOptions {
  /**
   * Decimal places shown for numbers that are not integers (fractions stay fractions).
   * @default {4}
   */
  digits?: number;
  /**
   * Widest a cell may be, in terminal columns; longer text is cut and ends with `…`.
   * @default {60}
   */
  maxWidth?: number;
}

/** A table cell: text as given, numbers formatted, null/undefined empty. */
export type TableCell = string | number | null | undefined;

/** Control and bidirectional-override characters, which could move the cursor or reorder text. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const UNPRINTABLE = /[\x00-\x1F\x7F-\x9F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?%?$/;

function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return NAMED_ESCAPES[char] ??
      (code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`);
  });
}

function cellText(value: TableCell, digits: number): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (Number.isNaN(value)) return "NaN";
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return value.toFixed(digits);
}

function isNumeric(value: TableCell): boolean {
  return typeof value === "number" || (typeof value === "string" && NUMERIC_TEXT.test(value));
}

/**
 * Lays out a table as aligned plain text for a terminal: a header, a dashed rule, one line per
 * row, columns two spaces apart. Columns whose cells are all numbers are right-aligned;
 * integers print as they are and other numbers with `digits` decimals. Control characters in
 * text are shown escaped (`\n`, `\x1b`), so model output cannot garble the terminal.
 *
 * @example
 * ```ts
 * import { formatTable } from "@vlmeval/report";
 * console.log(formatTable(["split", "Overall"], [["dev", 0.73285]]));
 * // split  Overall
 * // -----  -------
 * // dev     0.7329
 * ```
 */
export function formatTable(
  columns: readonly string[],
  rows: readonly (readonly TableCell[])[],
  options: FormatTableOptions = {},
): string {
  const { digits = 4, maxWidth = 60 } = options;
  const render = (value: string) => clipToWidth(printable(value), maxWidth);
  const header = columns.map(render);
  const body = rows.map((row) => columns.map((_, i) => render(cellText(row[i], digits))));
  const rightAligned = columns.map((_, i) =>
    rows.length > 0 && rows.every((row) => row[i] === "" || row[i] == null || isNumeric(row[i])) &&
    rows.some((row) => isNumeric(row[i]))
  );
  const widths = columns.map((_, i) =>
    Math.max(displayWidth(header[i]), ...body.map((cells) => displayWidth(cells[i])))
  );
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => {
      const pad = " ".repeat(widths[i] - displayWidth(cell));
      return rightAligned[i] ? pad + cell : cell + pad;
    }).join("  ").trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [line(header), rule, ...body.map(line)].join("\n");
}
