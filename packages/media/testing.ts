/**
 * Test and benchmark fixtures for video work, for vlmeval's own tests and benchmarks: one
 * generator of ffmpeg `lavfi` clips ({@linkcode encodeLavfiClip}), clips whose frames show their
 * index, and real broken videos (truncated, unknown codec, audio only).
 *
 * @module
 */
import jpeg from "jpeg-js";
import type { FfmpegTools } from "./ffmpeg_tools.ts";
import { runTool } from "./_run_tool.ts";

/**
 * Encodes a clip from an ffmpeg `lavfi` source (`testsrc2=size=1280x720:rate=30:duration=120`,
 * `sine=duration=1`, ...) into `path`: `ffmpeg -f lavfi -i <source> <outputArgs> <path>`.
 *
 * @throws {Error} with ffmpeg's error output when it fails.
 */
export async function encodeLavfiClip(
  tools: Pick<FfmpegTools, "ffmpeg">,
  path: string,
  source: string,
  outputArgs: readonly string[],
): Promise<void> {
  const args = ["-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source];
  const result = await runTool(tools.ffmpeg, [...args, ...outputArgs, path]);
  if (result.code !== 0) throw new Error(`Cannot make clip ${path}: ${result.stderr}`);
}

/** Options of {@link makeIndexClip}. */
export interface IndexClipOptions {
  /** Number of frames (at most 256, the indices the pattern can tell apart). */
  frames: number;
  /** Frame rate as ffmpeg reads it: `25`, `30000/1001`. */
  fps?: string;
  /** Keyframe interval. */
  gop?: number;
  /** Extra output arguments before the file name (container flags, `-f h264`). */
  outputArgs?: string[];
  /** A `setpts` expression that makes the clip variable-frame-rate. */
  setpts?: string;
}

/**
 * Encodes an H.264 test clip whose frame k shows its index: the left half's brightness is
 * 20 + 12 × (k mod 16) and the right half's 20 + 12 × floor(k / 16), in studio-range luma.
 * {@link readFrameIndex} reads it back from an extracted JPEG.
 */
export async function makeIndexClip(
  tools: FfmpegTools,
  path: string,
  options: IndexClipOptions,
): Promise<void> {
  const fps = options.fps ?? "25";
  const luma = "if(lt(X,W/2),20+12*mod(N,16),20+12*mod(trunc(N/16),16))";
  const filters = [`format=yuv420p`, `geq=lum='${luma}':cb=128:cr=128`];
  if (options.setpts) filters.push(`setpts='${options.setpts}'`);
  await encodeLavfiClip(tools, path, `color=black:s=64x48:r=${fps}`, [
    "-vf",
    filters.join(","),
    "-frames:v",
    String(options.frames),
    "-c:v",
    "libx264",
    "-g",
    String(options.gop ?? 12),
    "-pix_fmt",
    "yuv420p",
    ...(options.setpts ? [tools.passthroughOption, "passthrough"] : []),
    ...(options.outputArgs ?? []),
  ]);
}

/** Reads the frame index drawn by {@link makeIndexClip} from a JPEG frame. */
export async function readFrameIndex(jpegPath: string): Promise<number> {
  const image = jpeg.decode(await Deno.readFile(jpegPath), { useTArray: true });
  const lumaAt = (x: number) => {
    const i = ((image.height >> 1) * image.width + x) * 4;
    const gray = (image.data[i] + image.data[i + 1] + image.data[i + 2]) / 3;
    return (gray * 219) / 255 + 16;
  };
  const low = Math.round((lumaAt(image.width >> 2) - 20) / 12);
  const high = Math.round((lumaAt((3 * image.width) >> 2) - 20) / 12);
  return high * 16 + low;
}

/** Encodes a short audio-only MP4 (AAC). */
export async function makeAudioOnly(tools: FfmpegTools, path: string): Promise<void> {
  await encodeLavfiClip(tools, path, "sine=duration=1", ["-c:a", "aac"]);
}

/**
 * FaultInjection: copies an MP4 with its `avc1` sample-entry code renamed to `zzzz`, the only
 * way to get a real container whose video codec no ffmpeg can decode.
 */
export async function faultInjectionUnknownCodec(source: string, target: string): Promise<void> {
  const bytes = await Deno.readFile(source);
  const needle = new TextEncoder().encode("avc1");
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (needle.every((b, j) => bytes[i + j] === b)) bytes.set(new TextEncoder().encode("zzzz"), i);
  }
  await Deno.writeFile(target, bytes);
}

/** Writes the first `fraction` of a file to `target`, as an interrupted download would. */
export async function truncateCopy(
  source: string,
  target: string,
  fraction: number,
): Promise<void> {
  const bytes = await Deno.readFile(source);
  await Deno.writeFile(target, bytes.subarray(0, Math.floor(bytes.length * fraction)));
}
