/**
 * The memory benchmark's numbers: per metric the start, peak and end of a run and its growth per
 * sample (least squares over the second half, after warm-up), and a leak verdict against fixed
 * thresholds.
 */
import type { RunMode, TraceSample } from "./_trace.ts";

/** The figures of a reading that are plotted and judged. */
export type MetricKey =
  | "tensors"
  | "tensorBytes"
  | "gpuBytesInUse"
  | "gpuBytesAllocated"
  | "wasmHeapBytes"
  | "rssBytes"
  | "deviceUsedBytes";

/** One figure, how to show it, and whether its growth decides the verdict. */
export interface Metric {
  key: MetricKey;
  label: string;
  unit: "tensors" | "bytes";
  /** Growth per sample above which a run is called leaking; absent: shown, not judged. */
  leakPerSample?: number;
  /** Why an unjudged figure is not judged. */
  notJudged?: string;
}

const KIB = 1024;

/** Every metric, in table order. */
export const METRICS: readonly Metric[] = [
  { key: "tensors", label: "live tensors", unit: "tensors", leakPerSample: 0.05 },
  { key: "tensorBytes", label: "bytes of live tensors", unit: "bytes", leakPerSample: KIB },
  {
    key: "gpuBytesInUse",
    label: "GPU buffers of live tensors",
    unit: "bytes",
    leakPerSample: KIB,
  },
  {
    key: "gpuBytesAllocated",
    label: "GPU buffers allocated (pool included)",
    unit: "bytes",
    leakPerSample: 64 * KIB,
  },
  {
    key: "wasmHeapBytes",
    label: "WebAssembly heap",
    unit: "bytes",
    notJudged: "it grows in steps and never shrinks; the tensor figures above are exact",
  },
  {
    key: "rssBytes",
    label: "process RSS",
    unit: "bytes",
    notJudged: "it moves with garbage collection and allocator caches",
  },
  {
    key: "deviceUsedBytes",
    label: "CUDA memory of this process",
    unit: "bytes",
    leakPerSample: 64 * KIB,
  },
];

/** One metric over one run. */
export interface MetricResult {
  metric: Metric;
  start: number;
  peak: number;
  end: number;
  /** Least-squares growth per sample over the second half of the run. */
  slope: number;
  /** True when the metric is judged and its slope is above the threshold. */
  over: boolean;
}

/** One run's figures and verdict. */
export interface RunVerdict {
  mode: RunMode;
  samples: number;
  /** Median milliseconds of a generate call. */
  msMedian: number;
  /** Metrics the backend reports, in {@linkcode METRICS} order. */
  metrics: MetricResult[];
  leaking: boolean;
  /** One phrase per metric over its threshold. */
  because: string[];
}

/** Least-squares slope of `ys` against `xs`; 0 for fewer than two points. */
export function leastSquaresSlope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return 0;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** A value with its unit, for tables and the plot (`1.5 MiB`, `12 tensors`). */
export function formatValue(value: number, unit: Metric["unit"], digits = 1): string {
  if (unit === "tensors") return `${Number(value.toFixed(2))}`;
  const abs = Math.abs(value);
  if (abs >= 1024 ** 2) return `${(value / 1024 ** 2).toFixed(digits)} MiB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(digits)} KiB`;
  return `${Math.round(value)} B`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : NaN;
}

/** The figures and the verdict of one run (readings from sample 0, the baseline, on). */
export function judgeRun(mode: RunMode, readings: TraceSample[]): RunVerdict {
  const half = readings.slice(Math.floor(readings.length / 2));
  const metrics: MetricResult[] = [];
  for (const metric of METRICS) {
    const values = readings.map((r) => r[metric.key]);
    if (values.some((v) => v === undefined)) continue;
    const ys = half.map((r) => r[metric.key] as number);
    const slope = leastSquaresSlope(half.map((r) => r.sample), ys);
    metrics.push({
      metric,
      start: values[0]!,
      peak: Math.max(...(values as number[])),
      end: values.at(-1)!,
      slope,
      over: metric.leakPerSample !== undefined && slope > metric.leakPerSample,
    });
  }
  const because = metrics.filter((m) => m.over).map((m) =>
    `${m.metric.label} grow by ${formatValue(m.slope, m.metric.unit, 2)}/sample (threshold ${
      formatValue(m.metric.leakPerSample!, m.metric.unit, 2)
    })`
  );
  return {
    mode,
    samples: readings.length - 1,
    msMedian: median(readings.slice(1).map((r) => r.ms)),
    metrics,
    leaking: because.length > 0,
    because,
  };
}
