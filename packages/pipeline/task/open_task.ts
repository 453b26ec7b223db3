import { type CatalogEntry, ensureDataset, findBenchmark } from "@vlmeval/catalog";
import {
  bundledDatasetNames,
  bundledDatasetPath,
  bundledVideoDatasetPath,
  type DatasetKind,
  DatasetNotFoundError,
  openImageDataset,
  type PromptStyle,
  resolveDatasetPath,
} from "@vlmeval/datasets";
import { type DatasetSpec, parseDatasetName, videoSettingFor } from "./dataset_name.ts";
import type { EvalTask, OpenTaskOptions } from "./eval_task.ts";
import { imageTask } from "./image_task.ts";
import { mediaCacheDir } from "@vlmeval/media";
import { openVideoTask } from "./video_task.ts";

/**
 * Opens a `--data` value as an evaluation task: a bundled benchmark, a benchmark of the catalog
 * by VLMEvalKit's name (fetched into the data root when missing or not the catalog's file, as
 * `ensureDataset` does; concurrent ranks download it once), a benchmark `opts.benchmarks` names
 * (a `--config` data entry, a catalog file's), another name under `$LMUData`, or a path to a
 * `.tsv` (used as it is, never fetched). Names with `_<N>frame` or `_<F>fps` (or
 * `--nframe`/`--fps`) are video benchmarks. A catalog benchmark is prompted as its VLMEvalKit
 * class prompts (its kind; the bare question for OCRBench, MathVista and MMVet; MMMU's
 * interleaved images) and carries its scorer (`EvalTask.benchmark`). Images and frames are
 * decoded under `<work-dir>/images/<dataset>/`.
 */
export async function openTask(name: string, opts: OpenTaskOptions): Promise<EvalTask> {
  const source = opts.benchmarks?.get(name);
  const task = await openValue(source?.data ?? name, opts, source?.entry);
  if (source?.name) task.name = source.name;
  return task;
}

async function openValue(
  value: string,
  opts: OpenTaskOptions,
  given: CatalogEntry | undefined,
): Promise<EvalTask> {
  try {
    const spec = parseDatasetName(value);
    // A given benchmark is what it is; a name is a video benchmark by its frame setting.
    const isVideo = given ? given.video !== undefined : videoSettingFor(spec, opts) !== undefined;
    const entry = given ?? catalogEntryFor(value, spec, isVideo, opts);
    const path = entry ? await fetchBenchmark(entry, opts) : undefined;
    if (isVideo) return withBenchmark(await openVideoTask(spec, opts, path), entry);
    const dataset = await openImageDataset(
      path ?? bundledDatasetPath(value) ?? await resolveDatasetPath(value),
      { cells: opts.literalCells ? "literal" : "pandas", ...(entry ? promptOf(entry) : {}) },
    );
    if (dataset.readingWarning) opts.warn?.(dataset.readingWarning);
    const task = imageTask(dataset, `${mediaCacheDir(opts.workDir)}/${dataset.name}`);
    return withBenchmark(task, entry);
  } catch (err) {
    const isPath = isPathLike(value);
    if (!(err instanceof DatasetNotFoundError) || isPath) throw err;
    // The same error with the hint added: a wrapping cause would repeat the message.
    throw new DatasetNotFoundError(`${err.message}. ${NAMING_HINT}`, err.searched);
  }
}

function isPathLike(value: string): boolean {
  return value.includes("/") || value.toLowerCase().endsWith(".tsv");
}

/**
 * The catalog entry a `--data` value names: one of `opts.benchmarks`, else VLMEvalKit's catalog;
 * never for a path or a bundled benchmark. A video benchmark needs a frame setting and an image
 * benchmark none, else the value is looked up under the data root as before.
 */
function catalogEntryFor(
  value: string,
  spec: DatasetSpec,
  isVideo: boolean,
  opts: OpenTaskOptions,
): CatalogEntry | undefined {
  if (isPathLike(value) || bundledDatasetPath(value) || bundledVideoDatasetPath(spec.base)) {
    return undefined;
  }
  const name = isVideo ? spec.base : value;
  const entry = opts.benchmarks?.get(name)?.entry ?? findBenchmark(name);
  return entry && (entry.video !== undefined) === isVideo ? entry : undefined;
}

/** The benchmark's TSV under the data root, fetched and verified first when it needs to be. */
async function fetchBenchmark(entry: CatalogEntry, opts: OpenTaskOptions): Promise<string> {
  const fetch = opts.fetch ?? {};
  const done = await ensureDataset(entry.name, {
    entry,
    env: fetch.env,
    progress: fetch.progress,
    warn: fetch.warn,
    signal: opts.signal,
  });
  return done.path;
}

const KIND_OF: Readonly<Record<string, DatasetKind>> = {
  mcq: "mcq",
  yes_or_no: "yorn",
  vqa: "vqa",
};

/**
 * How VLMEvalKit's class of a catalog benchmark prompts it (`build_prompt`): `MMMUDataset`
 * interleaves the images, `OCRBench`, `MathVista` and `MMVet` ask the bare question
 * (`ImageBaseDataset`), every other class by its `TYPE` (the catalog's kind).
 */
function promptOf(entry: CatalogEntry): { kind?: DatasetKind; prompt: PromptStyle } {
  const prompt: PromptStyle = entry.class === "MMMUDataset"
    ? "mmmu"
    : ["OCRBench", "MathVista", "MMVet"].includes(entry.class)
    ? "question"
    : "kind";
  return { kind: KIND_OF[entry.kind], prompt };
}

function withBenchmark(task: EvalTask, entry: CatalogEntry | undefined): EvalTask {
  if (entry) task.benchmark = { name: entry.name, class: entry.class, scorer: entry.scorer };
  return task;
}

/** What a user who typed an unknown name needs next (VLMEvalKit #845: presets are hard to find). */
const NAMING_HINT =
  `Bundled benchmarks: ${
    bundledDatasetNames().join(", ")
  }, Shapes_Video_<N>frame, Shapes_Video_<F>fps (add _pack for pack mode); VLMEvalKit's ` +
  `benchmarks are fetched by name (vlmeval datasets lists them); a video benchmark ` +
  `takes a _<N>frame or _<F>fps suffix (or --nframe/--fps), e.g. Video-MME_8frame`;
