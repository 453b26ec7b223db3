import {
  bundledVideoDatasetPath,
  openVideoDataset,
  resolveDatasetPath,
  type VideoDataset,
} from "@vlmeval/datasets";
import { type FfmpegTools, findFfmpeg, mediaCacheDir, samplingKey } from "@vlmeval/media";
import { isFailure, type Row } from "@vlmeval/schema";
import { type DatasetSpec, videoSettingFor } from "./dataset_name.ts";
import type { EvalTask, EvalUnit, OpenTaskOptions, PrefetchOptions } from "./eval_task.ts";

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
  const frames = new FramePrefetch(dataset, units, framesRoot, tools);
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
        buildPrompt: async () => {
          await frames.ready(position);
          return await dataset.buildPrompt(unit, framesRoot, { tools });
        },
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
    prefetch: (positions, options) => frames.start(positions, options),
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

/** How many units ahead of the one running frames are extracted, per concurrent extraction. */
const LOOKAHEAD_PER_WORKER = 4;

/**
 * Extracts the frames of the coming units' videos ahead of them, `concurrency` videos at once
 * and at most {@link LOOKAHEAD_PER_WORKER} units per worker ahead of the unit running, each
 * video (and sampling) once. The frames land in the shared frame cache, so a unit's prompt
 * then finds them there; an extraction that fails is left for the unit's own prompt building
 * to meet again and record.
 */
class FramePrefetch {
  #order: ArrayLike<number> = [];
  #rank = new Map<number, number>();
  #next = 0;
  #running = 0;
  #consumed = -1;
  #options: PrefetchOptions = { concurrency: 0 };
  #started = new Map<string, Promise<unknown>>();
  #byPosition = new Map<number, Promise<unknown>>();

  constructor(
    readonly dataset: VideoDataset,
    readonly units: ReturnType<VideoDataset["units"]>,
    readonly framesRoot: string,
    readonly tools: FfmpegTools,
  ) {}

  start(positions: ArrayLike<number>, options: PrefetchOptions): void {
    this.#order = positions;
    this.#rank = new Map(Array.from(positions, (p, k) => [p, k]));
    this.#options = options;
    this.#pump();
  }

  /** Waits for the prefetch of this unit's frames, if one was started; never throws. */
  async ready(position: number): Promise<void> {
    const rank = this.#rank.get(position);
    if (rank !== undefined && rank > this.#consumed) this.#consumed = rank;
    this.#pump();
    await this.#byPosition.get(position)?.catch(() => {});
    this.#byPosition.delete(position);
  }

  #pump(): void {
    const { concurrency, signal } = this.#options;
    const window = this.#consumed + 1 + concurrency * LOOKAHEAD_PER_WORKER;
    while (
      this.#running < concurrency && this.#next < this.#order.length && this.#next < window &&
      !signal?.aborted
    ) {
      const position = this.#order[this.#next++];
      const unit = this.units[position];
      const key = `${unit.video}\n${samplingKey(this.dataset.samplingFor(unit))}`;
      let job = this.#started.get(key);
      if (!job) {
        this.#running++;
        job = this.dataset.framesFor(unit, this.framesRoot, { tools: this.tools, signal })
          .then(() => {}).finally(() => {
            this.#running--;
            this.#pump();
          });
        job.catch(() => {});
        this.#started.set(key, job);
      }
      this.#byPosition.set(position, job);
    }
  }
}
