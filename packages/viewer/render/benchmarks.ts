/**
 * Per benchmark: how each model's run stands, and every score file as a table across models
 * (split/category tables, judge scores) or, for JSON ratings (video dimensions, MVBench task
 * types), one table per dimension; each with a bar chart when it holds several numbers.
 *
 * @module
 */
import { formatRate, formatScore } from "../leaderboard.ts";
import { numberOf } from "../scan/primary_metric.ts";
import type { DatasetRun, ScoreFile, WorkDirScan } from "../scan/types.ts";
import { barChart } from "./charts.ts";
import { html, type SafeHtml } from "./html.ts";

/** How a page links to a file of the work dir (relative to the report). */
export type FileLink = (fileInWorkDir: string) => string;

interface ModelFile {
  model: string;
  colour: string;
  file: ScoreFile;
}

/** A number in a table cell: short, with the full value as its title. */
function valueCell(text: string): SafeHtml {
  const n = numberOf(text);
  if (n === undefined) return html`<td>${text}</td>`;
  return html`<td class="num" title="${text}">${formatScore(n)}</td>`;
}

const MAX_CHART_CATEGORIES = 60;

function tableSection(files: readonly ModelFile[]): SafeHtml {
  const columns: string[] = [];
  for (const { file } of files) {
    if (file.content.kind !== "table") continue;
    for (const c of file.content.columns) if (!columns.includes(c)) columns.push(c);
  }
  const rows = files.flatMap(({ model, file }) => {
    if (file.content.kind !== "table") return [];
    const { columns: own, rows } = file.content;
    return rows.map((row) =>
      html`<tr><th scope="row">${model}</th>${
        columns.map((c) => own.includes(c) ? valueCell(row[own.indexOf(c)] ?? "") : html`<td></td>`)
      }</tr>`
    );
  });
  const table = html`
    <table class="grid">
      <thead>
        <tr><th>model</th>${columns.map((c) => html`<th>${c}</th>`)}</tr>
      </thead>
      <tbody>${rows}</tbody>
    </table>
  `;
  const single = files.every(({ file }) =>
    file.content.kind === "table" && file.content.rows.length === 1
  );
  const numeric = columns.filter((c) =>
    files.some(({ file }) =>
      file.content.kind === "table" && file.content.columns.includes(c) &&
      numberOf(file.content.rows[0]?.[file.content.columns.indexOf(c)]) !== undefined
    )
  );
  if (!single || numeric.length < 2 || numeric.length > MAX_CHART_CATEGORIES) return table;
  const chart = barChart({
    title: `${files[0].file.suffix} by column`,
    categories: numeric,
    series: files.map(({ model, colour, file }) => {
      const content = file.content as { columns: string[]; rows: string[][] };
      return {
        name: model,
        colour,
        values: numeric.map((c) =>
          content.columns.includes(c)
            ? numberOf(content.rows[0][content.columns.indexOf(c)]) ?? null
            : null
        ),
      };
    }),
  });
  return html`${table}${chart}`;
}

interface Leaf {
  text: string;
  value?: number;
}

function isPrimitive(v: unknown): boolean {
  return v === null || ["string", "number", "boolean"].includes(typeof v);
}

function leafOf(v: unknown): Leaf {
  if (Array.isArray(v)) {
    const numbers = v.map(numberOf).filter((n): n is number => n !== undefined);
    // MVBench's [correct, total, "xx.xx%"]: shown whole, charted as a fraction.
    const value = numbers.length >= 2 && numbers[1] !== 0 ? numbers[0] / numbers[1] : numbers[0];
    const text = numbers.length >= 2 && v.length === 3
      ? `${v[0]}/${v[1]} (${v[2]})`
      : JSON.stringify(v);
    return { text, value };
  }
  const text = v === null ? "" : String(v);
  const n = numberOf(typeof v === "string" ? v.replace(/%$/, "") : v);
  return { text, value: n };
}

/** A JSON rating as tables: each object's primitive entries, under its key path. */
function leavesOf(value: unknown, path: string, out: Map<string, Map<string, Leaf>>): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return;
  for (const [key, v] of Object.entries(value)) {
    if (isPrimitive(v) || (Array.isArray(v) && v.every(isPrimitive))) {
      if (!out.has(path)) out.set(path, new Map());
      out.get(path)!.set(key, leafOf(v));
    } else {
      leavesOf(v, path ? `${path} › ${key}` : key, out);
    }
  }
}

