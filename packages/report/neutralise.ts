/** Text a spreadsheet may read as a formula, possibly behind quotes we added before. */
const FORMULA_LIKE = /^'*[=+\-@\t\r]/;
/** A cell we neutralised: our added quote, then the original text. */
const NEUTRALISED = /^'+[=+\-@\t\r]/;
/** A plain decimal number such as `-2` or `+1.5e3`: a spreadsheet reads it as a number, safely. */
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Guards untrusted text against spreadsheet formula injection in formats a spreadsheet
 * evaluates when it opens them (csv, tsv): text starting with `=`, `+`, `-`, `@`, tab or
 * carriage return (after any run of `'`) gets one leading `'`. Plain numbers such as `-2` are
 * left alone. {@linkcode restoreCell} undoes it exactly. xlsx string cells need no guard (a
 * string cell is never a formula) and hold the text as it is.
 *
 * @example
 * ```ts
 * import { neutraliseCell, restoreCell } from "@vlmeval/report";
 * neutraliseCell("=1+1"); // "'=1+1"
 * restoreCell(neutraliseCell("'=x")); // "'=x"
 * ```
 */
export function neutraliseCell(text: string): string {
  // Most cells start with none of `'=+-@`, tab or CR: they are left alone without a regex.
  const first = text.charCodeAt(0);
  if (!FIRST_OF_FORMULA_LIKE.has(first)) return text;
  return FORMULA_LIKE.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The first characters {@linkcode FORMULA_LIKE} can match: `'`, `=`, `+`, `-`, `@`, tab, CR. */
const FIRST_OF_FORMULA_LIKE = new Set(Array.from("'=+-@\t\r", (c) => c.charCodeAt(0)));

/** Reverses {@linkcode neutraliseCell}: drops one leading `'` from text it would have quoted. */
export function restoreCell(text: string): string {
  return NEUTRALISED.test(text) ? text.slice(1) : text;
}
