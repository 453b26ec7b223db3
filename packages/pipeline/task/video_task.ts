import {
  bundledVideoDatasetPath,
  openVideoDataset,
  resolveDatasetPath,
  type VideoDataset,
} from "@vlmeval/datasets";
import { type FfmpegTools, findFfmpeg, mediaCacheDir } from "@vlmeval/media";
import { isFailure, type Row } from "@vlmeval/schema";
import { type DatasetSpec, videoSettingFor } from "./dataset_name.ts";
import type { EvalTask, EvalUnit, OpenTaskOptions } from "./eval_task.ts";

/**
 * Opens a video benchmark as an evaluation task (`fetched`: its TSV, fetched by name from the
 * catalog; else found by name). Frames are sampled by ffmpeg into
 * `<work-dir>/images/<dataset>/<video>/` and reused by later runs and other ranks. A unit is a
 * question, or in pack mode a video whose questions are answered by one generation.
 */
export async function openVideoTask(
  spec: DatasetSpec,
  opts: OpenTaskOptions,
  fetched?: string,
): Promise<EvalTask> {
  const bundled = fetched === undefined ? bundledVideoDatasetPath(spec.base) : undefined;
  const path = fetched ?? bundled ?? await resolveDatasetPath(spec.base);
  const { frames, pack } = videoSettingFor(spec, opts) ?? { frames: { nframe: 8 }, pack: false };
  const dataset = await openVideoDataset(path, {
    name: bundled ? spec.base : undefined,
    ...frames,
    pack,
    cells: opts.literalCells ? "literal" : "pandas",
  });
  if (dataset.readingWarning) opts.warn?.(dataset.readingWarning);
  // A missing ffmpeg fails the job up front (exit 6), not every sample one by one.
  const tools = await findFfmpeg();
  return videoTask(dataset, mediaCacheDir(opts.workDir), tools);
}

/** A video dataset as an evaluation task, with frames under `framesRoot`. */
export function videoTask(
  dataset: VideoDataset,
  framesRoot: string,
  tools: FfmpegTools,
): EvalTask {
  const units = dataset.units();
  const columns = dataset.columns().filter((c) => c !== "prediction");
  return {
    name: dataset.name,
    kind: dataset.shape === "open" ? "vqa" : "video-mcq",
    rating: dataset.shape === "text-mcq"
      ? "mvbench"
      : dataset.shape === "lettered-mcq"
      ? "video-mme"
      : undefined,
    packed: dataset.pack,
    unitCount: units.length,
    unitIndices: (position) => units[position].indices,
    unitAt: (position): Promise<EvalUnit> => {
      const unit = units[position];
      return Promise.resolve({
        key: unit.key,
        indices: unit.indices,
        buildPrompt: () => dataset.buildPrompt(unit, framesRoot, { tools }),
        parseAnswer: (answer) => {
          const parsed = new Map();
          for (const [index, prediction] of dataset.predictions(unit, answer)) {
            const ok = !isFailure(prediction);
            parsed.set(index, {
              prediction,
              ok,
              errorType: ok ? undefined : prediction.match(/^Failed to obtain answer: (\S+)/)?.[1],
            });
          }
          return parsed;
        },
      });
    },
    outputColumns: () => columns,
    outputDtypes: () => dataset.dtypes,
    outputRows: async function* (): AsyncIterable<Row> {
      for (const row of dataset.rows()) {
        const out: Row = {};
        for (const c of columns) out[c] = row[c] ?? "";
        yield out;
      }
    },
  };
}
