/**
 * Measures writing a large prediction table, and reading it back with both xlsx readers: wall
 * time and resident memory.
 *
 * Usage: deno run -A benchmarks/report_write_measure.ts [rows=100000] [format=xlsx] [predictionChars=200]
 *
 * Rows are generated one at a time (an MMBench-like row: 12 columns, ~200-character question
 * and prediction), so the figures are the writer's own. Then the file is read back with
 * `readPredictions`, each time in a fresh process so that one read's heap does not flatter or
 * burden the other: for xlsx, once through the streaming reader `readPredictions` uses for our
 * own files and once through exceljs' complete reader (the fallback for other workbooks), and
 * the two tables are checked to be identical. RSS is sampled every 20 ms.
 *
 * @module
 */
import type { Row } from "@vlmeval/schema";
import {
  type PredFormat,
  predictionFormat,
  readPredictions,
  writePredictions,
} from "@vlmeval/report";
import { readXlsxPredictionsWithExcelJS } from "@vlmeval/report/baseline";
import { parseScriptArgs, usageError } from "../scripts/_script_help.ts";

const MIB = 2 ** 20;

let peakRss = Deno.memoryUsage().rss;
const sample = () => peakRss = Math.max(peakRss, Deno.memoryUsage().rss);

type Reader = "readPredictions" | "exceljs";

/** In a child process: reads `path` with `reader` and prints one JSON line of figures. */
async function measureRead(reader: Reader, path: string): Promise<void> {
  const baseline = Deno.memoryUsage().rss;
  peakRss = baseline;
  const sampler = setInterval(sample, 20);
  const started = performance.now();
  const table = reader === "exceljs"
    ? await readXlsxPredictionsWithExcelJS(path)
    : await readPredictions(path);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  sample();
  const json = new TextEncoder().encode(
    JSON.stringify([table.columns, table.rows, table.warnings]),
  );
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", json));
  console.log(JSON.stringify({
    rows: table.rows.length,
    seconds,
    baseline,
    peak: peakRss,
    sha256: Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
  }));
}

async function readInChild(reader: Reader, path: string) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", import.meta.filename!, "--read", reader, path],
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`the ${reader} read failed`);
  return JSON.parse(new TextDecoder().decode(output.stdout).trim()) as {
    rows: number;
    seconds: number;
    baseline: number;
    peak: number;
    sha256: string;
  };
}

// `--read READER PATH` is the child mode that measures one reader in a fresh process.
const { values, positionals } = parseScriptArgs(import.meta, { read: { type: "string" } }, {
  positionals: 3,
});
if (values.read !== undefined) {
  await measureRead(values.read as Reader, positionals[0]);
  Deno.exit(0);
}

const rowCount = Number(positionals[0] ?? 100_000);
if (!Number.isInteger(rowCount) || rowCount < 1) {
  usageError(import.meta, `rows must be a positive integer: current value is ${positionals[0]}`);
}
const format: PredFormat = predictionFormat(positionals[1]);
const predictionChars = Number(positionals[2] ?? 200);
if (!Number.isInteger(predictionChars) || predictionChars < 0) {
  usageError(
    import.meta,
    `predictionChars must be an integer >= 0: current value is ${positionals[2]}`,
  );
}
const columns = [
  "index",
  "question",
  "hint",
  "A",
  "B",
  "C",
  "D",
  "answer",
  "category",
  "l2-category",
  "split",
  "prediction",
];

function* rows(): Generator<Row> {
  const filler = "The image shows a chart; the tallest bar is option B. ";
  for (let i = 0; i < rowCount; i++) {
    if (i % 1000 === 0) sample();
    yield {
      index: String(i),
      question: `Question ${i}: which of the following best describes the picture? ` +
        "Look carefully at the colours and the shapes before answering.",
      hint: i % 3 === 0 ? "" : "The picture was taken outdoors.",
      A: `red ${i}`,
      B: `green ${i}`,
      C: `blue ${i}`,
      D: `yellow ${i}`,
      answer: "ABCD"[i % 4],
      category: "coarse_perception",
      "l2-category": "image_scene",
      split: "dev",
      prediction: filler.repeat(Math.ceil(predictionChars / filler.length)).slice(
        0,
        predictionChars,
      ),
    };
  }
}

const folder = await Deno.makeTempDir({ prefix: "vlmeval_report_bench_" });
try {
  const path = `${folder}/Model_Bench.${format}`;
  const baseline = Deno.memoryUsage().rss;
  const started = performance.now();
  const report = await writePredictions(path, columns, rows());
  const seconds = (performance.now() - started) / 1000;
  sample();
  const size = (await Deno.stat(path)).size;
  console.log(
    `${format}: ${report.rows} rows in ${seconds.toFixed(2)} s, file ${
      (size / MIB).toFixed(1)
    } MiB, ` +
      `RSS before ${(baseline / MIB).toFixed(0)} MiB, peak ${(peakRss / MIB).toFixed(0)} MiB ` +
      `(+${((peakRss - baseline) / MIB).toFixed(0)} MiB)`,
  );
  const readers: Reader[] = format === "xlsx"
    ? ["readPredictions", "exceljs"]
    : ["readPredictions"];
  const label = (reader: Reader) =>
    reader === "exceljs"
      ? "exceljs reader"
      : format === "xlsx"
      ? "readPredictions, stream reader"
      : "readPredictions";
  const digests = new Set<string>();
  for (const reader of readers) {
    const read = await readInChild(reader, path);
    digests.add(read.sha256);
    console.log(
      `read back (${label(reader)}, ` +
        `fresh process): ${read.rows} rows in ${read.seconds.toFixed(2)} s, RSS before ` +
        `${(read.baseline / MIB).toFixed(0)} MiB, peak ${(read.peak / MIB).toFixed(0)} MiB ` +
        `(+${((read.peak - read.baseline) / MIB).toFixed(0)} MiB)`,
    );
  }
  if (readers.length > 1) {
    console.log(
      digests.size === 1 ? "both readers returned the same table" : "THE READERS DISAGREE",
    );
    if (digests.size !== 1) Deno.exitCode = 1;
  }
} finally {
  await Deno.remove(folder, { recursive: true });
}
