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
 * A score as VLMEvalKit's summary prints it, Python's `'{:.4g}'.format(value)`: four significant
 * digits, rounded half to even on the double's exact value, trailing zeros dropped, exponent
 * form below 1e-4 and from 1e4.
 */
export function formatScore(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  const sign = value < 0 ? "-" : "";
  // The exact decimal expansion (toPrecision is exact up to 100 digits), then Python's rounding.
  const [mantissaText, expText] = Math.abs(value).toPrecision(100).split("e");
  const [whole0, fraction0 = ""] = mantissaText.split(".");
  const lead = (whole0 + fraction0).search(/[1-9]/);
  const all = (whole0 + fraction0).slice(lead);
  let exponent = whole0.length - 1 - lead + Number(expText ?? 0);
  let kept = Number(all.slice(0, 4));
  const rest = all.slice(4);
  const half = rest[0] === "5" && /^5?0*$/.test(rest);
  if (rest[0] > "5" || (rest[0] === "5" && (!half || kept % 2 === 1))) kept++;
  if (kept === 10000) {
    kept = 1000;
    exponent++;
  }
  const digits = String(kept).replace(/0+$/, "") || "0";
  if (exponent < -4 || exponent >= 4) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = `${exponent < 0 ? "-" : "+"}${String(Math.abs(exponent)).padStart(2, "0")}`;
    return `${sign}${mantissa}e${e}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const whole = digits.padEnd(exponent + 1, "0");
  const fraction = digits.slice(exponent + 1);
  return `${sign}${whole.slice(0, exponent + 1)}${fraction ? `.${fraction}` : ""}`;
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
    case "failed":
      return "too many failures";
  }
}
