/**
 * Frame sampling: 8 frames of a 2-minute 1280x720 H.264 clip (issue 4's target: at least 5x
 * faster than decoding the whole clip and keeping 8 frames; a cache hit in a few
 * milliseconds). Compared in one run, per keyframe interval:
 *
 * - `seek` (baseline): `sampleVideoFrames` on a cold cache: one ffprobe, then one ffmpeg
 *   process whose inputs each seek to one target;
 * - `decode all, keep 8`: one ffmpeg decoding every frame and keeping 8 with `select`;
 * - `one process per frame`: 8 ffmpeg processes, each seeking to one target;
 * - `cache hit`: `sampleVideoFrames` again on the filled cache.
 *
 * Clips are generated once into `$VLMEVAL_BENCH_CACHE` (default `/tmp/vlmeval-bench`).
 * Run: `deno bench -A benchmarks/frame_sampling_bench.ts`. A ratio summary is printed at the end.
 */
import { join } from "node:path";
import { findFfmpeg, frameIndicesByCount, probeVideo, sampleVideoFrames } from "@vlmeval/video";
import { type BenchClip, ensureBenchClip } from "./_bench_clip.ts";

const NFRAME = 8;
const CLIPS: BenchClip[] = [
  { gop: 250, seconds: 120, width: 1280, height: 720, fps: 30 },
  { gop: 60, seconds: 120, width: 1280, height: 720, fps: 30 },
];

const tools = await findFfmpeg();
const workDir = await Deno.makeTempDir({ prefix: "vlmeval-frame-bench-" });
const timings = new Map<string, number[]>();

function record(name: string, ms: number): void {
  const list = timings.get(name) ?? [];
  list.push(ms);
  timings.set(name, list);
}

async function ffmpeg(args: string[]): Promise<void> {
  const out = await new Deno.Command(tools.ffmpeg, { args, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
}

async function freshDir(): Promise<string> {
  return await Deno.makeTempDir({ dir: workDir });
}

for (const clip of CLIPS) {
  const video = await ensureBenchClip(tools, clip);
  const probe = await probeVideo(video, tools);
  const indices = frameIndicesByCount(probe.frameCount, NFRAME);
  const group = `8 frames, 2 min 720p, GOP ${clip.gop}`;
  const label = (what: string) => `${what} [GOP ${clip.gop}]`;
  const slow = { n: 3, warmup: 1 };
  const hitDir = join(await freshDir(), "hit");
  await sampleVideoFrames({
    video,
    framesDir: hitDir,
    sampling: { mode: "count", nframe: NFRAME },
    tools,
  });

  Deno.bench({
    name: label("seek, one process (vlmeval)"),
    group,
    baseline: true,
    ...slow,
    async fn(b) {
      const dir = await freshDir();
      b.start();
      const t = performance.now();
      await sampleVideoFrames({
        video,
        framesDir: dir,
        sampling: { mode: "count", nframe: NFRAME },
        tools,
      });
      record(label("seek"), performance.now() - t);
      b.end();
    },
  });

  Deno.bench({
    name: label("decode all, keep 8"),
    group,
    ...slow,
    async fn(b) {
      const dir = await freshDir();
      const select = `select='${indices.map((k) => `eq(n,${k})`).join("+")}'`;
      b.start();
      const t = performance.now();
      await ffmpeg([
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-y",
        "-i",
        video,
        "-vf",
        select,
        tools.passthroughOption,
        "passthrough",
        "-q:v",
        "2",
        join(dir, "frame-%d.jpg"),
      ]);
      record(label("decode-all"), performance.now() - t);
      b.end();
    },
  });

  Deno.bench({
    name: label("one process per frame"),
    group,
    ...slow,
    async fn(b) {
      const dir = await freshDir();
      b.start();
      const t = performance.now();
      for (const k of indices) {
        const seek = Math.max(0, probe.startOffset + (k - 0.5) / probe.fps).toFixed(6);
        await ffmpeg([
          "-hide_banner",
          "-nostdin",
          "-loglevel",
          "error",
          "-y",
          "-ss",
          seek,
          "-i",
          video,
          "-frames:v",
          "1",
          "-q:v",
          "2",
          join(dir, `frame-${k}.jpg`),
        ]);
      }
      record(label("per-frame"), performance.now() - t);
      b.end();
    },
  });

  Deno.bench({
    name: label("cache hit"),
    group,
    async fn(b) {
      b.start();
      const t = performance.now();
      const frames = await sampleVideoFrames({
        video,
        framesDir: hitDir,
        sampling: { mode: "count", nframe: NFRAME },
        tools,
      });
      record(label("hit"), performance.now() - t);
      b.end();
      if (!frames.fromCache) throw new Error("expected a cache hit");
    },
  });
}

function median(values: number[] | undefined): number {
  if (!values || values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

globalThis.addEventListener("unload", () => {
  const lines = ["", "frame sampling summary (medians, all runs incl. warm-up):"];
  for (const clip of CLIPS) {
    const m = (what: string) => median(timings.get(`${what} [GOP ${clip.gop}]`));
    const seek = m("seek");
    lines.push(
      `  GOP ${clip.gop}: seek ${seek.toFixed(0)} ms | decode-all ${
        m("decode-all").toFixed(0)
      } ms ` +
        `(${(m("decode-all") / seek).toFixed(2)}x slower than seek; target >= 5x) | ` +
        `one-process-per-frame ${m("per-frame").toFixed(0)} ms (${
          (m("per-frame") / seek).toFixed(2)
        }x) | ` +
        `cache hit ${m("hit").toFixed(2)} ms`,
    );
  }
  console.log(lines.join("\n"));
  Deno.removeSync(workDir, { recursive: true });
});
