/**
 * A hand-written SVG of one backend's memory runs: one panel per figure (live tensors, tensor
 * bytes, the backend's own memory, RSS, CUDA memory when present), one line per run, a legend
 * that carries each run's verdict. Axes start at zero so that growth is seen against the whole.
 */
import { formatValue, type MetricKey, type RunVerdict } from "./_analysis.ts";
import type { TraceSample } from "./_trace.ts";

/** One run to draw. */
export interface PlotRun {
  label: string;
  /** True for the run with a deliberately leaking adapter. */
  injectsLeak: boolean;
  color: string;
  readings: TraceSample[];
  verdict: RunVerdict;
}

/** What the plot shows. */
export interface PlotInput {
  title: string;
  subtitle: string;
  runs: PlotRun[];
}

interface Panel {
  title: string;
  unit: "tensors" | "MiB";
  /** Solid line first; a second key is drawn dashed. */
  keys: MetricKey[];
  /** Only the runs without the injected leak, so that their small differences show. */
  plainOnly?: boolean;
}

const MIB = 1024 * 1024;
const WIDTH = 1000;
const PANEL_W = 470;
const PANEL_H = 250;
const MARGIN = { left: 70, right: 16, top: 30, bottom: 44 };
const HEADER_H = 128;

/** The panels the readings have figures for. */
function panelsFor(sample: TraceSample): Panel[] {
  const panels: Panel[] = [
    { title: "Live tensors", unit: "tensors", keys: ["tensors"] },
    { title: "Bytes of live tensors (MiB)", unit: "MiB", keys: ["tensorBytes"] },
  ];
  if (sample.gpuBytesAllocated !== undefined) {
    panels.push({
      title: "GPU buffers, runs without leak (MiB): allocated; dashed: in use",
      unit: "MiB",
      keys: ["gpuBytesAllocated", "gpuBytesInUse"],
      plainOnly: true,
    });
  }
  if (sample.wasmHeapBytes !== undefined) {
    panels.push({ title: "WebAssembly heap (MiB)", unit: "MiB", keys: ["wasmHeapBytes"] });
  }
  panels.push({ title: "Process RSS (MiB)", unit: "MiB", keys: ["rssBytes"] });
  if (sample.deviceUsedBytes !== undefined) {
    panels.push({
      title: "CUDA memory of this process (MiB)",
      unit: "MiB",
      keys: ["deviceUsedBytes"],
    });
  }
  return panels;
}

