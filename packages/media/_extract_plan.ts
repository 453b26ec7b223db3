import type { VideoProbe } from "./probe_video.ts";

/** One ffmpeg input: seek once, then keep the frames at `indices`. */
export interface ExtractSegment {
  /** Seconds to seek to (`-ss`), or 0 for no seek. */
  seekSeconds: number;
  /** Index of the first frame decoded after the seek (0 without a seek). */
  startIndex: number;
  /** Frame indices in the video to keep, ascending, none below `startIndex`. */
  indices: number[];
  /**
   * Presentation times of `indices` on the container's clock, when the segment was planned
   * from the keyframes ({@link planKeyframeSegments}): frames are then picked by time, and the
   * seek does not drop frames before it.
   */
  times?: number[];
  /** With `times`: the frame rate the times were computed with. */
  fps?: number;
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

/** Where a video's keyframes are, read from its packets (no decoding): see `probeKeyframes`. */
export interface KeyframeIndex {
  /** Presentation time of the video stream's first frame, seconds on the container's clock. */
  streamStart: number;
  /** Start of the file on the same clock: `-ss` times are counted from here. */
  formatStart: number;
  /** Presentation times of the keyframes, ascending, on the container's clock. */
  keyframes: number[];
}

/**
 * ffmpeg's input seek lands this much earlier than asked when the video has B-frames (its "dts
 * heuristic": 3/23 s), so a seek aimed at a keyframe would decode the whole GOP before it.
 */
const SEEK_BACKOFF_SECONDS = 3 / 23;

/**
 * Splits the frames to extract into one segment per keyframe interval (GOP) holding targets:
 * each segment lands on the keyframe at or before its first target, so only the frames from
 * that keyframe to the segment's last target are decoded, and a GOP without a target is never
 * decoded. The targets are then picked by their presentation time (`times`, on the container's
 * clock), not counted, so the landing keyframe need not be known exactly: a seek that lands
 * one GOP early costs decoding, never a wrong frame.
 */
export function planKeyframeSegments(
  indices: readonly number[],
  probe: VideoProbe,
  index: KeyframeIndex,
  maxTargetsPerSegment = DEFAULT_PLAN.maxTargetsPerSegment,
): ExtractSegment[] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const { keyframes } = index;
  const frame = 1 / probe.fps;
  const segments: ExtractSegment[] = [];
  let current: { key: number; indices: number[] } | undefined;
  let k = 0;
  for (const target of sorted) {
    const time = index.streamStart + target * frame;
    while (k + 1 < keyframes.length && keyframes[k + 1] <= time + frame / 4) k++;
    if (current && current.key === k && current.indices.length < maxTargetsPerSegment) {
      current.indices.push(target);
      continue;
    }
    if (current) segments.push(keyframeSegment(current.key, current.indices, probe, index));
    current = { key: k, indices: [target] };
  }
  if (current) segments.push(keyframeSegment(current.key, current.indices, probe, index));
  return segments;
}

function keyframeSegment(
  key: number,
  indices: number[],
  probe: VideoProbe,
  index: KeyframeIndex,
): ExtractSegment {
  const times = indices.map((i) => index.streamStart + i / probe.fps);
  const keyTime = index.keyframes[key] ?? index.streamStart;
  const next = index.keyframes[key + 1];
  // Aim past the keyframe by ffmpeg's back-off, but never half a GOP past it, so the seek
  // lands on this keyframe (or, at worst, an earlier one).
  const past = Math.min(
    SEEK_BACKOFF_SECONDS + 0.5 / probe.fps,
    next === undefined ? Infinity : (next - keyTime) / 2,
  );
  const seek = key === 0 ? 0 : Math.max(0, keyTime + past - index.formatStart);
  return { seekSeconds: seek, startIndex: indices[0], indices, times, fps: probe.fps };
}

/**
 * Splits `segments`, in order, into at most `parts` runs of neighbours with about the same
 * number of frames to decode (from each segment's seek to its last target).
 */
export function splitByDecodeCost(
  segments: readonly ExtractSegment[],
  parts: number,
): ExtractSegment[][] {
  const costs = segments.map(decodeCost);
  const total = costs.reduce((a, b) => a + b, 0);
  const count = Math.max(1, Math.min(parts, segments.length));
  const runs: ExtractSegment[][] = [[]];
  let sum = 0;
  for (const [i, segment] of segments.entries()) {
    const share = (total * runs.length) / count;
    if (runs.at(-1)!.length > 0 && runs.length < count && sum + costs[i] / 2 > share) {
      runs.push([]);
    }
    runs.at(-1)!.push(segment);
    sum += costs[i];
  }
  return runs;
}

/** Frames a segment decodes, about: from its seek (or its first target) to its last target. */
function decodeCost(segment: ExtractSegment): number {
  const last = segment.indices.at(-1)!;
  if (segment.times && segment.fps) {
    return Math.max(1, (segment.times.at(-1)! - segment.seekSeconds) * segment.fps);
  }
  return last - segment.startIndex + 1;
}
