import type { VideoProbe } from "./probe_video.ts";

/** One ffmpeg input: seek once, then keep the frames at `indices`. */
export interface ExtractSegment {
  /** Seconds to seek to (`-ss`), or 0 for no seek. */
  seekSeconds: number;
  /** Index of the first frame decoded after the seek (0 without a seek). */
  startIndex: number;
  /** Frame indices in the video to keep, ascending, none below `startIndex`. */
  indices: number[];
}

/** Tuning of {@link planSegments}. */
export interface PlanOptions {
  /**
   * Targets at most this many seconds apart are decoded in one run instead of a new seek,
   * because a seek costs on average half a GOP of decoding (x264's default keyframe interval
   * is 250 frames, streaming encoders commonly use 2 s).
   */
  mergeGapSeconds: number;
  /** Most targets in one segment (keeps ffmpeg's `select` expression short). */
  maxTargetsPerSegment: number;
}

/** Default tuning: 2 s merge gap, 64 targets per segment. */
export const DEFAULT_PLAN: PlanOptions = { mergeGapSeconds: 2, maxTargetsPerSegment: 64 };

/**
 * Splits the frames to extract into seek segments. Frame k is at k / fps after the first video
 * frame; a segment seeks half a frame before its first target, so that ffmpeg's accurate seek
 * (which drops every frame before the seek time) lands exactly on it whatever the rounding of
 * timestamps. A variable-frame-rate video gets one segment from the start, because its times do
 * not map to indices; its frames are then counted as decoded, as decord does.
 */
export function planSegments(
  indices: readonly number[],
  probe: VideoProbe,
  options: PlanOptions = DEFAULT_PLAN,
): ExtractSegment[] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  if (probe.variableFrameRate) return [{ seekSeconds: 0, startIndex: 0, indices: sorted }];
  const mergeGap = Math.max(1, Math.round(options.mergeGapSeconds * probe.fps));
  const segments: ExtractSegment[] = [];
  let current: number[] = [];
  for (const index of sorted) {
    const last = current.at(-1);
    const fits = last !== undefined && index - last <= mergeGap &&
      current.length < options.maxTargetsPerSegment;
    if (!fits && current.length > 0) {
      segments.push(segmentFrom(current, probe));
      current = [];
    }
    current.push(index);
  }
  segments.push(segmentFrom(current, probe));
  return segments;
}

function segmentFrom(indices: number[], probe: VideoProbe): ExtractSegment {
  const first = indices[0];
  if (first === 0) return { seekSeconds: 0, startIndex: 0, indices };
  const seek = Math.max(0, probe.startOffset + (first - 0.5) / probe.fps);
  return { seekSeconds: seek, startIndex: first, indices };
}
