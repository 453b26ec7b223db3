import { dirname } from "node:path";
import { quoteAllLine, quoteField } from "@vlmeval/delimited";
import { writeAtomically } from "@vlmeval/internal";

/** One field quoted as pandas does with `quoting=csv.QUOTE_ALL`: `"` + text + `"`, `"` doubled. */
export function formatTsvField(value: string): string {
  return quoteField(value);
}

/**
 * One TSV line (ending in `\n`) with every field quoted, the way VLMEvalKit writes benchmark TSVs
 * (pandas `to_csv(sep="\t", quoting=csv.QUOTE_ALL)`). Tabs and newlines inside a field are kept
 * verbatim inside the quotes.
 *
 * @example Write a header and a row
 * ```ts
 * import { formatTsvRow } from "@vlmeval/datasets";
 * formatTsvRow(["index", "question"]); // '"index"\t"question"\n'
 * formatTsvRow(["0", 'Say "hi"']); // '"0"\t"Say ""hi"""\n'
 * ```
 */
export function formatTsvRow(values: readonly string[]): string {
  return quoteAllLine(values, "\t");
}

/**
 * Writes a whole TSV file (header, then rows) in pandas QUOTE_ALL style, streaming, atomically
 * (`writeAtomically`), so a killed writer never leaves a torn file under `path`.
 *
 * @throws {RangeError} when a row's length differs from the header's (nothing is left at `path`).
 */
export async function writeTsvFile(
  path: string,
  header: readonly string[],
  rows: Iterable<readonly string[]> | AsyncIterable<readonly string[]>,
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await writeAtomically(path, async (temp) => {
    using file = await Deno.open(temp, { write: true, createNew: true });
    const encoder = new TextEncoder();
    let pending: string[] = [];
    let pendingChars = 0;
    const flush = async () => {
      const bytes = encoder.encode(pending.join(""));
      for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
      pending = [];
      pendingChars = 0;
    };
    pending.push(formatTsvRow(header));
    let rowNumber = 0;
    for await (const row of rows) {
      rowNumber++;
      if (row.length !== header.length) {
        throw new RangeError(
          `Cannot write row ${rowNumber} to "${path}" as it has ${row.length} fields: expected ${header.length}`,
        );
      }
      const line = formatTsvRow(row);
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars > 1 << 20) await flush();
    }
    await flush();
  });
}
