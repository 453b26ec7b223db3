/**
 * Frame indices for a fixed number of frames spread over the video, as VLMEvalKit's
 * `save_video_frames`: step = frameCount / (nframe + 1) and frames int(i × step) for
 * i = 1..nframe, so both ends are skipped.
 *
 * @example Eight frames of a 3600-frame clip
 * ```ts
 * import { frameIndicesByCount } from "@vlmeval/media";
 * frameIndicesByCount(3600, 8); // [400, 800, 1200, 1600, 2000, 2400, 2800, 3200]
 * ```
 */
export function frameIndicesByCount(frameCount: number, nframe: number): number[] {
  checkFrameCount(frameCount);
  checkPositiveInteger("nframe", nframe);
  const step = frameCount / (nframe + 1);
  return Array.from({ length: nframe }, (_, i) => Math.trunc((i + 1) * step));
}

/**
 * Frame indices at a frame rate, as VLMEvalKit's fps mode: duration = frameCount / videoFps,
 * required = int(duration × fps), step = videoFps / fps, and frames int(i × step) for
 * i = 0..required-1. At least one frame (frame 0) is returned for a clip shorter than 1 / fps.
 *
 * VLMEvalKit has no upper bound (an hour at 1 fps is 3600 frames, VLMEvalKit#1401, #876):
 * with `maxFrames`, a longer list is thinned to `maxFrames` indices spread uniformly over it.
 *
 * @example One frame per second of a 10 s, 30 fps clip, at most 4
 * ```ts
 * import { frameIndicesByFps } from "@vlmeval/media";
 * frameIndicesByFps(300, 30, 1).length; // 10
 * frameIndicesByFps(300, 30, 1, 4); // [0, 60, 150, 210]
 * ```
 */
export function frameIndicesByFps(
  frameCount: number,
  videoFps: number,
  fps: number,
  maxFrames?: number,
): number[] {
  checkFrameCount(frameCount);
  checkPositiveNumber("videoFps", videoFps);
  checkPositiveNumber("fps", fps);
  if (maxFrames !== undefined) checkPositiveInteger("maxFrames", maxFrames);
  const duration = frameCount / videoFps;
  const required = Math.max(1, Math.trunc(duration * fps));
  const step = videoFps / fps;
  const all = Array.from({ length: required }, (_, i) => Math.trunc(i * step));
  if (maxFrames === undefined || all.length <= maxFrames) return all;
  return Array.from({ length: maxFrames }, (_, j) => all[Math.trunc((j * all.length) / maxFrames)]);
}

/**
 * Frame indices at the middle of `nframe` equal segments, as MVBench's `get_index`:
 * start = max(0, round(bound[0] × fps)), end = min(round(bound[1] × fps), frameCount − 1)
 * (the whole clip without a bound), seg = (end − start) / nframe, and frame k is
 * int(start + seg / 2 + round(seg × k)) with Python's round-half-to-even.
 */
export function frameIndicesBySegments(
  frameCount: number,
  videoFps: number,
  nframe: number,
  bound?: readonly [number, number],
): number[] {
  checkFrameCount(frameCount);
  checkPositiveNumber("videoFps", videoFps);
  checkPositiveInteger("nframe", nframe);
  const [start, end] = bound ?? [-100_000, 100_000];
  if (!(Number.isFinite(start) && Number.isFinite(end) && start <= end)) {
    throw new RangeError(
      `Cannot sample segments as the bound must be two finite numbers with start <= end: ` +
        `current value is [${start}, ${end}]`,
    );
  }
  const startIdx = Math.max(0, roundHalfEven(start * videoFps));
  const endIdx = Math.min(roundHalfEven(end * videoFps), frameCount - 1);
  const seg = (endIdx - startIdx) / nframe;
  return Array.from(
    { length: nframe },
    (_, k) => clamp(Math.trunc(startIdx + seg / 2 + roundHalfEven(seg * k)), frameCount - 1),
  );
}

/** Python's `round()` (and numpy's): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function clamp(index: number, last: number): number {
  return Math.min(last, Math.max(0, index));
}

function checkFrameCount(frameCount: number): void {
  if (!Number.isInteger(frameCount) || frameCount < 1) {
    throw new RangeError(
      `Cannot compute frame indices as the frame count must be a positive integer: ` +
        `current value is ${frameCount}`,
    );
  }
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot compute frame indices as '${name}' must be a positive integer: current value is ${value}`,
    );
  }
}

function checkPositiveNumber(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(
      `Cannot compute frame indices as '${name}' must be a positive number: current value is ${value}`,
    );
  }
}
