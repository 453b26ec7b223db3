import assert from "node:assert/strict";
import type { Row } from "@vlmeval/schema";
import { writePredictions } from "./write_predictions.ts";

const ROWS = 100_000;
const PREDICTION_CHARS = 3_000;
const MIB = 2 ** 20;

const FILLER = "The tallest bar in the chart is option B, so the answer is B. ";

/** Rows made one at a time; `onProgress` runs every 1000 rows with the row number. */
async function* generatedRows(onProgress: (i: number) => Promise<void>): AsyncGenerator<Row> {
  for (let i = 0; i < ROWS; i++) {
    if (i % 1000 === 0) await onProgress(i);
    yield {
      index: String(i),
      question: `Question ${i}: which option describes the picture best?`,
      prediction: (FILLER.repeat(50) + i).slice(-PREDICTION_CHARS),
    };
  }
}

Deno.test("writePredictions() streams 100k xlsx rows to disk within modest memory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_report_memory_" });
  try {
    const path = `${dir}/M_D.xlsx`;
    const baseline = Deno.memoryUsage().rss;
    let peak = baseline;
    let bytesOnDiskMidway = 0;
    const onProgress = async (i: number) => {
      peak = Math.max(peak, Deno.memoryUsage().rss);
      if (i !== ROWS * 0.8) return;
      for await (const entry of Deno.readDir(dir)) {
        if (entry.name.startsWith(".M_D.xlsx.")) {
          bytesOnDiskMidway = (await Deno.stat(`${dir}/${entry.name}`)).size;
        }
      }
    };
    const columns = ["index", "question", "prediction"];
    const report = await writePredictions(path, columns, generatedRows(onProgress));
    peak = Math.max(peak, Deno.memoryUsage().rss);
    assert.equal(report.rows, ROWS);
    // The rows hold ~300 MB of text; holding them (or the xlsx XML) would exceed this bound.
    const grownMiB = (peak - baseline) / MIB;
    assert.ok(grownMiB < 280, `RSS grew by ${grownMiB.toFixed(0)} MiB`);
    assert.ok(
      bytesOnDiskMidway > 1 * MIB,
      `only ${bytesOnDiskMidway} bytes were on disk at 80% of the rows`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
