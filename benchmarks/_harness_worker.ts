/**
 * One harness-overhead measurement, run as its own process so its peak RSS is its own:
 * the real pipeline (journal, shard loop, merge, xlsx writer, scoring) over a generated
 * benchmark with a model that answers at once. Prints one JSON line.
 *
 * Usage: deno run -A benchmarks/_harness_worker.ts <rows> <work-dir> [format]
 */
import { ConstantAnswerModel } from "@vlmeval/models";
import { NO_GPU, openTask, runJob, SILENT_PROGRESS } from "@vlmeval/pipeline";

const rows = Number(Deno.args[0]);
const workDir = Deno.args[1];
const format = (Deno.args[2] ?? "xlsx") as "xlsx" | "tsv" | "json";
const tsv = `${workDir}/Harness${rows}.tsv`;

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";
// Rows are encoded into one reused buffer, so that making the file leaves next to nothing on the
// heap of the process whose peak RSS is measured.
const file = await Deno.open(tsv, { write: true, create: true, truncate: true });
const enc = new TextEncoder();
const buffer = new Uint8Array(1 << 20);
let filled = enc.encodeInto(
  "index\timage\tquestion\tA\tB\tC\tD\tanswer\tcategory\tsplit\n",
  buffer,
).written;
for (let i = 0; i < rows; i++) {
  // Every 10th row carries the image; the others reuse it by index, as VLMEvalKit files do.
  const image = i % 10 === 0 ? PNG : String(i - (i % 10));
  const line = `${i}\t${image}\tWhich shape is number ${i}?\tcircle\tsquare\ttriangle\tstar\t${
    "ABCD"[i % 4]
  }\tcat${i % 5}\tdev\n`;
  if (filled + line.length * 3 > buffer.length) {
    await file.write(buffer.subarray(0, filled));
    filled = 0;
  }
  filled += enc.encodeInto(line, buffer.subarray(filled)).written;
}
await file.write(buffer.subarray(0, filled));
file.close();

const started = performance.now();
const task = await openTask(tsv, { workDir });
const opened = performance.now();
const result = await runJob({
  task,
  modelName: "ConstantAnswer",
  getModel: () => Promise.resolve(new ConstantAnswerModel()),
  workDir,
  rank: 0,
  worldSize: 1,
  mode: "all",
  skipErr: true,
  keepFailed: false,
  format,
  evalFormat: "csv",
  gpu: NO_GPU,
  rankTimeoutMs: 60_000,
  warn: () => {},
  progress: () => SILENT_PROGRESS,
});
const finished = performance.now();
task.close?.();
const status = Deno.readTextFileSync("/proc/self/status");
const peakKiB = Number(status.match(/VmHWM:\s+(\d+)/)?.[1] ?? 0);
console.log(JSON.stringify({
  rows,
  format,
  exitCode: result.exitCode,
  openMs: opened - started,
  totalMs: finished - started,
  inferMs: result.shard?.elapsedMs ?? 0,
  peakRssMiB: peakKiB / 1024,
}));
