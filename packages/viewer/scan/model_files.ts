/**
 * Which files of a model folder belong to which benchmark. Every file of a (model, benchmark)
 * pair starts with `<model>_<dataset>`: the prediction file `<stem>.<xlsx|tsv|json>`, its
 * journals `<stem>.journal/`, and the score files `<stem>_<suffix>.<ext>` each scorer writes
 * (`_acc.csv`, `_<judge>_result.xlsx`, `_score.csv`, `_rating.json`, `_results.xlsx`, ...).
 * Dataset names may hold `_`, so the names come first from `status.json` and the journal
 * folders, then from prediction files that are no other benchmark's score file; each score file
 * goes to the longest benchmark name it starts with.
 *
 * @module
 */

/** A file of one benchmark other than its prediction file. */
export interface AuxFile {
  /** File name in the model folder. */
  name: string;
  /** What follows `<stem>_`, without the extension. */
  suffix: string;
  /** Extension, lower case, without the dot. */
  ext: string;
}

/** The files of one benchmark in a model folder. */
export interface BenchmarkFiles {
  /** The prediction file's name, when there is one. */
  prediction?: string;
  /** The journal folder's name, when there is one. */
  journal?: string;
  /** Score files and other files, in name order. */
  aux: AuxFile[];
}

const PREDICTION_EXTS = ["xlsx", "tsv", "json"];
/** Suffixes of score objects written as `.json`, which are never prediction files. */
const SCORE_JSON = /_(acc|acc_normalized|score|rating|score_fine|[^_]+_score)$/;

function splitExt(name: string): { stem: string; ext: string } {
  const dot = name.lastIndexOf(".");
  return dot <= 0
    ? { stem: name, ext: "" }
    : { stem: name.slice(0, dot), ext: name.slice(dot + 1).toLowerCase() };
}

/**
 * Sorts a model folder's entries into benchmarks. `known` are benchmark names from
 * `status.json`; files that start with no benchmark's stem are left out (returned in `stray`).
 */
export function groupModelFiles(
  model: string,
  entries: readonly { name: string; isDirectory: boolean }[],
  known: readonly string[] = [],
): { benchmarks: Map<string, BenchmarkFiles>; stray: string[] } {
  const prefix = `${model}_`;
  const names = new Set(known);
  const files = entries.filter((e) => !e.isDirectory && e.name.startsWith(prefix));
  const fileNames = new Set(files.map((e) => e.name));
  for (const e of entries) {
    if (e.isDirectory && e.name.startsWith(prefix) && e.name.endsWith(".journal")) {
      names.add(e.name.slice(prefix.length, -".journal".length));
    }
  }
  // Prediction-like files, shortest stem first, so a benchmark is known before its score files.
  const candidates = files.map((e) => ({ name: e.name, ...splitExt(e.name) }))
    .filter((f) => PREDICTION_EXTS.includes(f.ext))
    // A `.tsv` beside an `.xlsx` of the same stem holds the xlsx's long cells.
    .filter((f) => !(f.ext === "tsv" && fileNames.has(`${f.stem}.xlsx`)))
    .filter((f) => !(f.ext === "json" && SCORE_JSON.test(f.stem)))
    .sort((a, b) => a.stem.length - b.stem.length || a.name.localeCompare(b.name));
  for (const f of candidates) {
    const dataset = f.stem.slice(prefix.length);
    if (dataset === "" || names.has(dataset)) continue;
    if ([...names].some((known) => dataset.startsWith(`${known}_`))) continue;
    names.add(dataset);
  }
  const benchmarks = new Map<string, BenchmarkFiles>();
  for (const name of names) benchmarks.set(name, { aux: [] });
  const byLength = [...names].sort((a, b) => b.length - a.length);
  const stray: string[] = [];
  for (const e of [...entries].sort((a, b) => a.name < b.name ? -1 : 1)) {
    if (!e.name.startsWith(prefix)) continue;
    const rest = e.name.slice(prefix.length);
    if (e.isDirectory) {
      if (rest.endsWith(".journal") && benchmarks.has(rest.slice(0, -8))) {
        benchmarks.get(rest.slice(0, -8))!.journal = e.name;
      }
      continue;
    }
    const { stem, ext } = splitExt(rest);
    if (benchmarks.has(stem) && PREDICTION_EXTS.includes(ext)) {
      const files = benchmarks.get(stem)!;
      const companion = ext === "tsv" && fileNames.has(`${prefix}${stem}.xlsx`);
      if (!companion && (files.prediction === undefined || ext === "xlsx")) {
        files.prediction = e.name;
      }
      continue;
    }
    const owner = byLength.find((name) => stem.startsWith(`${name}_`));
    if (owner === undefined) {
      stray.push(e.name);
      continue;
    }
    const suffix = stem.slice(owner.length + 1);
    // A long-cell companion of an xlsx score file is read with it.
    if (ext === "tsv" && fileNames.has(`${prefix}${stem}.xlsx`)) continue;
    benchmarks.get(owner)!.aux.push({ name: e.name, suffix, ext });
  }
  return { benchmarks, stray };
}

/** A per-row result file's suffix: `<judge>_result`, `results`, or a judge's own rows. */
export function isPerRowSuffix(suffix: string, ext: string): boolean {
  if (ext === "xlsx" || ext === "tsv") return true;
  return ext === "json" && /(^|_)results?$/.test(suffix);
}

/** Rank of a per-row file as the sample browser's source: scored rows first. */
export function perRowRank(suffix: string): number {
  if (/_result$/.test(suffix)) return 0;
  if (suffix === "results") return 1;
  return 2;
}
