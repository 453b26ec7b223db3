/**
 * @vlmeval/datasets/testing: benchmark files generated for vlmeval's own tests and benchmarks.
 *
 * @module
 */

/** A 2x2 PNG, the image of every generated row. */
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";

/**
 * Writes an MCQ benchmark of `rows` rows in VLMEvalKit's TSV format, each row's question
 * different, so a model's answers differ from row to row.
 *
 * @example
 * ```ts ignore
 * import { writeMcqTsv } from "@vlmeval/datasets/testing";
 * await writeMcqTsv("/tmp/Bench_MCQ.tsv", 100);
 * ```
 */
export async function writeMcqTsv(path: string, rows: number): Promise<void> {
  const lines = ["index\timage\tquestion\tA\tB\tC\tD\tanswer\tcategory"];
  for (let i = 0; i < rows; i++) {
    lines.push(
      [
        String(i),
        PNG,
        `Question ${i}: which shape is number ${(i * 7919) % 101}?`,
        "circle",
        "square",
        "triangle",
        "star",
        "ABCD"[i % 4],
        `cat${i % 3}`,
      ].join("\t"),
    );
  }
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}
