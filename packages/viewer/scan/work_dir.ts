import { join, resolve } from "node:path";
import { readPredictions } from "@vlmeval/report";
import { EXIT_CODES, type ExitCode, isFailure } from "@vlmeval/schema";
import { readJournalSummary } from "./journal.ts";
import { readMemoryResults } from "./memory.ts";
import { type BenchmarkFiles, groupModelFiles, isPerRowSuffix, perRowRank } from "./model_files.ts";
import { choosePrimaryKey, flattenScores, scoreFileRank } from "./primary_metric.ts";
import { readScoreFile } from "./score_files.ts";
import type {
  DatasetRun,
  ModelRun,
  Problem,
  RunState,
  SampleTable,
  ScoreFile,
  WorkDirScan,
} from "./types.ts";

/** Options of {@linkcode scanWorkDir}. */
export interface ScanOptions {
  /**
   * Read every benchmark's rows for the sample browser (the per-row result file, else the
   * prediction file, else the journals). Without it, rows are read only for a failure rate
   * that `status.json` does not hold.
   * @default {false}
   */
  rows?: boolean;
  /**
   * The memory benchmark's results folder; by default `<work-dir>/memory` when it holds
   * results. `null`: do not look.
   */
  memoryDir?: string | null;
  /** The time to judge a journal's last answer by (Unix ms). @default {Date.now()} */
  now?: number;
}

/** The work dir given cannot be read as one: missing, not a folder, or holding no results. */
export class WorkDirError extends Error {
  /** A wrong `--work-dir` is a usage error: exit code 2. */
  readonly exitCode: ExitCode = EXIT_CODES.usage;
  /** Always `"WorkDirError"`. */
  override name = "WorkDirError";
}

/** A journal written to within this long is taken for a run still going. */
const LIVE_MS = 10 * 60_000;

async function readJsonObject(path: string): Promise<Record<string, unknown>> {
  const value = JSON.parse(await Deno.readTextFile(path));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError("it does not hold a JSON object");
  }
  return value as Record<string, unknown>;
}

