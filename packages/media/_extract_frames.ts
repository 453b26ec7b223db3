import { join } from "node:path";
import { BadVideoError } from "./bad_video_error.ts";
import type { FfmpegTools } from "./ffmpeg_tools.ts";
import type { VideoProbe } from "./probe_video.ts";
import { type ExtractSegment, planSegments } from "./_extract_plan.ts";
import { runTool } from "./_run_tool.ts";
import { summarizeStderr } from "./_ffmpeg_messages.ts";

/** Most seek inputs in one ffmpeg process; each open decoder holds a few frames of memory. */
export const MAX_INPUTS_PER_PROCESS = 16;

/** Options of {@link extractFrames}. */
export interface ExtractOptions {
  signal?: AbortSignal;
  /** Kills an ffmpeg process that runs longer than this (default 10 minutes). */
  timeoutMs?: number;
}

/**
 * Decodes the frames at `indices` into JPEG files under `outDir` (which must exist and be
 * empty) and returns the file of each index. One ffmpeg process serves up to
 * {@link MAX_INPUTS_PER_PROCESS} segments: each segment is an input of its own that seeks to
 * its first target, so only the GOP before each target is decoded, never the whole clip.
 *
 * @throws {BadVideoError} when ffmpeg cannot decode the video or returns fewer frames than
 * asked for (a truncated file).
 */
export async function extractFrames(
  videoPath: string,
  probe: VideoProbe,
  indices: readonly number[],
  outDir: string,
  tools: FfmpegTools,
  options: ExtractOptions = {},
): Promise<Map<number, string>> {
  const segments = planSegments(indices, probe);
  const files = new Map<number, string>();
  for (let start = 0; start < segments.length; start += MAX_INPUTS_PER_PROCESS) {
    const batch = segments.slice(start, start + MAX_INPUTS_PER_PROCESS);
    const args = ffmpegArgs(videoPath, batch, start, outDir, tools);
    const result = await runTool(tools.ffmpeg, args, {
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 600_000,
    });
    if (result.code !== 0) throw classifyFailure(videoPath, result.stderr);
    for (const [i, segment] of batch.entries()) {
      segment.indices.forEach((index, n) => {
        files.set(index, join(outDir, segmentFileName(start + i, n)));
      });
    }
  }
  for (const [index, file] of files) {
    const size = await Deno.stat(file).then((s) => s.size, () => 0);
    if (size === 0) {
      const at = (index / probe.fps).toFixed(3);
      throw new BadVideoError(
        "truncated",
        videoPath,
        `ffmpeg returned no frame ${index} (at ${at} s of ${probe.frameCount} frames declared)`,
      );
    }
  }
  return files;
}

function ffmpegArgs(
  videoPath: string,
  batch: ExtractSegment[],
  firstSegment: number,
  outDir: string,
  tools: FfmpegTools,
): string[] {
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"];
  for (const segment of batch) {
    if (segment.seekSeconds > 0) args.push("-ss", segment.seekSeconds.toFixed(6));
    args.push("-i", videoPath);
  }
  batch.forEach((segment, i) => {
    args.push("-map", `${i}:v:0`);
    const offsets = segment.indices.map((index) => index - segment.startIndex);
    if (offsets.length > 1 || offsets[0] !== 0) {
      args.push("-vf", `select='${offsets.map((o) => `eq(n,${o})`).join("+")}'`);
    }
    args.push(
      "-frames:v",
      String(offsets.length),
      tools.passthroughOption,
      "passthrough",
      "-q:v",
      "2",
      "-f",
      "image2",
      "-start_number",
      "0",
      join(outDir, segmentFilePattern(firstSegment + i)),
    );
  });
  return args;
}

function segmentFilePattern(segment: number): string {
  return `s${segment}-%06d.jpg`;
}

function segmentFileName(segment: number, n: number): string {
  return `s${segment}-${String(n).padStart(6, "0")}.jpg`;
}

function classifyFailure(videoPath: string, stderr: string): BadVideoError {
  const detail = summarizeStderr(stderr);
  if (/decoder \(codec [^)]*\) not found|no decoder found|unknown decoder/i.test(stderr)) {
    return new BadVideoError("unreadable-codec", videoPath, detail);
  }
  if (/moov atom not found|invalid data found/i.test(stderr)) {
    return new BadVideoError("corrupt", videoPath, detail);
  }
  return new BadVideoError("decode-failed", videoPath, detail);
}
