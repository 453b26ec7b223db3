import { findBenchmark } from "@vlmeval/catalog";
import { pythonFloat } from "@vlmeval/internal";

/** Frame sampling of a video dataset: a fixed count, or a rate with an optional cap. */
export type FrameSetting = { nframe: number } | { fps: number; maxFrames?: number };

/** A `--data` value taken apart. */
export interface DatasetSpec {
  /** Base name (`Shapes_Video`) or the path as given. */
  base: string;
  /** Present for video datasets named with `_<N>frame` or `_<F>fps`. */
  frames?: FrameSetting;
  /** Pack mode from a `_pack` suffix (`_nopack` or none: false). */
  pack: boolean;
}

const VIDEO_SUFFIX = /^(.*?)_(?:(\d+)frame|(\d+(?:\.\d+)?)fps)(?:_(pack|nopack))?$/;

/**
 * Parses a dataset name in VLMEvalKit's preset style: `Video-MME_8frame`,
 * `MMBench_Video_8frame_pack`, `Shapes_Video_1fps`. Other names are image datasets.
 */
export function parseDatasetName(name: string): DatasetSpec {
  const m = name.match(VIDEO_SUFFIX);
  if (!m) return { base: name, pack: false };
  const frames: FrameSetting = m[2] !== undefined
    ? { nframe: Number(m[2]) }
    : { fps: Number(m[3]) };
  return { base: m[1], frames, pack: m[4] === "pack" };
}

/**
 * The dataset part of result file names for a video dataset, as VLMEvalKit writes it:
 * `<base>_<N>frame_<pack|nopack>` or `<base>_<F>fps_<pack|nopack>` (`<F>fps_max<M>` with a
 * frame cap), the name `openVideoDataset` gives an opened dataset.
 */
export function videoTaskName(base: string, frames: FrameSetting, pack: boolean): string {
  const setting = "nframe" in frames
    ? `${frames.nframe}frame`
    : `${pythonFloat(frames.fps)}fps${
      frames.maxFrames === undefined ? "" : `_max${frames.maxFrames}`
    }`;
  return `${base}_${setting}_${pack ? "pack" : "nopack"}`;
}

/** Frame sampling and pack mode of a video `--data` value, flags overriding the name. */
export function videoSettingFor(
  spec: DatasetSpec,
  opts: { nframe?: number; fps?: number; maxFrames?: number; pack?: boolean },
): { frames: FrameSetting; pack: boolean } | undefined {
  if (!spec.frames && opts.nframe === undefined && opts.fps === undefined) return undefined;
  const frames: FrameSetting = opts.nframe !== undefined
    ? { nframe: opts.nframe }
    : opts.fps !== undefined
    ? { fps: opts.fps, ...(opts.maxFrames !== undefined ? { maxFrames: opts.maxFrames } : {}) }
    : spec.frames ?? { nframe: 8 };
  return { frames, pack: spec.pack || opts.pack === true };
}

/**
 * The name a `--data` value's task gets in file names, without opening it: what `openTask`
 * names it when the file opens (for records of a dataset that could not be opened).
 */
export function taskNameFor(
  name: string,
  opts: {
    nframe?: number;
    fps?: number;
    maxFrames?: number;
    pack?: boolean;
    benchmarks?: ReadonlyMap<string, { data?: string; name?: string }>;
  },
): string {
  const source = opts.benchmarks?.get(name);
  if (source?.name) return source.name;
  const spec = parseDatasetName(source?.data ?? name);
  const video = videoSettingFor(spec, opts);
  if (video) {
    // A fetched video benchmark is named by its catalog name (an alias opens its folder).
    const base = findBenchmark(spec.base)?.video ? findBenchmark(spec.base)!.name : spec.base;
    return videoTaskName(base.split("/").at(-1)!.replace(/\.tsv$/i, ""), video.frames, video.pack);
  }
  return spec.base.split("/").at(-1)!.replace(/\.tsv$/i, "");
}
