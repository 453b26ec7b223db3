import { basename, dirname, extname, join, resolve } from "node:path";
import type { Message, Row } from "@vlmeval/schema";
import {
  type FfmpegTools,
  type FrameSampling,
  type SampledFrames,
  sampleVideoFrames,
} from "@vlmeval/media";
import { packPredictions } from "./pack_answer.ts";
import { resolveVideoPath } from "./video_path.ts";
import { compareCodePoints, pythonFloat } from "@vlmeval/internal";
import {
  letteredMcqPrompt,
  mvbenchPrompt,
  openPrompt,
  packPrompt,
  type PromptQuestion,
} from "./_video_prompts.ts";
import { readVideoTable, type VideoDatasetShape, type VideoQuestion } from "./_video_rows.ts";

export type { VideoDatasetShape, VideoQuestion } from "./_video_rows.ts";

/** Options of {@link openVideoDataset}. Set `nframe` or `fps`, not both (default: 8 frames). */
export interface OpenVideoDatasetOptions {
  /** Dataset name used for the frame folder and result names (default: the TSV's file stem). */
  name?: string;
  /** Frames per video, spread uniformly (MVBench-like datasets: segment middles). */
  nframe?: number;
  /** Frames per second of video. */
  fps?: number;
  /** With `fps`: at most this many frames (VLMEvalKit has no cap). */
  maxFrames?: number;
  /** Ask all questions about a video in one generation (MMBench-Video's pack mode). */
  pack?: boolean;
  /** Folder of the videos (default `<tsv folder>/video`, or the TSV's folder when rows have `prefix`). */
  videoRoot?: string;
  /**
   * `pandas` (default): cells as VLMEvalKit's pandas reads them (`nan` for missing values,
   * numbers as Python prints them); `literal`: the text as written.
   */
  cells?: "pandas" | "literal";
}

/** A unit of work: one question (nopack) or every question about one video (pack). */
export interface VideoUnit {
  /** The question's index (nopack) or the video name (pack). */
  key: string;
  /** The video, relative to the video root. */
  video: string;
  /** Indices of the questions this unit answers, in file order. */
  indices: string[];
}

/** Options of {@link VideoDataset.buildPrompt}. */
export interface BuildPromptOptions {
  /** ffmpeg and ffprobe; found with `findFfmpeg` on a cache miss when left out. */
  tools?: FfmpegTools;
  /** Aborts frame extraction. */
  signal?: AbortSignal;
}

/** A video benchmark read from a TSV, with its sampling setting. */
export interface VideoDataset {
  /** Name with the setting, VLMEvalKit style: `Shapes_Video_8frame_nopack`, `X_1.0fps_pack`. */
  readonly name: string;
  /** Name without the setting (`Shapes_Video`): the frame folder's name. */
  readonly baseName: string;
  /** Absolute path of the TSV. */
  readonly file: string;
  /** Absolute folder the `video` values are relative to. */
  readonly videoRoot: string;
  /** The question layout, detected from the columns and the first row. */
  readonly shape: VideoDatasetShape;
  /** Pack mode: one unit per video, answering all its questions at once. */
  readonly pack: boolean;
  /** Number of units: videos in pack mode, questions otherwise. */
  readonly size: number;
  /** How the cells were read. */
  readonly cellReading: "pandas" | "literal";
  /** pandas reading only: each column's dtype, for prediction files. */
  readonly dtypes?: Readonly<Record<string, string>>;
  /** pandas reading only: a warning counting the prompts and answers the reading changes. */
  readonly readingWarning?: string;
  /** The file's rows (with `index` added when the file has none), for the prediction table. */
  rows(): Row[];
  /** Column names of {@link rows}, in file order. */
  columns(): string[];
  /** Every question, normalised (letters for MVBench-like answers). */
  questions(): VideoQuestion[];
  /** One question by index. */
  question(index: string): VideoQuestion;
  /** Units in order: rows in file order, or sorted unique videos in pack mode. */
  units(): VideoUnit[];
  /** The sampling a unit uses (MVBench-like rows with a bound sample within it). */
  samplingFor(unit: VideoUnit): FrameSampling;
  /** The unit's video file (extension resolved). */
  videoPath(unit: VideoUnit): Promise<string>;
  /** Extracts (or reuses) the unit's frames under `<framesRoot>/<baseName>/<video>/`. */
  framesFor(
    unit: VideoUnit,
    framesRoot: string,
    options?: BuildPromptOptions,
  ): Promise<SampledFrames>;
  /** The unit's prompt, with frame paths; extracts frames on first use. */
  buildPrompt(unit: VideoUnit, framesRoot: string, options?: BuildPromptOptions): Promise<Message>;
  /** Per-question predictions from a unit's answer (pack: parsed JSON; nopack: the text). */
  predictions(unit: VideoUnit, answer: string): Map<string, string>;
}

/**
 * Opens a video benchmark TSV in one of the shapes VLMEvalKit uses (see
 * {@link VideoDatasetShape}); the shape is detected from the columns and the first row.
 *
 * @throws {DatasetFormatError} when the file is malformed (names line and field)
 * @throws {RangeError} for conflicting or invalid sampling options
 *
 * @example Eight frames per question
 * ```ts ignore
 * import { openVideoDataset } from "@vlmeval/datasets";
 * const ds = await openVideoDataset("packages/datasets/bundled/Shapes_Video.tsv", { nframe: 8 });
 * ds.name; // "Shapes_Video_8frame_nopack"
 * const prompt = await ds.buildPrompt(ds.units()[0], "outputs/frames");
 * ```
 */
