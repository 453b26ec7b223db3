/**
 * Frame sampling on one 2-minute 1280x720 H.264 clip, cold (an empty frame folder each time),
 * 8 frames (VLMEvalKit's nframe indices) and 1 fps (120 frames), for a 2 s GOP and x264's
 * default 250-frame GOP. Compared in one run, interleaved by `deno bench`:
 *
 * - `keyframes` (vlmeval): `sampleVideoFrames`: ffprobe, a packet scan for the keyframes, then
 *   each GOP that holds targets decoded from its keyframe, stopping at its last target, the GOPs
 *   shared among one single-threaded ffmpeg process per core;
 * - `seek` (vlmeval's fallback for videos without usable keyframes, and its planning before
 *   issue 19): `sampleVideoFrames` with `planning: "seek"`: inputs seeking half a frame before
 *   each target, targets within 2 s decoded through, shared among the processes the same way;
 * - `decord` (VLMEvalKit): `benchmarks/_decord_frames.py`, VLMEvalKit's own loop
 *   (`decord.VideoReader`, `vid[i]` per index, PIL JPEG saves), timed inside Python from
 *   opening the video (interpreter start and imports excluded). Its Python is
 *   `$VLMEVAL_DECORD_PYTHON` (default `python3`), which needs `decord` and `Pillow` from PyPI,
 *   e.g. `python3 -m venv /tmp/decord && /tmp/decord/bin/pip install decord pillow`; skipped
 *   with a message when they are not installed;
 * - `cache hit`: `sampleVideoFrames` again on a filled cache.
 *
 * Clips are generated once into `$VLMEVAL_BENCH_CACHE` (default `/tmp/vlmeval-bench`). A
 * summary of medians and ratios is printed at the end.
 *
 * Run: `deno bench -A benchmarks/frame_sampling_bench.ts`.
 */
import { join } from "node:path";
import { findFfmpeg, type FrameSampling, sampleVideoFrames } from "@vlmeval/media";
import { type BenchClip, ensureBenchClip } from "./_bench_clip.ts";

const CLIPS: BenchClip[] = [
  { gop: 60, seconds: 120, width: 1280, height: 720, fps: 30 },
  { gop: 250, seconds: 120, width: 1280, height: 720, fps: 30 },
];
const SAMPLINGS: { name: string; sampling: FrameSampling; decord: string[] }[] = [
  { name: "8 frames", sampling: { mode: "count", nframe: 8 }, decord: ["count", "8"] },
  { name: "1 fps", sampling: { mode: "fps", fps: 1 }, decord: ["fps", "1"] },
];
const DECORD_SCRIPT = new URL("./_decord_frames.py", import.meta.url).pathname;
const python = Deno.env.get("VLMEVAL_DECORD_PYTHON") ?? "python3";

const tools = await findFfmpeg();
const workDir = await Deno.makeTempDir({ prefix: "vlmeval-frame-bench-" });
const timings = new Map<string, number[]>();

function push(name: string, value: number): void {
  timings.set(name, [...(timings.get(name) ?? []), value]);
}

async function decordReady(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(python, {
      args: ["-c", "import decord, PIL"],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (out.success) return undefined;
    return new TextDecoder().decode(out.stderr).trim().split("\n").at(-1);
  } catch (err) {
    return (err as Error).message;
  }
}

const decordMissing = await decordReady();
if (decordMissing) {
  console.error(
    `decord left out: ${python} cannot import decord and PIL (${decordMissing}); set ` +
      `VLMEVAL_DECORD_PYTHON to a Python with decord and Pillow from PyPI`,
  );
}

for (const clip of CLIPS) {
  const video = await ensureBenchClip(tools, clip);
  for (const { name, sampling, decord } of SAMPLINGS) {
    const group = `${name}, GOP ${clip.gop}`;
    const label = (what: string) => `${what} [${group}]`;
    const runs = { n: sampling.mode === "fps" ? 2 : 4, warmup: 1 };
    const hitDir = join(workDir, `hit-${clip.gop}-${sampling.mode}`);
    await sampleVideoFrames({ video, framesDir: hitDir, sampling, tools });

    for (const planning of ["keyframes", "seek"] as const) {
      Deno.bench({
        name: label(planning === "keyframes" ? "keyframes (vlmeval)" : "seek (fallback)"),
        group,
        baseline: planning === "keyframes",
        ...runs,
        async fn(b) {
          const dir = await Deno.makeTempDir({ dir: workDir });
          b.start();
          const t = performance.now();
          await sampleVideoFrames({ video, framesDir: dir, sampling, tools, planning });
          push(label(planning), performance.now() - t);
          b.end();
          await Deno.remove(dir, { recursive: true });
        },
      });
    }

    Deno.bench({
      name: label("decord (VLMEvalKit)"),
      group,
      ignore: decordMissing !== undefined,
      ...runs,
      async fn(b) {
        const dir = await Deno.makeTempDir({ dir: workDir });
        b.start();
        const out = await new Deno.Command(python, {
          args: [DECORD_SCRIPT, video, ...decord, dir],
          stderr: "piped",
        }).output();
        b.end();
        if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
        push(label("decord"), Number(new TextDecoder().decode(out.stdout).split(" ")[0]) * 1000);
        await Deno.remove(dir, { recursive: true });
      },
    });

    Deno.bench({
      name: label("cache hit"),
      group,
      async fn(b) {
        b.start();
        const t = performance.now();
        const frames = await sampleVideoFrames({ video, framesDir: hitDir, sampling, tools });
        push(label("hit"), performance.now() - t);
        b.end();
        if (!frames.fromCache) throw new Error("expected a cache hit");
      },
    });
  }
}

function median(values: number[] | undefined): number {
  if (!values || values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

globalThis.addEventListener("unload", () => {
  const lines = [
    "",
    `frame sampling, 2 min 1280x720 H.264, cold, medians (warm-up included; load ${
      Deno.loadavg().map((l) => l.toFixed(1)).join(" ")
    }); decord timed inside Python, from opening the video:`,
  ];
  for (const clip of CLIPS) {
    for (const { name } of SAMPLINGS) {
      const group = `${name}, GOP ${clip.gop}`;
      const at = (what: string) => median(timings.get(`${what} [${group}]`));
      const ours = at("keyframes");
      const ratio = (other: number) =>
        Number.isNaN(other) ? "n/a" : `${(other / ours).toFixed(2)}x ours`;
      lines.push(
        `  ${group.padEnd(20)} keyframes ${ours.toFixed(0).padStart(6)} ms | seek (fallback) ${
          at("seek").toFixed(0).padStart(6)
        } ms = ${ratio(at("seek"))} | decord ${at("decord").toFixed(0).padStart(6)} ms = ${
          ratio(at("decord"))
        } | cache hit ${at("hit").toFixed(2)} ms`,
      );
    }
  }
  console.log(lines.join("\n"));
  Deno.removeSync(workDir, { recursive: true });
});
