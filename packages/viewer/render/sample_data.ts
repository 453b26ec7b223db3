/**
 * The sample browser's data: per benchmark, the dataset's fields once and each model's answers
 * as columns (arrays aligned by row), so a 100k-row benchmark is one compact JSON block that the
 * page parses only when the benchmark is opened.
 *
 * @module
 */
import { dirname } from "node:path";
import { looksLikeList, parsePythonStringList } from "@vlmeval/internal";
import { isFailure, type Row } from "@vlmeval/schema";
import type { WorkDirScan } from "../scan/types.ts";
import { relativeUrl } from "./html.ts";
import { MediaIndex, type ThumbnailSheets } from "./media_files.ts";

/** One model's answers on a benchmark, aligned with the benchmark's rows. */
export interface ModelAnswers {
  /** Model name. */
  name: string;
  /** The file the rows come from, relative to the work dir. */
  source: string;
  /** The prediction, or null where this model has no row. */
  pred: (string | null)[];
  /** The extracted answer (`extracted`, `res`, `eval_pred`), "" when none. */
  ext: string[];
  /** 1 right, 0 wrong, a fraction for graded scores, null when not scored. */
  hit: (number | null)[];
  /** How the answer was scored (`option`, `judge`, `failed`, ...). */
  method: string[];
  /** 1 where the prediction records a failure. */
  fail: (0 | 1)[];
  /** The judge's log, "" when none. */
  log: string[];
}

/** Everything the sample browser shows of one benchmark. */
export interface BenchmarkSamples {
  /** Benchmark name. */
  name: string;
  /** Row indices (`index` column). */
  index: string[];
  /** Question (with the hint before it, when there is one). */
  question: string[];
  /** Options, one per line (`A. ...`). */
  options: string[];
  /** Ground truth. */
  answer: string[];
  /** Category (`category`, else `task_type`, else `l2-category`). */
  category: string[];
  /** Media per row: a thumbnail id (inlined), or a relative URL of the file. */
  media: (number | string)[][];
  /** Each model's answers. */
  models: ModelAnswers[];
}

/** Options of {@linkcode buildSampleData}. */
export interface SampleDataOptions {
  /** The report's path: media links are relative to its folder. */
  outFile: string;
  /** Rows per benchmark whose images are inlined as thumbnails; later rows link to the files. */
  inlineImages: number;
  /** Longest text kept per cell; longer text is cut with a note. @default {4000} */
  maxChars?: number;
}

const HIT_COLUMNS = ["hit", "exact", "eval_score", "score"];
const EXTRACTED_COLUMNS = ["extracted", "res", "eval_pred"];
const CATEGORY_COLUMNS = ["category", "task_type", "l2-category"];

function cut(text: string, max: number): string {
  return text.length > max
    ? `${text.slice(0, max)}… [${text.length - max} more characters in the file]`
    : text;
}

function hitOf(row: Row, column: string | undefined): number | null {
  if (!column) return null;
  const text = (row[column] ?? "").trim().toLowerCase();
  if (text === "true") return 1;
  if (text === "false") return 0;
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : null;
}

function optionsOf(row: Row, letters: readonly string[]): string {
  const lines = letters.flatMap((letter) => {
    const text = row[letter] ?? "";
    return text !== "" && text !== "nan" ? [`${letter}. ${text}`] : [];
  });
  if (lines.length > 0) return lines.join("\n");
  const candidates = row.candidates ?? "";
  if (candidates && looksLikeList(candidates)) {
    try {
      return parsePythonStringList(candidates).join("\n");
    } catch {
      return candidates;
    }
  }
  return candidates;
}

/** The sample browser's data of every benchmark (rows must have been scanned). */
export async function buildSampleData(
  scan: WorkDirScan,
  images: ThumbnailSheets,
  opts: SampleDataOptions,
): Promise<BenchmarkSamples[]> {
  const out: BenchmarkSamples[] = [];
  for (const benchmark of scan.benchmarks) {
    out.push(await benchmarkSamples(scan, benchmark, images, opts));
  }
  images.finish();
  return out;
}

async function benchmarkSamples(
  scan: WorkDirScan,
  benchmark: string,
  images: ThumbnailSheets,
  opts: SampleDataOptions,
): Promise<BenchmarkSamples> {
  const max = opts.maxChars ?? 4000;
  const tables = scan.models.flatMap((model) => {
    const run = model.datasets.find((d) => d.dataset === benchmark);
    return run?.table ? [{ model: model.name, table: run.table }] : [];
  });
  const position = new Map<string, number>();
  const firstRow: Row[] = [];
  for (const { table } of tables) {
    for (const row of table.rows) {
      const index = row.index ?? "";
      if (position.has(index)) continue;
      position.set(index, firstRow.length);
      firstRow.push(row);
    }
  }
  const columns = new Set(tables.flatMap(({ table }) => table.columns));
  const letters = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"].filter((l) => columns.has(l));
  const categoryColumn = CATEGORY_COLUMNS.find((c) => columns.has(c));
  const media = MediaIndex.open(scan.workDir, benchmark);
  const linkBase = media.linkBase(dirname(opts.outFile));
  const samples: BenchmarkSamples = {
    name: benchmark,
    index: [],
    question: [],
    options: [],
    answer: [],
    category: [],
    media: [],
    models: [],
  };
  for (const [k, row] of firstRow.entries()) {
    const hint = row.hint && row.hint !== "nan" ? `${row.hint}\n` : "";
    samples.index.push(row.index ?? "");
    samples.question.push(cut(hint + (row.question ?? ""), max));
    samples.options.push(cut(optionsOf(row, letters), max));
    samples.answer.push(cut(row.answer ?? "", max));
    samples.category.push(categoryColumn ? row[categoryColumn] ?? "" : "");
    const refs: (number | string)[] = [];
    for (const name of await media.filesOf(row)) {
      const id = k < opts.inlineImages ? await images.add(media.pathOf(name)) : undefined;
      refs.push(id ?? `${linkBase}/${relativeUrl(name)}`);
    }
    samples.media.push(refs);
  }
  for (const { model, table } of tables) {
    const n = firstRow.length;
    const answers: ModelAnswers = {
      name: model,
      source: table.source,
      pred: new Array(n).fill(null),
      ext: new Array(n).fill(""),
      hit: new Array(n).fill(null),
      method: new Array(n).fill(""),
      fail: new Array(n).fill(0),
      log: new Array(n).fill(""),
    };
    const hitColumn = HIT_COLUMNS.find((c) => table.columns.includes(c));
    const extColumn = EXTRACTED_COLUMNS.find((c) => table.columns.includes(c));
    for (const row of table.rows) {
      const k = position.get(row.index ?? "")!;
      const prediction = row.prediction ?? "";
      answers.pred[k] = cut(prediction, max);
      answers.ext[k] = extColumn ? cut(row[extColumn] ?? "", max) : "";
      answers.hit[k] = hitOf(row, hitColumn);
      answers.method[k] = row.method ?? "";
      answers.fail[k] = isFailure(prediction) ? 1 : 0;
      answers.log[k] = cut(row.log ?? "", max);
    }
    samples.models.push(answers);
  }
  return samples;
}
