/** Excel's limit on the characters (UTF-16 code units) in one cell. */
export const EXCEL_CELL_LIMIT = 32_767;

/**
 * Characters an xlsx cell cannot carry as they are, each written as Excel's `_xHHHH_` escape
 * (upper-case hex, the form exceljs' reader decodes): an `_` that would start such an escape,
 * control characters (XML forbids most, and XML parsers turn a raw carriage return into a line
 * feed), DEL and U+FFFE/U+FFFF (which exceljs drops), and unpaired surrogates.
 */
const NEEDS_ESCAPE =
  // deno-lint-ignore no-control-regex -- matching control characters is the point
  /_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0B-\x1F\x7F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text for an xlsx cell (see `NEEDS_ESCAPE`). Excel and exceljs decode the escapes
 * when reading `<t>` text (inline and shared strings); openpyxl shows them as written.
 */
export function escapeXlsxText(text: string): string {
  return text.replace(
    NEEDS_ESCAPE,
    (char) => `_x${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}_`,
  );
}

function truncationMarker(fullLength: number, companionName: string): string {
  const name = companionName.replace(/[\n\]]/g, "_");
  return `\n[vlmeval: truncated to fit Excel's 32,767-character cell limit; ` +
    `full text of ${fullLength} characters in ${name}]`;
}

const MARKER_AT_END =
  /\n\[vlmeval: truncated to fit Excel's 32,767-character cell limit; full text of (\d+) characters in [^\n\]]*\]$/;

/**
 * Cuts text longer than Excel's cell limit and appends a visible marker naming the companion
 * file that holds the full text and its length (`fullLength`: the original text's, before any
 * neutralising `'`); the result is at most the limit. Shorter text is returned as it is.
 */
export function fitExcelCell(
  text: string,
  companionName: string,
  fullLength: number = text.length,
): string {
  if (text.length <= EXCEL_CELL_LIMIT) return text;
  const marker = truncationMarker(fullLength, companionName);
  let cut = EXCEL_CELL_LIMIT - marker.length;
  const last = text.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return text.slice(0, cut) + marker;
}

/** For a cell cut by {@linkcode fitExcelCell}: the kept prefix and the full length. */
export function truncatedCell(text: string): { prefix: string; fullLength: number } | undefined {
  if (text.length < EXCEL_CELL_LIMIT - 400) return undefined;
  const match = MARKER_AT_END.exec(text);
  if (match === null) return undefined;
  return { prefix: text.slice(0, match.index), fullLength: Number(match[1]) };
}

/** The companion of an xlsx prediction file: the same path with `.tsv` for its extension. */
export function companionPathFor(path: string): string {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return `${dot > slash + 1 ? path.slice(0, dot) : path}.tsv`;
}