async function entriesOf(dir: string): Promise<{ name: string; isDirectory: boolean }[]> {
  const out: { name: string; isDirectory: boolean }[] = [];
  for await (const e of Deno.readDir(dir)) out.push({ name: e.name, isDirectory: e.isDirectory });
  return out;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A model folder, or undefined when it holds no results (the media cache, anything else). */
async function scanModel(
  workDir: string,
  name: string,
  opts: ScanOptions,
  problems: Problem[],
): Promise<ModelRun | undefined> {
  const dir = join(workDir, name);
  const entries = await entriesOf(dir);
  let status: Record<string, unknown> | undefined;
  if (entries.some((e) => e.name === "status.json" && !e.isDirectory)) {
    try {
      status = await readJsonObject(join(dir, "status.json"));
    } catch (error) {
      problems.push({
        severity: "unreadable",
        model: name,
        file: `${name}/status.json`,
        message: `Cannot read ${name}/status.json: ${message(error)}`,
      });
    }
  }
  const statusEntries =
    (status?.datasets && typeof status.datasets === "object" ? status.datasets : {}) as Record<
      string,
      unknown
    >;
  const { benchmarks } = groupModelFiles(name, entries, Object.keys(statusEntries));
  if (benchmarks.size === 0 && !status) return undefined;
  const datasets: DatasetRun[] = [];
  for (const [dataset, files] of benchmarks) {
    const entry = statusEntries[dataset];
    const run = await scanDataset(workDir, name, dataset, files, opts, problems, entry);
    datasets.push(run);
  }
  return { name, status, datasets };
}

async function scanDataset(
  workDir: string,
  model: string,
  dataset: string,
  files: BenchmarkFiles,
  opts: ScanOptions,
  problems: Problem[],
  entryValue: unknown,
): Promise<DatasetRun> {
  const rel = (fileName: string) => `${model}/${fileName}`;
  const abs = (fileName: string) => join(workDir, model, fileName);
  const where = { model, dataset };
  const status = entryValue && typeof entryValue === "object"
    ? entryValue as Record<string, unknown>
    : undefined;
  const run: DatasetRun = { model, dataset, state: "done", status, scoreFiles: [], otherFiles: [] };
  if (files.prediction) run.predictionFile = rel(files.prediction);
  const perRow: { name: string; suffix: string }[] = [];
  for (const aux of files.aux) {
    if (isPerRowSuffix(aux.suffix, aux.ext)) {
      perRow.push(aux);
    } else if (aux.ext === "csv" || aux.ext === "json") {
      try {
        const content = await readScoreFile(abs(aux.name), aux.ext);
        run.scoreFiles.push({ file: rel(aux.name), suffix: aux.suffix, content });
      } catch (error) {
        problems.push({
          severity: "unreadable",
          ...where,
          file: rel(aux.name),
          message: message(error),
        });
      }
    } else {
      run.otherFiles.push(rel(aux.name));
    }
  }
  perRow.sort((a, b) => perRowRank(a.suffix) - perRowRank(b.suffix));
  if (perRow.length > 0) run.resultFile = rel(perRow[0].name);
  run.scoreFiles.sort((a, b) => scoreFileRank(a.suffix) - scoreFileRank(b.suffix));
  run.primary = primaryOf(run.scoreFiles);
  if (files.journal) {
    try {
      run.journal = await readJournalSummary(abs(files.journal));
    } catch (error) {
      problems.push({
        severity: "unreadable",
        ...where,
        file: rel(files.journal),
        message: `Cannot read the journals in ${rel(files.journal)}: ${message(error)}`,
      });
    }
  }
  run.state = stateOf(run, opts.now ?? Date.now());
  const samples = numberField(status, "samples");
  const failRate = numberField(status, "infer_fail_rate");
  if (opts.rows || failRate === undefined) {
    const candidates = [
      ...perRow.map((f) => f.name),
      ...(files.prediction ? [files.prediction] : []),
    ];
    run.table = await readRows(workDir, model, candidates, run, problems);
  }
  run.samples = samples ?? run.table?.rows.length ?? run.journal?.records;
  run.failRate = failRate ?? failRateOf(run);
  if (!opts.rows) run.table = undefined;
  noteMissing(run, problems);
  return run;
}

function numberField(record: Record<string, unknown> | undefined, key: string) {
  const value = record?.[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function primaryOf(scoreFiles: readonly ScoreFile[]) {
  for (const scoreFile of scoreFiles) {
    const flat = flattenScores(scoreFile.content);
    const key = choosePrimaryKey(flat.keys());
    if (key !== undefined) return { key, value: flat.get(key)!, file: scoreFile.file };
  }
  return undefined;
}

function stateOf(run: DatasetRun, now: number): RunState {
  const recorded = run.status?.status;
  const updated = typeof run.status?.updated_at === "string"
    ? Date.parse(run.status.updated_at)
    : undefined;
  const last = run.journal?.lastTime;
  // Answers journaled after the last recorded outcome belong to a later run.
  const newer = last !== undefined && (updated === undefined || last > updated + 1000);
  const live = newer && now - last! < LIVE_MS;
  if (live && (updated !== undefined || !run.predictionFile)) return "running";
  if (
    recorded === "done" || recorded === "infer" || recorded === "error" ||
    recorded === "incomplete" || recorded === "failed"
  ) {
    return recorded;
  }
  if (newer && !run.predictionFile) return "incomplete";
  if (run.scoreFiles.length > 0) return "done";
  if (run.predictionFile) return "infer";
  return run.journal ? "incomplete" : "error";
}

async function readRows(
  workDir: string,
  model: string,
  candidates: readonly string[],
  run: DatasetRun,
  problems: Problem[],
): Promise<SampleTable | undefined> {
  for (const name of candidates) {
    try {
      const table = await readPredictions(join(workDir, model, name));
      for (const warning of table.warnings) {
        problems.push({
          severity: "unreadable",
          model,
          dataset: run.dataset,
          file: `${model}/${name}`,
          message: warning,
        });
      }
      return { source: `${model}/${name}`, columns: table.columns, rows: table.rows };
    } catch (error) {
      problems.push({
        severity: "unreadable",
        model,
        dataset: run.dataset,
        file: `${model}/${name}`,
        message: `Cannot read ${model}/${name}: ${message(error)}`,
      });
    }
  }
  const journal = run.journal;
  if (!journal || journal.records === 0) return undefined;
  return {
    source: `${model}/${model}_${run.dataset}.journal/`,
    columns: ["index", "prediction"],
    rows: [...journal.predictions].map(([index, prediction]) => ({ index, prediction })),
  };
}

function failRateOf(run: DatasetRun): number | undefined {
  const rows = run.table?.rows;
  if (rows && rows.length > 0) {
    return rows.filter((row) => isFailure(row.prediction ?? "")).length / rows.length;
  }
  const j = run.journal;
  return j && j.records > 0 ? j.failed / j.records : undefined;
}

function noteMissing(run: DatasetRun, problems: Problem[]): void {
  const where = { model: run.model, dataset: run.dataset };
  const say = (text: string) => problems.push({ severity: "missing", ...where, message: text });
  const errorText = typeof run.status?.error_message === "string" ? run.status.error_message : "";
  switch (run.state) {
    case "running": {
      const j = run.journal!;
      const at = j.lastTime ? new Date(j.lastTime).toISOString() : "an unknown time";
      say(`still running: ${j.records} answers journaled so far, the last at ${at}`);
      return;
    }
    case "incomplete": {
      const count = run.journal ? ` (${run.journal.records} answers journaled)` : "";
      const why = errorText ? `: ${errorText}` : "";
      say(`stopped before every sample had an answer${count}${why}; rerun to resume`);
      return;
    }
    case "error":
      say(`failed${errorText ? `: ${errorText}` : ": no prediction file and no status entry"}`);
      return;
    case "failed":
      say(`too many samples failed${errorText ? `: ${errorText}` : ""}; rerun to retry them`);
      return;
    case "infer":
      if (!run.predictionFile) {
        say("status.json says predicted, but the prediction file is missing");
      } else say("predicted but not scored: no score file beside the prediction file");
      return;
    case "done":
      if (!run.predictionFile) say("the prediction file is missing");
      if (run.scoreFiles.length === 0) say("status.json says scored, but no score file was found");
      else if (!run.primary) say("no score file holds a number to rank by");
  }
}

/**
 * Reads a work dir as `vlmeval eval` leaves it: each `<model>/` folder's `status.json`,
 * prediction files, score files and journals, and the memory benchmark's results. Broken or
 * missing parts become {@linkcode Problem}s; the scan itself only fails when the folder cannot
 * be read at all.
 *
 * @throws {WorkDirError} When `workDir` does not exist, is not a folder, or holds no model
 * folder with results.
 */
export async function scanWorkDir(workDir: string, opts: ScanOptions = {}): Promise<WorkDirScan> {
  const root = resolve(workDir);
  const info = await Deno.stat(root).catch(() => undefined);
  if (!info?.isDirectory) {
    throw new WorkDirError(
      `Cannot read the work dir as it ${info ? "is not a folder" : "does not exist"}: ` +
        `current value is ${JSON.stringify(workDir)}`,
    );
  }
  const problems: Problem[] = [];
  const models: ModelRun[] = [];
  const names = (await entriesOf(root)).filter((e) => e.isDirectory).map((e) => e.name).sort();
  for (const name of names) {
    const model = await scanModel(root, name, opts, problems);
    if (model) models.push(model);
  }
  if (models.length === 0) {
    throw new WorkDirError(
      `Cannot report on the work dir as no folder in it holds results (a <model>/ folder with ` +
        `status.json, predictions or journals): current value is ${JSON.stringify(workDir)}`,
    );
  }
  const benchmarks = [...new Set(models.flatMap((m) => m.datasets.map((d) => d.dataset)))];
  const memoryDir = opts.memoryDir === undefined ? join(root, "memory") : opts.memoryDir;
  const memory = memoryDir === null
    ? undefined
    : await readMemoryResults(memoryDir, opts.memoryDir !== undefined, problems);
  return { workDir: root, models, benchmarks, problems, memory };
}
