import { BadVideoError } from "./bad_video_error.ts";
import type { FfmpegTools } from "./ffmpeg_tools.ts";
import { runTool } from "./_run_tool.ts";
import { summarizeStderr } from "./_ffmpeg_messages.ts";

/** What frame sampling needs to know about a video. */
export interface VideoProbe {
  /** Number of frames (decord's `len(vr)`): from the container, else duration × fps. */
  frameCount: number;
  /** Where `frameCount` came from. */
  frameCountSource: "container" | "duration";
  /** Average frame rate (decord's `get_avg_fps()`). */
  fps: number;
  /** Duration in seconds. */
  duration: number;
  /** Seconds from the start of the file to the first video frame (usually 0). */
  startOffset: number;
  /** True when the nominal and average frame rates differ, so times do not map to indices. */
  variableFrameRate: boolean;
  /** Frame width in pixels. */
  width: number;
  /** Frame height in pixels. */
  height: number;
  /** ffmpeg's codec name, e.g. `h264`. */
  codec: string;
  /** ffmpeg's container name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  container: string;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  codec_tag_string?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  start_time?: string;
  disposition?: { attached_pic?: number };
}

interface ProbeOutput {
  streams?: ProbeStream[];
  format?: { duration?: string; start_time?: string; format_name?: string };
}

const ENTRIES = "stream=codec_type,codec_name,codec_tag_string,width,height,avg_frame_rate," +
  "r_frame_rate,nb_frames,duration,start_time:stream_disposition=attached_pic:" +
  "format=duration,start_time,format_name";

/**
 * Reads a video's frame count, frame rate, duration, size and codec with one ffprobe call
 * (container metadata only, no decoding). When the container has no frame count it is computed
 * as round(duration × average fps), as decord does.
 *
 * @throws {BadVideoError} for a missing, empty, corrupt or truncated file, a file without a
 * video stream, an unknown codec, or an unknown duration and frame count.
 */
export async function probeVideo(
  path: string,
  tools: FfmpegTools,
  signal?: AbortSignal,
): Promise<VideoProbe> {
  await checkFile(path);
  const args = ["-v", "error", "-hide_banner", "-show_entries", ENTRIES, "-of", "json", path];
  const result = await runTool(tools.ffprobe, args, { signal, timeoutMs: 60_000 });
  const message = result.stderr.trim();
  if (result.code !== 0) throw new BadVideoError("corrupt", path, summarizeStderr(message));
  if (/partial file/i.test(message)) {
    throw new BadVideoError("truncated", path, summarizeStderr(message));
  }
  let output: ProbeOutput;
  try {
    output = JSON.parse(result.stdout) as ProbeOutput;
  } catch (error) {
    throw new BadVideoError("corrupt", path, "ffprobe printed no readable report", {
      cause: error,
    });
  }
  return describeVideo(path, output);
}

async function checkFile(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (error) {
    throw new BadVideoError("missing-file", path, undefined, { cause: error });
  }
  if (!info.isFile) throw new BadVideoError("missing-file", path, "the path is not a file");
  if (info.size === 0) throw new BadVideoError("zero-length", path);
}

function describeVideo(path: string, output: ProbeOutput): VideoProbe {
  const streams = output.streams ?? [];
  const video = streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  if (!video) {
    const kinds = streams.map((s) => s.codec_type ?? "unknown").join(", ") || "none";
    throw new BadVideoError("no-video-stream", path, `streams found: ${kinds}`);
  }
  if (!video.codec_name || video.codec_name === "none") {
    const tag = video.codec_tag_string ?? "unknown";
    throw new BadVideoError("unreadable-codec", path, `codec tag "${tag}"`);
  }
  const format = output.format ?? {};
  const avg = parseRate(video.avg_frame_rate);
  const nominal = parseRate(video.r_frame_rate);
  const fps = avg ?? nominal;
  if (fps === undefined) {
    throw new BadVideoError("unknown-duration", path, "the frame rate is unknown");
  }
  const declared = positiveNumber(video.nb_frames);
  const seconds = positiveNumber(video.duration) ?? positiveNumber(format.duration);
  let frameCount: number;
  let frameCountSource: VideoProbe["frameCountSource"];
  if (declared !== undefined && Number.isInteger(declared)) {
    frameCount = declared;
    frameCountSource = "container";
  } else if (seconds !== undefined) {
    frameCount = Math.round(seconds * fps);
    frameCountSource = "duration";
  } else {
    throw new BadVideoError(
      "unknown-duration",
      path,
      `the ${format.format_name ?? "unknown"} container declares neither; remux it with ` +
        `\`ffmpeg -i <in> -c copy <out>.mp4\``,
    );
  }
  if (frameCount < 1) throw new BadVideoError("unknown-duration", path, "it has no frames");
  const streamStart = finiteNumber(video.start_time);
  const formatStart = finiteNumber(format.start_time);
  const startOffset = streamStart !== undefined && formatStart !== undefined
    ? Math.max(0, streamStart - formatStart)
    : 0;
  return {
    frameCount,
    frameCountSource,
    fps,
    duration: seconds ?? frameCount / fps,
    startOffset,
    variableFrameRate: avg !== undefined && nominal !== undefined &&
      Math.abs(avg - nominal) > 1e-3 * nominal,
    width: video.width ?? 0,
    height: video.height ?? 0,
    codec: video.codec_name,
    container: format.format_name ?? "unknown",
  };
}

function parseRate(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const [num, den] = text.split("/").map(Number);
  const rate = den === undefined ? num : num / den;
  return Number.isFinite(rate) && rate > 0 ? rate : undefined;
}

function positiveNumber(text: string | undefined): number | undefined {
  const value = finiteNumber(text);
  return value !== undefined && value > 0 ? value : undefined;
}

function finiteNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === "" || text === "N/A") return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}
