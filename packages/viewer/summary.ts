import { quoteAllLine } from "@vlmeval/delimited";
import { formatTable, neutraliseCell } from "@vlmeval/report";
import {
  buildLeaderboard,
  formatRate,
  formatScore,
  type LeaderboardCell,
  stateText,
} from "./leaderboard.ts";
import type { Problem, WorkDirScan } from "./scan/types.ts";

/** Formats `vlmeval summary` prints. */
export type SummaryFormat = "text" | "csv" | "json";

/** Every `--format` value of `vlmeval summary`; the first is the default. */
export const SUMMARY_FORMATS: readonly SummaryFormat[] = ["text", "csv", "json"];

function cellText(cell: LeaderboardCell | undefined): string {
  if (!cell) return "-";
  const fail = cell.failRate === undefined ? "" : ` (fail ${formatRate(cell.failRate)})`;
  const state = cell.state === "done" || cell.state === "infer" ? "" : ` [${cell.state}]`;
  if (cell.value === undefined) return `${stateText(cell.state)}${fail}`;
  return `${formatScore(cell.value)}${fail}${state}`;
}

/**
 * The leaderboard as an aligned text table: one line per benchmark with its primary metric,
 * one column per model, each cell the score and the failure rate (or why there is no score).
 */
export function summaryText(scan: WorkDirScan): string {
  const board = buildLeaderboard(scan);
  const rows = board.benchmarks.map((benchmark, b) => [
    benchmark,
    board.metrics[b] ?? "-",
    ...board.models.map((_, m) => cellText(board.cells[m][b])),
  ]);
  return formatTable(["benchmark", "metric", ...board.models], rows, { maxWidth: 48 });
}

/** One record per (model, benchmark), as `summary --format csv|json` writes them. */
export interface SummaryRecord {
  /** The model folder. */
  model: string;
  /** The benchmark. */
  benchmark: string;
  /** `done`, `infer`, `running`, `incomplete`, `failed` or `error`. */
  state: string;
  /** The primary metric's flattened key. */
  metric: string | null;
  /** Its value, as the score file holds it. */
  value: number | null;
  /** Share of predictions that record a failure. */
  fail_rate: number | null;
  /** Samples predicted or scored. */
  samples: number | null;
  /** The score file, relative to the work dir. */
  score_file: string | null;
}

/** The leaderboard's cells as flat records, models in order, benchmarks in order. */
export function summaryRecords(scan: WorkDirScan): SummaryRecord[] {
  const board = buildLeaderboard(scan);
  return board.cells.flatMap((row) =>
    row.filter((cell): cell is LeaderboardCell => cell !== undefined).map((cell) => ({
      model: cell.model,
      benchmark: cell.benchmark,
      state: cell.state,
      metric: cell.metric ?? null,
      value: cell.value ?? null,
      fail_rate: cell.failRate ?? null,
      samples: cell.samples ?? null,
      score_file: cell.scoreFile ?? null,
    }))
  );
}

/**
 * The records as CSV (every field quoted, as VLMEvalKit's score files; text that a spreadsheet
 * would take for a formula gets a leading `'`).
 */
export function summaryCsv(scan: WorkDirScan): string {
  const columns: (keyof SummaryRecord)[] = [
    "model",
    "benchmark",
    "state",
    "metric",
    "value",
    "fail_rate",
    "samples",
    "score_file",
  ];
  let out = quoteAllLine(columns, ",");
  for (const record of summaryRecords(scan)) {
    const fields = columns.map((column) => {
      const value = record[column];
      if (value === null) return "";
      return typeof value === "number" ? String(value) : neutraliseCell(value);
    });
    out += quoteAllLine(fields, ",");
  }
  return out;
}

/** The records, the work dir and its problems as one JSON document. */
export function summaryJson(scan: WorkDirScan): string {
  const board = buildLeaderboard(scan);
  return JSON.stringify(
    {
      work_dir: scan.workDir,
      models: board.models,
      benchmarks: board.benchmarks.map((name, b) => ({ name, metric: board.metrics[b] ?? null })),
      results: summaryRecords(scan),
      problems: scan.problems,
    },
    null,
    2,
  ) + "\n";
}

/** A problem as one line: `<severity>: <model> · <benchmark>: <message>`. */
export function problemText(problem: Problem): string {
  const where = [problem.model, problem.dataset].filter(Boolean).join(" · ");
  return `${problem.severity}: ${where ? `${where}: ` : ""}${problem.message}`;
}