export async function openVideoDataset(
  tsvPath: string,
  options: OpenVideoDatasetOptions = {},
): Promise<VideoDataset> {
  const sampling = samplingFromOptions(options);
  const file = resolve(tsvPath);
  const cellReading = options.cells ?? "pandas";
  const table = await readVideoTable(file, cellReading);
  const baseName = options.name ?? basename(file, extname(file));
  const changed = table.changes;
  const readingWarning = changed && (changed.prompts > 0 || changed.answers > 0)
    ? `${baseName}: read as VLMEvalKit's pandas reads it, ${changed.prompts} of ` +
      `${table.questions.length} questions differ from the file's literal text (missing ` +
      `values as "nan", numbers as Python prints them) and ${changed.answers} answers do; ` +
      `--literal-cells keeps the text as written`
    : undefined;
  const pack = options.pack ?? false;
  const hasPrefix = table.header.includes("prefix");
  const videoRoot = resolve(
    options.videoRoot ?? (hasPrefix ? dirname(file) : join(dirname(file), "video")),
  );
  const byIndex = new Map(table.questions.map((q) => [q.index, q]));
  const units = pack ? packUnits(table.questions) : table.questions.map((q) => ({
    key: q.index,
    video: q.video,
    indices: [q.index],
  }));

  const question = (index: string): VideoQuestion => {
    const found = byIndex.get(index);
    if (!found) throw new RangeError(`Cannot find question ${index} in ${file}`);
    return found;
  };
  const samplingFor = (unit: VideoUnit): FrameSampling => {
    if (table.shape !== "text-mcq" || sampling.mode !== "count") return sampling;
    const bound = pack ? undefined : question(unit.indices[0]).bound;
    return { mode: "segments", nframe: sampling.nframe, ...(bound ? { bound } : {}) };
  };
  const framesFor = async (unit: VideoUnit, framesRoot: string, opts: BuildPromptOptions = {}) =>
    await sampleVideoFrames({
      video: await resolveVideoPath(videoRoot, unit.video),
      framesDir: join(resolve(framesRoot), baseName, unit.video),
      sampling: samplingFor(unit),
      tools: opts.tools,
      signal: opts.signal,
    });

  return {
    name: `${baseName}_${settingName(sampling)}_${pack ? "pack" : "nopack"}`,
    baseName,
    file,
    videoRoot,
    shape: table.shape,
    pack,
    cellReading,
    ...(table.dtypes ? { dtypes: table.dtypes } : {}),
    ...(readingWarning ? { readingWarning } : {}),
    size: units.length,
    rows: () => table.questions.map((q) => ({ ...q.row })),
    columns: () => [...table.header],
    questions: () => [...table.questions],
    question,
    units: () => units.map((u) => ({ ...u, indices: [...u.indices] })),
    samplingFor,
    videoPath: (unit) => resolveVideoPath(videoRoot, unit.video),
    framesFor,
    async buildPrompt(unit, framesRoot, opts = {}) {
      const frames = (await framesFor(unit, framesRoot, opts)).paths;
      const questions: PromptQuestion[] = unit.indices.map(question);
      if (pack) return packPrompt(frames, questions);
      const q = questions[0];
      if (table.shape === "lettered-mcq") return letteredMcqPrompt(frames, q);
      if (table.shape === "text-mcq") return mvbenchPrompt(frames, q);
      return openPrompt(frames, q);
    },
    predictions(unit, answer) {
      if (pack) return packPredictions(answer, unit.indices);
      return new Map([[unit.indices[0], answer]]);
    },
  };
}

function samplingFromOptions(options: OpenVideoDatasetOptions): FrameSampling {
  const { nframe, fps, maxFrames } = options;
  if (nframe !== undefined && fps !== undefined) {
    throw new RangeError(
      `Cannot open a video dataset with both nframe and fps: current values are ${nframe} and ${fps}`,
    );
  }
  if (maxFrames !== undefined && fps === undefined) {
    throw new RangeError(
      `Cannot use maxFrames ${maxFrames} without fps: it caps fps sampling only`,
    );
  }
  const sampling: FrameSampling = fps !== undefined
    ? { mode: "fps", fps, ...(maxFrames !== undefined ? { maxFrames } : {}) }
    : { mode: "count", nframe: nframe ?? 8 };
  if (sampling.mode === "fps" && !(Number.isFinite(fps) && fps! > 0)) {
    throw new RangeError(
      `Cannot sample video frames as fps must be positive: current value is ${fps}`,
    );
  }
  if (sampling.mode === "count" && !(Number.isInteger(sampling.nframe) && sampling.nframe > 0)) {
    throw new RangeError(
      `Cannot sample video frames as nframe must be a positive integer: current value is ${sampling.nframe}`,
    );
  }
  if (maxFrames !== undefined && !(Number.isInteger(maxFrames) && maxFrames > 0)) {
    throw new RangeError(
      `Cannot sample video frames as maxFrames must be a positive integer: current value is ${maxFrames}`,
    );
  }
  return sampling;
}

/** `8frame`, `1.0fps`, `1.0fps_max64`: the setting part of a dataset name. */
function settingName(sampling: FrameSampling): string {
  if (sampling.mode === "fps") {
    const cap = sampling.maxFrames === undefined ? "" : `_max${sampling.maxFrames}`;
    return `${pythonFloat(sampling.fps)}fps${cap}`;
  }
  return `${sampling.nframe}frame`;
}

function packUnits(questions: VideoQuestion[]): VideoUnit[] {
  const byVideo = new Map<string, string[]>();
  for (const q of questions) {
    const list = byVideo.get(q.video) ?? [];
    list.push(q.index);
    byVideo.set(q.video, list);
  }
  return [...byVideo.keys()].sort(compareCodePoints).map((video) => ({
    key: video,
    video,
    indices: byVideo.get(video)!,
  }));
}
