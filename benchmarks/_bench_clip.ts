/**
 * Generates the benchmark clips on first use and caches them outside the repository
 * (`$VLMEVAL_BENCH_CACHE`, default `<tmp>/vlmeval-bench`): large media is never committed.
 *
 * @module
 */
import { join } from "node:path";
import { writeAtomically } from "@vlmeval/internal";
import type { FfmpegTools } from "@vlmeval/media";
import { encodeLavfiClip } from "@vlmeval/media/testing";

/** A clip to generate: 2 minutes of ffmpeg's `testsrc2` at 1280x720, 30 fps, H.264. */
export interface BenchClip {
  /** Keyframe interval in frames (x264's default is 250). */
  gop: number;
  seconds: number;
  width: number;
  height: number;
  fps: number;
}

/** Directory for generated benchmark media. */
export function benchCacheDir(): string {
  return Deno.env.get("VLMEVAL_BENCH_CACHE") ??
    join(Deno.env.get("TMPDIR") ?? "/tmp", "vlmeval-bench");
}

/** Path of the clip, generating it (about a minute on 2 cores) when it is not there yet. */
export async function ensureBenchClip(tools: FfmpegTools, clip: BenchClip): Promise<string> {
  const dir = benchCacheDir();
  await Deno.mkdir(dir, { recursive: true });
  const name =
    `testsrc2-${clip.width}x${clip.height}-${clip.fps}fps-${clip.seconds}s-g${clip.gop}.mp4`;
  const path = join(dir, name);
  if (await Deno.stat(path).then((s) => s.size > 0, () => false)) return path;
  console.error(`bench: generating ${path} (once)`);
  // The temporary file has no .mp4 extension, so the muxer is named: `-f mp4`.
  await writeAtomically(path, (temp) =>
    encodeLavfiClip(
      tools,
      temp,
      `testsrc2=size=${clip.width}x${clip.height}:rate=${clip.fps}:duration=${clip.seconds}`,
      [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-g",
        String(clip.gop),
        "-pix_fmt",
        "yuv420p",
        "-f",
        "mp4",
      ],
    ));
  return path;
}
