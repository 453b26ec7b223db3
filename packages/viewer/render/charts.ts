import { formatScore } from "../leaderboard.ts";
import { html, type SafeHtml } from "./html.ts";

/** Series colours, one per model in leaderboard order (colour-blind friendly, Okabe-Ito). */
export const SERIES_COLOURS: readonly string[] = [
  "#0072b2",
  "#e69f00",
  "#009e73",
  "#cc79a7",
  "#56b4e9",
  "#d55e00",
  "#f0e442",
  "#000000",
];

/** One bar per series in each category. */
export interface BarChartData {
  /** What the chart shows (its accessible title). */
  title: string;
  /** Category labels (one group of bars each). */
  categories: string[];
  /** Series (models), with one value per category (null: none). */
  series: { name: string; values: (number | null)[]; colour: string }[];
}

const LABEL_W = 180;
const PLOT_W = 360;
const BAR_H = 12;
const GAP = 8;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * A horizontal grouped bar chart as inline SVG: a group per category, a bar per series, each
 * bar labelled with its value and titled with the category, series and full value. Bars scale
 * to the largest value (at least 1, so fractions read against 1). Labels are escaped text.
 */
export function barChart(data: BarChartData): SafeHtml {
  const values = data.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = Math.max(1, ...values.filter(Number.isFinite));
  const groupH = data.series.length * BAR_H + GAP;
  const height = data.categories.length * groupH + GAP + 18;
  const width = LABEL_W + PLOT_W + 60;
  const groups = data.categories.map((category, c) => {
    const y0 = GAP + c * groupH;
    const bars = data.series.map((s, k) => {
      const v = s.values[c];
      if (v === null || !Number.isFinite(v)) return html``;
      const w = Math.max(0, (Math.max(0, v) / max) * PLOT_W);
      const y = y0 + k * BAR_H;
      return html`
        <rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H - 2}" fill="${s
          .colour}">
          <title>${category} · ${s.name}: ${v}</title>
        </rect>
        <text x="${(LABEL_W + w + 4).toFixed(1)}" y="${y + BAR_H - 3}" class="v">${formatScore(
          v,
        )}</text>
      `;
    });
    const labelY = y0 + (data.series.length * BAR_H) / 2 + 3;
    return html`<g><text x="${
      LABEL_W - 6
    }" y="${labelY}" text-anchor="end"><title>${category}</title>${
      clip(category, 28)
    }</text>${bars}</g>`;
  });
  const legend = data.series.map((s, k) =>
    html`
      <rect x="${LABEL_W + k * 120}" y="${height - 12}" width="10" height="10" fill="${s
        .colour}"></rect>
      <text x="${LABEL_W + k * 120 + 14}" y="${height - 3}">${clip(s.name, 16)}</text>
    `
  );
  return html`
    <svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="${width}"
      height="${height}"
      viewBox="0 0 ${width} ${height}"><title>${data
        .title}</title><line x1="${LABEL_W}" y1="0" x2="${LABEL_W}" y2="${height -
        16}" class="axis"></line>${groups}${legend}</svg>
  `;
}
