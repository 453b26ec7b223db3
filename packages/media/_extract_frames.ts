import { join } from "node:path";
import { BadVideoError } from "./bad_video_error.ts";
import type { FfmpegTools } from "./ffmpeg_tools.ts";
import type { VideoProbe } from "./probe_video.ts";
import {
  type ExtractSegment,
  planKeyframeSegments,
  planSegments,
  splitByDecodeCost,
} from "./_extract_plan.ts";
import { probeKeyframes } from "./_keyframes.ts";
import { runTool } from "./_run_tool.ts";
import { summarizeStderr } from "./_ffmpeg_messages.ts";
import { ffmpegShare, withFfmpegSlot } from "./_ffmpeg_slots.ts";

/**
 * Threads of each input's decoder. ffmpeg (4.x) decodes the inputs of one process one after
 * another, and the cores are used by running processes side by side instead (see
 * `_ffmpeg_slots.ts`): a GOP decodes on one core with no hand-offs between frame threads (one
 * decoder thread was 15-25% faster in wall time and 12% lower in CPU time than ffmpeg's
 * automatic 3 on 2 shared cores, with 25% less memory).
 */
const DECODER_THREADS = 1;

/** Most seek inputs in one ffmpeg process; each open decoder holds a few frames of memory. */
export const MAX_INPUTS_PER_PROCESS = 16;

/** Options of {@link extractFrames}. */
export interface ExtractOptions {
  signal?: AbortSignal;
  /** Kills an ffmpeg process that runs longer than this (default 10 minutes). */
  timeoutMs?: number;
  /** `keyframes` (default) or `seek`: see `SampleVideoFramesOptions.planning`. */
  planning?: "keyframes" | "seek";
}

/**
 * Decodes the frames at `indices` into JPEG files under `outDir` (which must exist and be
 * empty) and returns the file of each index. The video's keyframes are read first (packets
 * only, see `probeKeyframes`) and each GOP holding targets becomes one segment that decodes
 * from its keyframe to its last target and stops there ({@link planKeyframeSegments}); the
 * segments are shared among ffmpeg processes running side by side, one per core, each serving
 * up to {@link MAX_INPUTS_PER_PROCESS} segments as inputs of their own. A variable-frame-rate video, or one whose keyframes cannot be
 * read or do not lead to every target, is extracted by counting frames from seeks half a frame
 * before the targets ({@link planSegments}), as before.
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
  const keyframes = probe.variableFrameRate || options.planning === "seek"
    ? undefined
    : await probeKeyframes(videoPath, tools, options.signal);
  if (keyframes) {
    const plan = planKeyframeSegments(indices, probe, keyframes);
    const files = await runSegments(videoPath, plan, "k", outDir, tools, options);
    if (await missingFrame(files) === undefined) return files;
    options.signal?.throwIfAborted();
  }
  const files = await runSegments(
    videoPath,
    planSegments(indices, probe),
    "s",
    outDir,
    tools,
    options,
  );
  const missing = await missingFrame(files);
  if (missing !== undefined) {
    const at = (missing / probe.fps).toFixed(3);
    throw new BadVideoError(
      "truncated",
      videoPath,
      `ffmpeg returned no frame ${missing} (at ${at} s of ${probe.frameCount} frames declared)`,
    );
  }
  return files;
}

/**
 * Runs the segments: split into up to `FFMPEG_SLOTS` runs of neighbouring segments with
 * about the same number of frames to decode (fewer while other videos are being extracted: see
 * `ffmpegShare`), run side by side (each ffmpeg process takes a slot of the pool this process
 * shares among its extractions), each run as ffmpeg processes of up to
 * {@link MAX_INPUTS_PER_PROCESS} segments. The first failure stops the other runs. Returns the
 * file of each index.
 */
async function runSegments(
  videoPath: string,
  segments: ExtractSegment[],
  prefix: string,
  outDir: string,
  tools: FfmpegTools,
  options: ExtractOptions,
): Promise<Map<number, string>> {
  const files = new Map<number, string>();
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const runPart = async (part: ExtractSegment[], p: number) => {
    for (let start = 0; start < part.length; start += MAX_INPUTS_PER_PROCESS) {
      const batch = part.slice(start, start + MAX_INPUTS_PER_PROCESS);
      const name = `${prefix}${p}_${start}`;
      const args = ffmpegArgs(videoPath, batch, name, outDir, tools);
      const result = await withFfmpegSlot(() =>
        runTool(tools.ffmpeg, args, { signal, timeoutMs: options.timeoutMs ?? 600_000 })
      );
      if (result.code !== 0) throw classifyFailure(videoPath, result.stderr);
      for (const [i, segment] of batch.entries()) {
        segment.indices.forEach((index, n) => {
          files.set(index, join(outDir, segmentFileName(name, i, n)));
        });
      }
    }
  };
  const settled = await ffmpegShare((processes) =>
    Promise.allSettled(
      splitByDecodeCost(segments, processes).map((part, p) =>
        runPart(part, p).catch((error) => {
          stop.abort(error);
          throw error;
        })
      ),
    )
  );
  options.signal?.throwIfAborted();
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw (stop.signal.reason ?? failed.reason);
  return files;
}

/** The first index whose file is missing or empty, if any. */
async function missingFrame(files: Map<number, string>): Promise<number | undefined> {
  for (const [index, file] of files) {
    const size = await Deno.stat(file).then((s) => s.size, () => 0);
    if (size === 0) return index;
  }
  return undefined;
}

function ffmpegArgs(
  videoPath: string,
  batch: ExtractSegment[],
  batchName: string,
  outDir: string,
  tools: FfmpegTools,
): string[] {
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"];
  const byTime = batch.some((segment) => segment.times);
  // Frames picked by time keep the container's timestamps; the seek drops nothing.
  if (byTime) args.push("-copyts");
  for (const segment of batch) {
    if (byTime) args.push("-noaccurate_seek");
    if (segment.seekSeconds > 0) args.push("-ss", segment.seekSeconds.toFixed(6));
    args.push("-threads", String(DECODER_THREADS));
    args.push("-i", videoPath);
  }
  batch.forEach((segment, i) => {
    args.push("-map", `${i}:v:0`);
    const select = selectExpression(segment);
    if (select) args.push("-vf", `select='${select}'`);
    args.push(
      "-frames:v",
      String(segment.indices.length),
      tools.passthroughOption,
      "passthrough",
      "-q:v",
      "2",
      "-f",
      "image2",
      "-start_number",
      "0",
      join(outDir, segmentFilePattern(batchName, i)),
    );
  });
  return args;
}

/** ffmpeg's `select` expression keeping a segment's targets; empty when it keeps the first frame. */
function selectExpression(segment: ExtractSegment): string {
  if (segment.times) {
    // A little under half a frame either side of each target's time, on the container's clock.
    const tolerance = (0.45 / segment.fps!).toFixed(6);
    return segment.times.map((t) => `lt(abs(t-${t.toFixed(6)}),${tolerance})`).join("+");
  }
  const offsets = segment.indices.map((index) => index - segment.startIndex);
  if (offsets.length === 1 && offsets[0] === 0) return "";
  return offsets.map((o) => `eq(n,${o})`).join("+");
}

function segmentFilePattern(batchName: string, segment: number): string {
  return `${batchName}-${segment}-%06d.jpg`;
}

function segmentFileName(batchName: string, segment: number, n: number): string {
  return `${batchName}-${segment}-${String(n).padStart(6, "0")}.jpg`;
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
