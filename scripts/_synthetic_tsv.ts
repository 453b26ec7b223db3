/**
 * Writes a table as pandas writes TSV with quoting: a header line, then one line per row, every
 * field wrapped in double quotes with inner quotes doubled, fields separated by tabs, lines
 * ended by `\n`.
 */
export function toQuotedTsv(header: string[], rows: Record<string, string>[]): string {
  const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;
  const lines = [header.map(quote).join("\t")];
  rows.forEach((row, i) => {
    const missing = header.filter((column) => !(column in row));
    if (missing.length > 0) {
      throw new TypeError(
        `Cannot write row ${i} as it lacks the columns ${missing.join(", ")}`,
      );
    }
    lines.push(header.map((column) => quote(row[column])).join("\t"));
  });
  return lines.join("\n") + "\n";
}

/** A Python list literal of strings, e.g. `['A. left', 'B. right']` (quotes escaped). */
export function pythonStringList(items: string[]): string {
  const literal = (s: string) => `'${s.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
  return `[${items.map(literal).join(", ")}]`;
}