/** About five round tick values from 0 to at least `max`. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks = [];
  for (let t = 0; t < max + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function tickLabel(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

function drawPanel(panel: Panel, allRuns: PlotRun[], x0: number, y0: number): string {
  const runs = panel.plainOnly ? allRuns.filter((run) => !run.injectsLeak) : allRuns;
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const scale = panel.unit === "MiB" ? MIB : 1;
  const value = (r: TraceSample, key: MetricKey) => (r[key] as number) / scale;
  const samples = Math.max(...runs.map((run) => run.readings.at(-1)?.sample ?? 0), 1);
  const top = Math.max(
    ...runs.flatMap((run) => run.readings.flatMap((r) => panel.keys.map((k) => value(r, k)))),
  );
  const yTicks = niceTicks(top);
  const yMax = yTicks.at(-1)!;
  const xTicks = niceTicks(samples).filter((t) => t <= samples);
  const px = (s: number) => x0 + MARGIN.left + (s / samples) * plotW;
  const py = (v: number) => y0 + MARGIN.top + plotH - (v / yMax) * plotH;
  const out: string[] = [
    `<text x="${x0 + MARGIN.left}" y="${y0 + 18}" class="panel">${escapeXml(panel.title)}</text>`,
    `<rect x="${x0 + MARGIN.left}" y="${
      y0 + MARGIN.top
    }" width="${plotW}" height="${plotH}" class="frame"/>`,
  ];
  for (const t of yTicks) {
    const y = py(t).toFixed(1);
    out.push(
      `<line x1="${x0 + MARGIN.left}" x2="${
        x0 + MARGIN.left + plotW
      }" y1="${y}" y2="${y}" class="grid"/>`,
      `<text x="${x0 + MARGIN.left - 6}" y="${y}" class="ytick">${tickLabel(t)}</text>`,
    );
  }
  for (const t of xTicks) {
    const x = px(t).toFixed(1);
    const yBase = y0 + MARGIN.top + plotH;
    out.push(
      `<line x1="${x}" x2="${x}" y1="${yBase}" y2="${yBase + 5}" class="axis"/>`,
      `<text x="${x}" y="${yBase + 18}" class="xtick">${t}</text>`,
    );
  }
  out.push(
    `<text x="${x0 + MARGIN.left + plotW / 2}" y="${
      y0 + PANEL_H - 6
    }" class="xlabel">sample</text>`,
    `<text transform="translate(${x0 + 16} ${
      y0 + MARGIN.top + plotH / 2
    }) rotate(-90)" class="xlabel">${panel.unit}</text>`,
  );
  for (const [r, run] of runs.entries()) {
    // Earlier runs are drawn wider, so that a later run on the same values leaves them visible.
    const width = (2 + 1.5 * (runs.length - 1 - r)).toFixed(1);
    panel.keys.forEach((key, i) => {
      const points = run.readings.map((r) =>
        `${px(r.sample).toFixed(1)},${py(value(r, key)).toFixed(1)}`
      )
        .join(" ");
      const dash = i > 0 ? ` stroke-dasharray="5 4"` : "";
      out.push(
        `<polyline points="${points}" fill="none" stroke="${run.color}" stroke-width="${width}"${dash}/>`,
      );
    });
  }
  return out.join("\n");
}

function drawLegend(runs: PlotRun[]): string {
  return runs.map((run, i) => {
    const y = 64 + i * 20;
    const tensors = run.verdict.metrics.find((m) => m.metric.key === "tensors");
    const growth = tensors
      ? `, live tensors ${tensors.slope >= 0 ? "+" : ""}${
        formatValue(tensors.slope, "tensors")
      } per sample`
      : "";
    const verdict = run.verdict.leaking ? `LEAK${growth}` : `no leak${growth}`;
    return [
      `<line x1="20" x2="46" y1="${y}" y2="${y}" stroke="${run.color}" stroke-width="3"/>`,
      `<text x="54" y="${y + 4}" class="legend">${escapeXml(run.label)}:</text>`,
      `<text x="440" y="${y + 4}" class="verdict${run.verdict.leaking ? " leak" : ""}">${
        escapeXml(verdict)
      }</text>`,
    ].join("\n");
  }).join("\n");
}

/** The whole SVG document. */
export function memoryPlotSvg(input: PlotInput): string {
  const first = input.runs[0]?.readings[0];
  const panels = first ? panelsFor(first) : [];
  const rows = Math.ceil(panels.length / 2);
  const height = HEADER_H + rows * PANEL_H + 10;
  const body = panels.map((panel, i) =>
    drawPanel(
      panel,
      input.runs,
      20 + (i % 2) * (PANEL_W + 20),
      HEADER_H + Math.floor(i / 2) * PANEL_H,
    )
  );
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="DejaVu Sans, Arial, sans-serif">
<style>
.title { font-size: 18px; font-weight: bold; fill: #111; }
.subtitle { font-size: 12px; fill: #444; }
.panel { font-size: 13px; font-weight: bold; fill: #222; }
.legend { font-size: 13px; fill: #222; }
.verdict { font-size: 12px; fill: #2a7a2a; }
.verdict.leak { fill: #c62828; font-weight: bold; }
.frame { fill: #fff; stroke: #999; }
.grid { stroke: #e4e4e4; }
.axis { stroke: #999; }
.ytick { font-size: 11px; fill: #444; text-anchor: end; dominant-baseline: middle; }
.xtick { font-size: 11px; fill: #444; text-anchor: middle; }
.xlabel { font-size: 12px; fill: #444; text-anchor: middle; }
</style>
<rect width="100%" height="100%" fill="#fafafa"/>
<text x="20" y="26" class="title">${escapeXml(input.title)}</text>
<text x="20" y="44" class="subtitle">${escapeXml(input.subtitle)}</text>
${drawLegend(input.runs)}
${body.join("\n")}
</svg>
`;
}
