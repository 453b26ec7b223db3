/**
 * Frames for a 40-video benchmark, cold: the whole inference loop (`runJob` with a model that
 * answers at once, 8 frames per video) with frames extracted one video at a time
 * (`VLMEVAL_MEDIA_WORKERS=1`; each video's GOPs still shared among one ffmpeg process per core)
 * against videos extracted in parallel up to the cores (the default:
 * `navigator.hardwareConcurrency` for one rank). Each run starts from an empty work dir. The 40 videos are copies of one 20 s 1280x720 H.264 clip (2 s GOP),
 * generated once into `$VLMEVAL_BENCH_CACHE` (default `/tmp/vlmeval-bench`).
 *
 * Run: `deno run -A benchmarks/video_prefetch_measure.ts [runs=2]`.
 */
import { ConstantAnswerModel } from "@vlmeval/models";
import { findFfmpeg } from "@vlmeval/media";
import { NO_GPU, openTask, runJob, SILENT_PROGRESS } from "@vlmeval/pipeline";
import { parseScriptArgs, usageError } from "../scripts/_script_help.ts";
import { ensureBenchClip } from "./_bench_clip.ts";

const VIDEOS = 40;
const { positionals } = parseScriptArgs(import.meta, {}, { positionals: 1 });
const runs = Number(positionals[0] ?? 2);
if (!Number.isInteger(runs) || runs < 1) {
  usageError(import.meta, `runs must be a positive integer: current value is ${positionals[0]}`);
}

const tools = await findFfmpeg();
const clip = await ensureBenchClip(tools, {
  gop: 60,
  seconds: 20,
  width: 1280,
  height: 720,
  fps: 30,
});
const root = await Deno.makeTempDir({ prefix: "vlmeval-prefetch-bench-" });
await Deno.mkdir(`${root}/video`);
const lines = ['"index"\t"video"\t"question"\t"candidates"\t"answer"\t"task_type"\t"duration"'];
for (let v = 0; v < VIDEOS; v++) {
  const name = `clip_${String(v).padStart(2, "0")}`;
  await Deno.copyFile(clip, `${root}/video/${name}.mp4`);
  lines.push(
    `"${v}"\t"${name}"\t"What is shown?"\t"['A. a', 'B. b', 'C. c', 'D. d']"\t"A"\t"Counting"\t"short"`,
  );
}
await Deno.writeTextFile(`${root}/Bench40.tsv`, lines.join("\n") + "\n");

async function coldRun(workers: number): Promise<number> {
  Deno.env.set("VLMEVAL_MEDIA_WORKERS", String(workers));
  const workDir = await Deno.makeTempDir({ dir: root });
  const task = await openTask(`${root}/Bench40.tsv`, { workDir, nframe: 8 });
  const started = performance.now();
  const result = await runJob({
    task,
    modelName: "ConstantAnswer",
    getModel: () => Promise.resolve(new ConstantAnswerModel()),
    workDir,
    rank: 0,
    worldSize: 1,
    mode: "infer",
    skipErr: false,
    keepFailed: false,
    format: "tsv",
    evalFormat: "csv",
    gpu: NO_GPU,
    rankTimeoutMs: 60_000,
    warn: (m) => console.error(m),
    progress: () => SILENT_PROGRESS,
  });
  const ms = performance.now() - started;
  if (result.exitCode !== 0) throw new Error(`run failed: ${result.message}`);
  await Deno.remove(workDir, { recursive: true });
  return ms;
}

const parallel = navigator.hardwareConcurrency;
const times: Record<string, number[]> = { one: [], parallel: [] };
try {
  for (let r = 0; r < runs; r++) {
    times.one.push(await coldRun(1));
    times.parallel.push(await coldRun(parallel));
  }
} finally {
  await Deno.remove(root, { recursive: true });
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const one = median(times.one);
const many = median(times.parallel);
console.log(
  `${VIDEOS} videos x 8 frames, cold, medians of ${runs} (load ${
    Deno.loadavg().map((l) => l.toFixed(1)).join(" ")
  }): one at a time ${(one / 1000).toFixed(2)} s, ${parallel} at once ${
    (many / 1000).toFixed(2)
  } s: ${(one / many).toFixed(2)}x`,
);
