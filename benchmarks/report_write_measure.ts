/**
 * Measures writing a large prediction table: wall time and peak resident memory.
 *
 *   deno run -A benchmarks/report_write_measure.ts [rows=100000] [format=xlsx] [predictionChars=200]
 *
 * Rows are generated one at a time (an MMBench-like row: 12 columns, ~200-character question
 * and prediction), so the figures are the writer's own. Then the file is read back with
 * `readPredictions` and that is measured too (RSS sampled every 20 ms).
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

const rowCount = Number(Deno.args[0] ?? 100_000);
const format: PredFormat = predictionFormat(Deno.args[1]);
const predictionChars = Number(Deno.args[2] ?? 200);
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

let peakRss = Deno.memoryUsage().rss;
const sample = () => peakRss = Math.max(peakRss, Deno.memoryUsage().rss);

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
      (size / 2 ** 20).toFixed(1)
    } MiB, ` +
      `RSS before ${(baseline / 2 ** 20).toFixed(0)} MiB, peak ${
        (peakRss / 2 ** 20).toFixed(0)
      } MiB ` +
      `(+${((peakRss - baseline) / 2 ** 20).toFixed(0)} MiB)`,
  );
  const readBaseline = Deno.memoryUsage().rss;
  peakRss = readBaseline;
  const sampler = setInterval(sample, 20);
  const readStarted = performance.now();
  const table = await readPredictions(path);
  const readSeconds = (performance.now() - readStarted) / 1000;
  clearInterval(sampler);
  sample();
  console.log(
    `read back: ${table.rows.length} rows in ${readSeconds.toFixed(2)} s, ` +
      `RSS before ${(readBaseline / 2 ** 20).toFixed(0)} MiB, peak ${
        (peakRss / 2 ** 20).toFixed(0)
      } MiB`,
  );
} finally {
  await Deno.remove(folder, { recursive: true });
}
