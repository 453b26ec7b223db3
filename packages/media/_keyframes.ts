import type { FfmpegTools } from "./ffmpeg_tools.ts";
import type { KeyframeIndex } from "./_extract_plan.ts";
import { runTool } from "./_run_tool.ts";

interface PacketReport {
  packets?: { pts_time?: string; flags?: string }[];
  streams?: { start_time?: string }[];
  format?: { start_time?: string };
}

/**
 * The keyframes of a video's first video stream, from one ffprobe call that reads its packets
 * without decoding them (for MP4 this reads the file once; it costs far less than decoding a
 * GOP). Undefined when the container does not give every keyframe a presentation time, or
 * ffprobe fails: the caller then plans without keyframes.
 */
export async function probeKeyframes(
  path: string,
  tools: FfmpegTools,
  signal?: AbortSignal,
): Promise<KeyframeIndex | undefined> {
  const args = [
    ...["-v", "error", "-hide_banner", "-select_streams", "v:0"],
    ...["-show_entries", "packet=pts_time,flags:stream=start_time:format=start_time"],
    ...["-of", "json", path],
  ];
  const result = await runTool(tools.ffprobe, args, { signal, timeoutMs: 600_000 });
  if (result.code !== 0) return undefined;
  let report: PacketReport;
  try {
    report = JSON.parse(result.stdout) as PacketReport;
  } catch {
    return undefined;
  }
  const streamStart = Number(report.streams?.[0]?.start_time);
  const formatStart = Number(report.format?.start_time ?? 0);
  if (!Number.isFinite(streamStart) || !Number.isFinite(formatStart)) return undefined;
  const keyframes: number[] = [];
  for (const packet of report.packets ?? []) {
    if (!packet.flags?.startsWith("K")) continue;
    const pts = Number(packet.pts_time);
    if (!Number.isFinite(pts)) return undefined;
    keyframes.push(pts);
  }
  if (keyframes.length === 0) return undefined;
  keyframes.sort((a, b) => a - b);
  return { streamStart, formatStart, keyframes };
}