function objectSection(files: readonly ModelFile[]): SafeHtml {
  const perModel = files.map(({ model, colour, file }) => {
    const groups = new Map<string, Map<string, Leaf>>();
    if (file.content.kind === "object") leavesOf(file.content.value, "", groups);
    return { model, colour, groups };
  });
  const paths = [...new Set(perModel.flatMap((m) => [...m.groups.keys()]))];
  if (paths.length === 0) return html`<p class="muted">This file holds no numbers.</p>`;
  return html`${
    paths.map((path) => {
      const keys = [...new Set(perModel.flatMap((m) => [...(m.groups.get(path)?.keys() ?? [])]))];
      const rows = keys.map((key) =>
        html`<tr><th scope="row">${key}</th>${
          perModel.map((m) => {
            const leaf = m.groups.get(path)?.get(key);
            if (!leaf) return html`<td></td>`;
            return leaf.value === undefined
              ? html`<td>${leaf.text}</td>`
              : html`<td class="num" title="${leaf.text}">${leaf.text}</td>`;
          })
        }</tr>`
      );
      const table = html`
        <table class="grid">
          <thead>
            <tr><th>${path || "(top level)"}</th>${perModel.map((m) =>
              html`<th>${m.model}</th>`
            )}</tr>
          </thead>
          <tbody>${rows}</tbody>
        </table>
      `;
      const charted = keys.filter((key) =>
        perModel.some((m) => m.groups.get(path)?.get(key)?.value !== undefined)
      );
      const chart = charted.length >= 2 && charted.length <= MAX_CHART_CATEGORIES
        ? barChart({
          title: path || "rating",
          categories: charted,
          series: perModel.map((m) => ({
            name: m.model,
            colour: m.colour,
            values: charted.map((key) => m.groups.get(path)?.get(key)?.value ?? null),
          })),
        })
        : html``;
      return html`<div class="dimension"><h4>${path || "(top level)"}</h4>${table}${chart}</div>`;
    })
  }`;
}

function runLine(run: DatasetRun, link: FileLink): SafeHtml {
  const files = [run.predictionFile, run.resultFile, ...run.scoreFiles.map((f) => f.file)]
    .filter((f): f is string => f !== undefined);
  const fail = run.failRate === undefined ? "" : `, ${formatRate(run.failRate)} failed`;
  const samples = run.samples === undefined ? "" : `${run.samples} samples`;
  return html`<li><span class="badge state-${run.state}">${run.state}</span> <strong>${run.model}</strong> ${samples}${fail}${
    files.length
      ? html`
        — ${files.map((f, k) =>
          html`${k ? ", " : ""}<a href="${link(f)}">${f.split("/").at(-1)}</a>`
        )}
      `
      : ""
  }</li>`;
}

/** One benchmark's section: each model's run, then each score file across models. */
export function benchmarkSection(
  scan: WorkDirScan,
  benchmark: string,
  colours: ReadonlyMap<string, string>,
  link: FileLink,
): SafeHtml {
  const runs = scan.models.flatMap((m) => m.datasets.filter((d) => d.dataset === benchmark));
  const bySuffix = new Map<string, ModelFile[]>();
  for (const run of runs) {
    for (const file of run.scoreFiles) {
      const list = bySuffix.get(file.suffix) ?? [];
      list.push({ model: run.model, colour: colours.get(run.model) ?? "#888", file });
      bySuffix.set(file.suffix, list);
    }
  }
  const parts = [...bySuffix].map(([suffix, files]) => {
    const tables = files.filter((f) => f.file.content.kind === "table");
    const objects = files.filter((f) => f.file.content.kind === "object");
    return html`<section class="score-file"><h3><code>_${suffix}</code></h3>${
      tables.length ? tableSection(tables) : ""
    }${objects.length ? objectSection(objects) : ""}</section>`;
  });
  return html`<ul class="runs">${runs.map((r) => runLine(r, link))}</ul>${
    parts.length ? parts : html`<p class="muted">No score file yet.</p>`
  }`;
}
