/**
 * Prints, as JSON, how much memory opening a dataset keeps: run with
 * `deno run -A --v8-flags=--expose-gc packages/datasets/testdata/measure_open_memory.ts <tsv>`.
 * Used by `image_dataset_memory_test.ts`. A small dataset is opened first so one-time costs
 * (code, buffers) are not counted; garbage is collected before each reading.
 */
import { openImageDataset } from "../image_dataset.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("Cannot measure memory as gc is not exposed: pass --v8-flags=--expose-gc");
const path = Deno.args[0];
const warmUp = await openImageDataset(new URL("./mcq_mixed.tsv", import.meta.url).pathname);
await warmUp.rowAt(0);
warmUp.close();
gc();
const before = Deno.memoryUsage();
const dataset = await openImageDataset(path);
gc();
const after = Deno.memoryUsage();
const last = await dataset.rowAt(dataset.size - 1);
console.log(JSON.stringify({
  size: dataset.size,
  lastIndex: last.index,
  rssGrowth: after.rss - before.rss,
  heapGrowth: after.heapUsed - before.heapUsed,
}));
dataset.close();
