/**
 * One field quoted as pandas writes it with `quoting=csv.QUOTE_ALL`: wrapped in `"`, inner `"`
 * doubled; separators and newlines stay as they are inside the quotes.
 */
export function quoteField(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * One line (ending in `\n`) of a delimited file with every field quoted, as pandas
 * `to_csv(sep=separator, quoting=csv.QUOTE_ALL)` writes it; VLMEvalKit's benchmark TSVs look so.
 *
 * @example
 * ```ts
 * import { quoteAllLine } from "@vlmeval/delimited";
 * quoteAllLine(["0", 'Say "hi"']); // '"0"\t"Say ""hi"""\n'
 * quoteAllLine(["1", "x,y"], ","); // '"1","x,y"\n'
 * ```
 */
export function quoteAllLine(
  fields: readonly string[],
  separator = "\t",
): string {
  let line = "";
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += separator;
    line += quoteField(fields[i]);
  }
  return `${line}\n`;
}
