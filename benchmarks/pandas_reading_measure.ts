/**
 * Measures what reading a benchmark as pandas does costs next to reading it literally: the
 * validating pass of `openImageDataset` (which also learns the column dtypes) and one pass of
 * `rows()` (which renders every cell), wall time and peak resident memory, each mode in a fresh
 * process, on a generated MMBench-like TSV.
 *
 * Usage: deno run -A benchmarks/pandas_reading_measure.ts [--rows 100000] [--image-bytes 8000]
 *
 * Each row has an index, a base64 `image` of `--image-bytes` characters, a question, a hint,
 * options A-D that are numbers in a quarter of the rows (`0.50`, `20`, `NA`), an answer and a
 * category: the image column makes the file large, the option columns give the typing work.
 * The file is written under the system temporary folder and removed afterwards.
 *
 * @module
 */
import { join } from "node:path";
import { openImageDataset } from "@vlmeval/datasets";
import { parseScriptArgs, usageError } from "../scripts/_script_help.ts";

const MIB = 2 ** 20;

/** In a child process: opens and streams `path` with `cells`, prints one JSON line of figures. */
async function measure(path: string, cells: "pandas" | "literal"): Promise<void> {
  let peak = Deno.memoryUsage().rss;
  const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 20);
  const started = performance.now();
  using dataset = await openImageDataset(path, { cells });
  const opened = performance.now();
  let chars = 0;
  for await (const { row } of dataset.rows()) chars += row.A.length + row.question.length;
  const streamed = performance.now();
  clearInterval(sampler);
  console.log(JSON.stringify({
    cells,
    rows: dataset.size,
    openSeconds: (opened - started) / 1000,
    rowsSeconds: (streamed - opened) / 1000,
    peakMiB: Math.max(peak, Deno.memoryUsage().rss) / MIB,
    chars,
    warning: dataset.readingWarning ?? "",
  }));
}

async function writeTsv(path: string, rows: number, imageBytes: number): Promise<number> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  const image = "iVBORw0KGgo" + "A".repeat(Math.max(0, imageBytes - 11));
  let size = 0;
  const write = async (text: string) => {
    const bytes = encoder.encode(text);
    size += bytes.length;
    for (let done = 0; done < bytes.length;) done += await file.write(bytes.subarray(done));
  };
  await write("index\timage\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\n");
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    const numeric = i % 4 === 0;
    const options = numeric
      ? ["0.50", "20", i % 8 === 0 ? "NA" : "3", "1e-5"]
      : ["red", "green", "blue", "None of the above"];
    chunk += `${i}\t${image}\tWhat is shown in picture ${i}?\t${numeric ? "0" : ""}\t` +
      `${options.join("\t")}\t${"ABCD"[i % 4]}\tperception\n`;
    if (chunk.length > MIB) {
      await write(chunk);
      chunk = "";
    }
  }
  await write(chunk);
  return size;
}

if (import.meta.main) {
  if (Deno.args[0] === "--child") {
    await measure(Deno.args[2], Deno.args[1] as "pandas" | "literal");
    Deno.exit(0);
  }
  const { values } = parseScriptArgs(import.meta, {
    rows: { type: "string" },
    "image-bytes": { type: "string" },
  });
  const rows = Number(values.rows ?? 100_000);
  const imageBytes = Number(values["image-bytes"] ?? 8000);
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(imageBytes) || imageBytes < 100) {
    usageError(
      import.meta,
      `Cannot measure as --rows must be >= 1 and --image-bytes >= 100: current values are ${values.rows}, ${
        values["image-bytes"]
      }`,
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_pandas_bench_" });
  try {
    const path = join(dir, "Large_MCQ.tsv");
    const size = await writeTsv(path, rows, imageBytes);
    console.log(`${path}: ${rows} rows, ${(size / MIB).toFixed(0)} MiB`);
    const figures: Record<string, { openSeconds: number; rowsSeconds: number; peakMiB: number }> =
      {};
    // Literal first, pandas second, then both again: the second round has a warm page cache.
    for (const cells of ["literal", "pandas", "literal", "pandas"] as const) {
      const output = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", import.meta.filename!, "--child", cells, path],
        stdout: "piped",
        stderr: "inherit",
      }).output();
      if (!output.success) throw new Error(`the ${cells} child failed`);
      const line = JSON.parse(new TextDecoder().decode(output.stdout));
      figures[cells] = line;
      console.log(
        `${cells.padEnd(7)} open ${line.openSeconds.toFixed(2)} s, rows() ${
          line.rowsSeconds.toFixed(2)
        } s, peak RSS ${line.peakMiB.toFixed(0)} MiB${line.warning ? `\n  ${line.warning}` : ""}`,
      );
    }
    const { literal, pandas } = figures;
    console.log(
      `pandas/literal: open ${(pandas.openSeconds / literal.openSeconds).toFixed(2)}x, rows() ${
        (pandas.rowsSeconds / literal.rowsSeconds).toFixed(2)
      }x, peak RSS ${(pandas.peakMiB / literal.peakMiB).toFixed(2)}x`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
