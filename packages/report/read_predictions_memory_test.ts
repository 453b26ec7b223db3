import assert from "node:assert/strict";
import type { Row } from "@vlmeval/schema";
import { readPredictions } from "./read_predictions.ts";
import { writePredictions } from "./write_predictions.ts";

const ROWS = 100_000;
const PREDICTION_CHARS = 500;
const MIB = 2 ** 20;

const FILLER = "The tallest bar in the chart is option B, so the answer is B. ";

function* generatedRows(): Generator<Row> {
  for (let i = 0; i < ROWS; i++) {
    yield {
      index: String(i),
      question: `Question ${i}: which option describes the picture best?`,
      answer: "ABCD"[i % 4],
      prediction: (FILLER.repeat(10) + i).slice(-PREDICTION_CHARS),
    };
  }
}

Deno.test("readPredictions() streams back 100k xlsx rows of our own within modest memory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_report_read_memory_" });
  try {
    const path = `${dir}/M_D.xlsx`;
    await writePredictions(path, ["index", "question", "answer", "prediction"], generatedRows());
    const baseline = Deno.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => peak = Math.max(peak, Deno.memoryUsage().rss), 10);
    let table;
    try {
      table = await readPredictions(path);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, Deno.memoryUsage().rss);
    assert.equal(table.rows.length, ROWS);
    assert.equal(table.rows[ROWS - 1].index, String(ROWS - 1));
    assert.equal(table.rows[ROWS - 1].prediction.length, PREDICTION_CHARS);
    // The rows hold ~60 MB of text. exceljs' complete reader needs over 1 GB for them (about
    // 13 KB a row), and holding the sheet XML (~90 MB, twice that as a string) would show too.
    const grownMiB = (peak - baseline) / MIB;
    assert.ok(grownMiB < 250, `RSS grew by ${grownMiB.toFixed(0)} MiB`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
