import {
  bundledDatasetNames,
  bundledDatasetPath,
  bundledVideoDatasetPath,
  DatasetNotFoundError,
  openImageDataset,
  resolveDatasetPath,
} from "@vlmeval/datasets";
import { parseDatasetName, videoSettingFor } from "./dataset_name.ts";
import type { EvalTask, OpenTaskOptions } from "./eval_task.ts";
import { imageTask } from "./image_task.ts";
import { mediaCacheDir } from "@vlmeval/media";
import { openVideoTask } from "./video_task.ts";

/**
 * Opens a `--data` value as an evaluation task: a bundled benchmark, a name under `$LMUData`, or
 * a path to a `.tsv`. Names with `_<N>frame` or `_<F>fps` (or `--nframe`/`--fps`) are video
 * benchmarks. Images and frames are decoded under `<work-dir>/images/<dataset>/`.
 */
export async function openTask(name: string, opts: OpenTaskOptions): Promise<EvalTask> {
  try {
    const spec = parseDatasetName(name);
    if (videoSettingFor(spec, opts)) return await openVideoTask(spec, opts);
    const path = bundledDatasetPath(name) ?? await resolveDatasetPath(name);
    const dataset = await openImageDataset(path, {
      cells: opts.literalCells ? "literal" : "pandas",
    });
    if (dataset.readingWarning) opts.warn?.(dataset.readingWarning);
    const task = imageTask(dataset, `${mediaCacheDir(opts.workDir)}/${dataset.name}`);
    if (task.leftOut) opts.warn?.(leftOutWarning(task.name, task.leftOut));
    return task;
  } catch (err) {
    const isPath = name.includes("/") || name.toLowerCase().endsWith(".tsv");
    if (!(err instanceof DatasetNotFoundError) || isPath) throw err;
    // The same error with the hint added: a wrapping cause would repeat the message.
    throw new DatasetNotFoundError(`${err.message}. ${NAMING_HINT}`, err.searched);
  }
}

/** `N rows of <file> have an empty image cell ...`, the warning for rows left out. */
export function leftOutWarning(
  name: string,
  leftOut: { rows: number; lines: readonly number[]; file: string },
): string {
  const { rows, lines, file } = leftOut;
  const shown = lines.join(", ") + (rows > lines.length ? ", ..." : "");
  return `${name}: ${rows} row${rows > 1 ? "s" : ""} of ${file} ${
    rows > 1 ? "have" : "has"
  } an empty image cell and ${rows > 1 ? "are" : "is"} left out, as VLMEvalKit leaves ` +
    `them out (line${lines.length > 1 ? "s" : ""} ${shown}); the summary counts them`;
}

/** Where a `--data` value's benchmark file is, found without opening it. */
export type TaskFile =
  /** The file. */
  | { path: string; video: boolean }
  /** No file: the places looked at, and whether the value was a path. */
  | { missing: readonly string[]; isPath: boolean; video: boolean; base: string };

/**
 * Finds the benchmark file a `--data` value names, as {@linkcode openTask} would, without
 * reading it: so that a command line naming a benchmark that is not there is refused before
 * anything starts.
 */
export async function findTaskFile(name: string, opts: OpenTaskOptions): Promise<TaskFile> {
  const spec = parseDatasetName(name);
  const video = videoSettingFor(spec, opts) !== undefined;
  const base = video ? spec.base : name;
  const bundled = video ? bundledVideoDatasetPath(base) : bundledDatasetPath(base);
  if (bundled) return { path: bundled, video };
  try {
    return { path: await resolveDatasetPath(base), video };
  } catch (err) {
    if (!(err instanceof DatasetNotFoundError)) throw err;
    const isPath = base.includes("/") || base.toLowerCase().endsWith(".tsv");
    return { missing: err.searched, isPath, video, base };
  }
}

/** Names of the benchmarks shipped with vlmeval, video ones with a frame setting. */
export function bundledTaskNames(): string[] {
  return [...bundledDatasetNames(), "Shapes_Video_8frame", "Shapes_Video_8frame_pack"];
}

/** What a user who typed an unknown name needs next (VLMEvalKit #845: presets are hard to find). */
const NAMING_HINT =
  `Bundled benchmarks: ${
    bundledDatasetNames().join(", ")
  }, Shapes_Video_<N>frame, Shapes_Video_<F>fps (add _pack for pack mode); a video benchmark ` +
  `takes a _<N>frame or _<F>fps suffix (or --nframe/--fps), e.g. Video-MME_8frame`;
