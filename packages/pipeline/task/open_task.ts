import {
  bundledDatasetNames,
  bundledDatasetPath,
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
    return imageTask(dataset, `${mediaCacheDir(opts.workDir)}/${dataset.name}`);
  } catch (err) {
    const isPath = name.includes("/") || name.toLowerCase().endsWith(".tsv");
    if (!(err instanceof DatasetNotFoundError) || isPath) throw err;
    // The same error with the hint added: a wrapping cause would repeat the message.
    throw new DatasetNotFoundError(`${err.message}. ${NAMING_HINT}`, err.searched);
  }
}

/** What a user who typed an unknown name needs next (VLMEvalKit #845: presets are hard to find). */
const NAMING_HINT =
  `Bundled benchmarks: ${
    bundledDatasetNames().join(", ")
  }, Shapes_Video_<N>frame, Shapes_Video_<F>fps (add _pack for pack mode); a video benchmark ` +
  `takes a _<N>frame or _<F>fps suffix (or --nframe/--fps), e.g. Video-MME_8frame`;
