/**
 * One harness-overhead measurement, run as its own process so its peak RSS is its own:
 * the real pipeline (journal, shard loop, merge, xlsx writer, scoring) over a generated
 * benchmark with a model that answers at once. Prints one JSON line.
 *
 * Usage: deno run -A benchmarks/_harness_worker.ts [--generate] <rows> <work-dir> [format] [chars]
 *   --generate  only write `<work-dir>/Harness<rows>.tsv` (a run uses the file when it is there)
 *   chars       length of the model's answer (default 1: "A"; longer ones are a chain of words
 *               after "A. ", as a model that explains itself writes)
 */
import {
  COLLECTION_PACE_ENV,
  parseCollectionPace,
  startPeriodicCollections,
} from "@vlmeval/internal";
import { ConstantAnswerModel } from "@vlmeval/models";
import { NO_GPU, openTask, runJob, SILENT_PROGRESS } from "@vlmeval/pipeline";

const generateOnly = Deno.args[0] === "--generate";
const args = generateOnly ? Deno.args.slice(1) : Deno.args;
const rows = Number(args[0]);
const workDir = args[1];
const format = (args[2] ?? "xlsx") as "xlsx" | "tsv" | "json";
const answerChars = Number(args[3] ?? 1);
const answer = answerChars <= 1
  ? "A"
  : ("A. " + "because ".repeat(Math.ceil(answerChars / 8))).slice(0, answerChars);
const tsv = `${workDir}/Harness${rows}.tsv`;

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4zwAE/xkgFAAb8gP91pbyKwAAAABJRU5ErkJggg==";

/** Writes the benchmark's TSV; rows are encoded into one reused buffer. */
async function generate(): Promise<void> {
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
}

if (generateOnly) {
  await generate();
  Deno.exit(0);
}
// The file is made by its own process (`--generate`) when the parent asks for it, so that the
// measured heap holds only the harness's work; a run without one makes it here.
try {
  Deno.statSync(tsv);
} catch {
  await generate();
}
/** RSS once the modules are loaded, before any work: what every run pays, whatever its rows. */
const startRssMiB = Number(
  Deno.readTextFileSync("/proc/self/status").match(/VmRSS:\s+(\d+)/)?.[1] ?? 0,
) / 1024;

// The full collections the CLI runs (with `--expose-gc` in its V8 flags; none without).
startPeriodicCollections({ everyMs: parseCollectionPace(Deno.env.get(COLLECTION_PACE_ENV)) });
const started = performance.now();
const task = await openTask(tsv, { workDir });
const opened = performance.now();
const result = await runJob({
  task,
  modelName: "ConstantAnswer",
  getModel: () => Promise.resolve(new ConstantAnswerModel(answer)),
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
  startRssMiB: startRssMiB,
}));
