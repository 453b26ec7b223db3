import { frameIndicesByCount, frameIndicesByFps, frameIndicesBySegments } from "./frame_indices.ts";
import type { VideoProbe } from "./probe_video.ts";
import { pythonFloat } from "@vlmeval/internal";

/**
 * How frames are taken from a video:
 * - `count`: `nframe` frames spread uniformly (VLMEvalKit's `nframe`);
 * - `fps`: `fps` frames per second of video, optionally at most `maxFrames` (VLMEvalKit's
 *   `fps`, which has no cap);
 * - `segments`: the middle frame of each of `nframe` equal segments, optionally only within
 *   `bound` = [start, end] seconds (MVBench).
 */
export type FrameSampling =
  | { mode: "count"; nframe: number }
  | { mode: "fps"; fps: number; maxFrames?: number }
  | { mode: "segments"; nframe: number; bound?: readonly [number, number] };

/**
 * Checks a sampling setting up front.
 *
 * @throws {RangeError} when a count is not a positive integer or a rate not a positive number
 */
export function validateSampling(sampling: FrameSampling): void {
  const fail = (field: string, value: unknown) => {
    throw new RangeError(
      `Cannot sample frames as '${field}' must be positive: current value is ${value}`,
    );
  };
  if (sampling.mode === "fps") {
    if (!(Number.isFinite(sampling.fps) && sampling.fps > 0)) fail("fps", sampling.fps);
    const max = sampling.maxFrames;
    if (max !== undefined && !(Number.isInteger(max) && max > 0)) fail("maxFrames", max);
  } else if (!(Number.isInteger(sampling.nframe) && sampling.nframe > 0)) {
    fail("nframe", sampling.nframe);
  }
}

/**
 * A short text naming the setting, used in cache file names: `8frame`, `1.0fps`,
 * `1.0fps-max64`, `8seg`, `8seg-1.5-7.0`.
 */
export function samplingKey(sampling: FrameSampling): string {
  switch (sampling.mode) {
    case "count":
      return `${sampling.nframe}frame`;
    case "fps": {
      const max = sampling.maxFrames === undefined ? "" : `-max${sampling.maxFrames}`;
      return `${pythonFloat(sampling.fps)}fps${max}`;
    }
    case "segments": {
      const bound = sampling.bound
        ? `-${pythonFloat(sampling.bound[0])}-${pythonFloat(sampling.bound[1])}`
        : "";
      return `${sampling.nframe}seg${bound}`;
    }
  }
}

/** One frame to take: its index in the video and its file name. */
export interface FrameTarget {
  /** 0-based frame index (decord's). */
  index: number;
  /** File name inside the video's frame folder. */
  name: string;
}

/**
 * The frames a setting selects in a probed video, with their file names, 1-based, as
 * VLMEvalKit names them: `frame-<i>-of-<nframe>.jpg` and `frame-<i>-of-<count>-<fps>fps.jpg`.
 * Settings VLMEvalKit does not have get a suffix, so that they never share a name with another
 * setting's frame: `...-<fps>fps-max<M>.jpg` (only when the cap applied), `...-seg.jpg` and
 * `...-seg-<start>-<end>.jpg`.
 *
 * @example Frames at 1 fps
 * ```ts
 * import { frameTargets, type VideoProbe } from "@vlmeval/media";
 * const probe = { frameCount: 90, fps: 30 } as VideoProbe;
 * frameTargets({ mode: "fps", fps: 1 }, probe)[1]; // { index: 30, name: "frame-2-of-3-1.0fps.jpg" }
 * ```
 */
export function frameTargets(sampling: FrameSampling, probe: VideoProbe): FrameTarget[] {
  validateSampling(sampling);
  let indices: number[];
  let suffix: string;
  switch (sampling.mode) {
    case "count":
      indices = frameIndicesByCount(probe.frameCount, sampling.nframe);
      suffix = "";
      break;
    case "fps": {
      indices = frameIndicesByFps(probe.frameCount, probe.fps, sampling.fps, sampling.maxFrames);
      const uncapped = frameIndicesByFps(probe.frameCount, probe.fps, sampling.fps).length;
      const cap = uncapped > indices.length ? `-max${sampling.maxFrames}` : "";
      suffix = `-${pythonFloat(sampling.fps)}fps${cap}`;
      break;
    }
    case "segments":
      indices = frameIndicesBySegments(
        probe.frameCount,
        probe.fps,
        sampling.nframe,
        sampling.bound,
      );
      suffix = `-${samplingKey(sampling).replace(/^\d+/, "")}`;
      break;
  }
  const count = indices.length;
  return indices.map((index, i) => ({ index, name: `frame-${i + 1}-of-${count}${suffix}.jpg` }));
}
