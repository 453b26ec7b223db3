import type { RunState, WorkDirScan } from "./scan/types.ts";

/** One model's result on one benchmark. */
export interface LeaderboardCell {
  /** The model. */
  model: string;
  /** The benchmark. */
  benchmark: string;
  /** How the run stands. */
  state: RunState;
  /** The primary metric's value, as the score file holds it. */
  value?: number;
  /** Its flattened key (`split=dev|Overall`). */
  metric?: string;
  /** The score file it comes from, relative to the work dir. */
  scoreFile?: string;
  /** Share of predictions that record a failure. */
  failRate?: number;
  /** Samples predicted or scored. */
  samples?: number;
}

/** Models by benchmarks, each benchmark's primary metric. */
export interface Leaderboard {
  /** Benchmarks (columns), in first-seen order. */
  benchmarks: string[];
  /** Models (rows), in folder name order. */
  models: string[];
  /** `cells[m][b]`: model m on benchmark b, undefined when the model has no run of it. */
  cells: (LeaderboardCell | undefined)[][];
  /** The metric most cells of each benchmark report (for its header). */
  metrics: (string | undefined)[];
}

/** The leaderboard of a scanned work dir. */
export function buildLeaderboard(scan: WorkDirScan): Leaderboard {
  const benchmarks = scan.benchmarks;
  const models = scan.models.map((m) => m.name);
  const cells = scan.models.map((model) =>
    benchmarks.map((benchmark): LeaderboardCell | undefined => {
      const run = model.datasets.find((d) => d.dataset === benchmark);
      if (!run) return undefined;
      return {
        model: model.name,
        benchmark,
        state: run.state,
        value: run.primary?.value,
        metric: run.primary?.key,
        scoreFile: run.primary?.file,
        failRate: run.failRate,
        samples: run.samples,
      };
    })
  );
  const metrics = benchmarks.map((_, b) => {
    const counts = new Map<string, number>();
    for (const row of cells) {
      const metric = row[b]?.metric;
      if (metric !== undefined) counts.set(metric, (counts.get(metric) ?? 0) + 1);
    }
    return [...counts].sort((x, y) => y[1] - x[1])[0]?.[0];
  });
  return { benchmarks, models, cells, metrics };
}

/**
 * A score as VLMEvalKit's summary prints it (`{:.4g}`: four significant digits, no trailing
 * zeros).
 */
export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  if (value === 0) return "0";
  const exponent = Math.floor(Math.log10(Math.abs(Number(value.toPrecision(4)))));
  if (exponent < -4 || exponent >= 4) {
    const [mantissa, exp] = value.toExponential(3).split("e");
    const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const e = Number(exp);
    return `${m}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  const fixed = value.toFixed(Math.max(0, 3 - exponent));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/** A failure rate as a percentage with one decimal: `0.0%`, `12.5%`. */
export function formatRate(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** What a cell without a score says instead. */
export function stateText(state: RunState): string {
  switch (state) {
    case "done":
      return "no score";
    case "infer":
      return "not scored";
    case "running":
      return "running";
    case "incomplete":
      return "incomplete";
    case "error":
      return "error";
  }
}
