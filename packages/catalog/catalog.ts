import data from "./catalog.json" with { type: "json" };
import { UnknownBenchmarkError } from "./errors.ts";

/** What a benchmark asks: multiple choice, yes/no, free-form answers, or questions on videos. */
export type BenchmarkKind = "mcq" | "yes_or_no" | "vqa" | "video";

/** One step that turns a downloaded snapshot into the layout `@vlmeval/datasets` reads. */
export type UnpackStep =
  | {
    /** Every member of each archive into `into/` under its base name (Video-MME). */
    kind: "zip_flat";
    /** Archives, a glob relative to the benchmark folder. */
    archives: string;
    into: string;
  }
  | {
    /** Each archive extracted into `into/` with its folders (MVBench). */
    kind: "zip_tree";
    archives: string;
    into: string;
  }
  | {
    /** Pickled `{name: bytes}` dicts written as `into/<name><suffix>` (MMBench-Video). */
    kind: "pickle_videos";
    archives: string;
    into: string;
    suffix: string;
  }
  | {
    /** `from/<a>/<b>/*` moved to `into/<a>/<b>/` (MVBench's `data0613` folder). */
    kind: "move_up";
    from: string;
    into: string;
  };

/** One MVBench task: its question file and where its videos are. */
export interface MvbenchTask {
  /** The task's name in scores (`Action Sequence`). */
  task_type: string;
  /** Its question file in the repository's `json/` folder. */
  json: string;
  /** Folder of its videos, relative to the benchmark folder (`video/star/Charades_v1_480/`). */
  prefix: string;
  /** `video`, `gif` or `frame`. */
  data_type: string;
  /** True when questions give a start and end time. */
  bound: boolean;
}

/** How a video benchmark's TSV is had: from the repository, or written from its sources. */
export type VideoTsvSource =
  | { from: "repo"; path: string }
  | { from: "videomme_parquet"; path: string }
  | { from: "mvbench_json"; path: string; tasks: MvbenchTask[] };

/** A video benchmark's Hugging Face dataset repository and how VLMEvalKit unpacks it. */
export interface VideoSource {
  /** `owner/name` of the dataset repository. */
  repo: string;
  /** Branch or commit (`main`). */
  revision: string;
  /** Files of the repository to download (globs; `*` stays within one folder). */
  include: string[];
  /** Steps from downloaded archives to the video layout, in order. */
  unpack: UnpackStep[];
  /** Where the TSV comes from. */
  tsv: VideoTsvSource;
  /** True when the repository needs an accepted licence and a token (`HF_TOKEN`). */
  gated?: boolean;
}

/** One benchmark of the catalog. */
export interface CatalogEntry {
  /** VLMEvalKit's dataset name. */
  name: string;
  /** What it asks (from VLMEvalKit's `TYPE`). */
  kind: BenchmarkKind;
  /** The metric family VLMEvalKit scores it with (`mcq_circular`, `yes_no:mme`, `anls`, ...). */
  scorer: string;
  /** VLMEvalKit's dataset class. */
  class: string;
  /** VLMEvalKit's `TYPE` of that class. */
  type: string;
  /** `IMAGE` or `VIDEO`, VLMEvalKit's `MODALITY`. */
  modality: "IMAGE" | "VIDEO";
  /** The TSV's URL; for a video benchmark, its dataset repository's page. */
  url: string;
  /** MD5 of the TSV (a video benchmark's TSV as VLMEvalKit writes it), or null when unknown. */
  md5: string | null;
  /** Bytes of the TSV when known. */
  size: number | null;
  /** Other names for it: VLMEvalKit's video preset spellings (`MMBench_Video`). */
  aliases?: string[];
  /** For a video benchmark: its repository and unpacking. */
  video?: VideoSource;
}

/** Where the catalog's facts come from. */
export interface CatalogSource {
  /** `open-compass/VLMEvalKit`. */
  repository: string;
  /** The commit read. */
  commit: string;
  /** The files read. */
  read: string;
  /** The script that wrote the catalog. */
  generated_by: string;
}

const CATALOG = data as { source: CatalogSource; benchmarks: CatalogEntry[] };
const BY_NAME = new Map<string, CatalogEntry>();
for (const entry of CATALOG.benchmarks) {
  BY_NAME.set(entry.name, entry);
  for (const alias of entry.aliases ?? []) BY_NAME.set(alias, entry);
}

/** The VLMEvalKit source the catalog was read from (repository and commit). */
export function catalogSource(): CatalogSource {
  return { ...CATALOG.source };
}

/** Every benchmark of the catalog: image benchmarks by name, then video benchmarks. */
export function listBenchmarks(): CatalogEntry[] {
  return CATALOG.benchmarks.map((e) => structuredClone(e));
}

/** The catalog entry of a name or alias (case-sensitive, as VLMEvalKit), or undefined. */
export function findBenchmark(name: string): CatalogEntry | undefined {
  const found = BY_NAME.get(name);
  return found ? structuredClone(found) : undefined;
}

/**
 * The catalog entry of a name or alias.
 *
 * @throws {UnknownBenchmarkError} naming the closest catalog names when there is none
 */
export function getBenchmark(name: string): CatalogEntry {
  const found = findBenchmark(name);
  if (found) return found;
  const lower = name.toLowerCase();
  const near = [...BY_NAME.keys()].filter((k) => {
    const key = k.toLowerCase();
    return key === lower || key.includes(lower) || lower.includes(key);
  }).slice(0, 5);
  throw new UnknownBenchmarkError(name, near);
}
