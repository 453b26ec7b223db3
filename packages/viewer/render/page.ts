/**
 * The report as one self-contained HTML page: leaderboard, benchmarks, sample browser,
 * failures, memory plots and run facts, with its style and script inlined and a
 * Content-Security-Policy that lets only that script and style run (by hash), images only from
 * `data:` URLs and the media cache's files, and nothing from the network.
 *
 * @module
 */
import { dirname, join, relative } from "node:path";
import { writeAtomically } from "@vlmeval/internal";
import { clientScript } from "../client/client.ts";
import {
  buildLeaderboard,
  formatRate,
  formatScore,
  type Leaderboard,
  stateText,
} from "../leaderboard.ts";
import type { Problem, WorkDirScan } from "../scan/types.ts";
import { benchmarkSection, type FileLink } from "./benchmarks.ts";
import { SERIES_COLOURS } from "./charts.ts";
import { factsSection, type ReportFacts } from "./facts.ts";
import { failuresSection, groupFailures } from "./failures.ts";
import { cspHash, html, jsonScript, relativeUrl, type SafeHtml, trustedHtml } from "./html.ts";
import { ThumbnailSheets } from "./media_files.ts";
import { buildSampleData } from "./sample_data.ts";
import { REPORT_CSS } from "./style.ts";

/** Options of {@linkcode renderReport} and {@linkcode writeReport}. */
export interface ReportOptions {
  /** Where the page will be written: links to the work dir's files are relative to it. */
  outFile: string;
  /** Facts of the program writing the report (see `currentReportFacts`). */
  facts: ReportFacts;
  /**
   * Rows per benchmark whose images or frames are inlined as thumbnails (about 2 KiB each);
   * later rows link to the media cache's files, which show while the report stays beside the
   * work dir.
   * @default {200}
   */
  inlineImages?: number;
  /** The page title. @default {"vlmeval report"} */
  title?: string;
}

/** What {@linkcode writeReport} wrote. */
export interface ReportSummary {
  /** The page's path. */
  path: string;
  /** Its size in bytes. */
  bytes: number;
  /** Thumbnails inlined. */
  thumbnails: number;
}

function leaderboardSection(board: Leaderboard): SafeHtml {
  const head = html`<tr><th><button data-col="0">model</button></th>${
    board.benchmarks.map((name, b) =>
      html`<th><button data-col="${b + 1}">${name}<small>${
        board.metrics[b] ?? "no score"
      }</small></button></th>`
    )
  }</tr>`;
  const rows = board.models.map((model, m) =>
    html`<tr data-model="${model}"><th scope="row">${model}</th>${
      board.cells[m].map((cell) => {
        if (
          !cell
        ) return html`<td data-value="" data-state="absent"><span class="muted">—</span></td>`;
        const fail = cell.failRate === undefined
          ? html``
          : html`<span class="fail${cell.failRate > 0 ? " some" : ""}">fail ${
            formatRate(cell.failRate)
          }</span>`;
        const title = cell.value === undefined
          ? `${cell.model} on ${cell.benchmark}: ${cell.state}`
          : `${cell.metric} = ${cell.value} (${cell.scoreFile})`;
        const shown = cell.value === undefined
          ? html`<span class="badge state-${cell.state}">${stateText(cell.state)}</span>`
          : html`<span class="score">${formatScore(cell.value)}</span>${
            cell.state === "done" ? "" : html`
              <span class="badge state-${cell.state}">${cell.state}</span>
            `
          }`;
        return html`
          <td data-value="${cell.value ?? ""}" data-state="${cell
            .state}" data-metric="${cell.metric ?? ""}"
            data-file="${cell.scoreFile ?? ""}" title="${title}">${shown}${fail}</td>
        `;
      })
    }</tr>`
  );
  return html`
    <table class="grid" id="leaderboard">
      <thead>${head}</thead>
      <tbody>${rows}</tbody>
    </table>
    <p
      class="muted">Each cell is the benchmark's primary metric as VLMEvalKit's summary picks it from the score file (hover for the key and file), with the share of samples that recorded a failure below it. Click a header to sort.</p>
  `;
}

function problemsSection(problems: readonly Problem[]): SafeHtml {
  if (problems.length === 0) {
    return html`
      <p
        class="ok">Nothing is missing: every benchmark found is predicted and scored, and every file read.</p>
    `;
  }
  return html`<ul class="problems">${
    problems.map((p) =>
      html`<li class="${p.severity}"><strong>${
        p.severity === "unreadable" ? "unreadable" : "missing"
      }</strong> ${[p.model, p.dataset].filter(Boolean).join(" · ")}${
        p.model || p.dataset ? ": " : ""
      }${p.message}</li>`
    )
  }</ul>`;
}

const SAMPLE_BROWSER = html`
  <div class="controls">
    <label>benchmark <select id="s-bench"></select></label>
    <label>model A <select id="s-model-a"></select></label>
    <label>compare with <select id="s-model-b"></select></label>
    <label>show <select id="s-filter"><option value="all">all rows</option><option value="answered">answered by A</option><option value="wrong">wrong (A)</option><option value="right">right (A)</option><option value="failed">failed (A)</option><option value="disagree">A and B answer differently</option></select></label>
    <label>category <select id="s-category"></select></label>
    <label>search <input id="s-search" type="search" placeholder="question, answer, prediction, index"></label>
  </div>
  <div
    class="pager"><button id="s-prev" type="button">‹ previous</button><span id="s-page"></span><button id="s-next" type="button">next ›</button><span id="s-count" class="muted"></span></div>
  <p class="muted" id="s-source"></p>
  <table class="grid" id="s-table">
    <colgroup>
      <col class="c-index">
      <col class="c-media">
      <col>
      <col class="c-answer">
      <col class="c-cat">
      <col>
      <col>
    </colgroup>
    <thead>
      <tr>
        <th>index</th>
        <th>media</th>
        <th>question and options</th>
        <th>answer</th>
        <th>category</th>
        <th id="s-head-a">model A</th>
        <th id="s-head-b">model B</th>
      </tr>
    </thead>
    <tbody id="s-rows"></tbody>
  </table>
  <noscript><p>The sample browser needs JavaScript; every other section of this page works without it.</p></noscript>
`;

function memorySection(scan: WorkDirScan): SafeHtml {
  const memory = scan.memory;
  if (!memory) {
    return html`
      <p
        class="muted">No memory benchmark results found (run <code>deno task bench:memory --out &lt;work-dir&gt;/memory</code>, or pass <code>--memory DIR</code>).</p>
    `;
  }
  const plots = memory.plots.map((plot) =>
    html`<figure><img class="memory-plot" alt="memory per sample, ${plot.name}" src="data:image/svg+xml;base64,${
      new TextEncoder().encode(plot.svg).toBase64()
    }"><figcaption>${plot.name}</figcaption></figure>`
  );
  const summary = memory.summary === undefined ? html`` : html`
    <details>
      <summary>summary.md</summary>
      <pre>${memory.summary}</pre>
    </details>
  `;
  return html`<p class="muted">From ${memory.dir}${
    memory.csvFiles.length ? ` (data: ${memory.csvFiles.join(", ")})` : ""
  }.</p>${plots}${summary}`;
}

/**
 * Renders the report page of a scan made with rows (`scanWorkDir(dir, { rows: true })`).
 * Every text from the work dir is escaped; the sample data sits in JSON blocks that the page's
 * script reads with `JSON.parse`.
 */
export async function renderReport(
  scan: WorkDirScan,
  opts: ReportOptions,
): Promise<{ page: string; thumbnails: number }> {
  const outDir = dirname(opts.outFile);
  const link: FileLink = (file) => relativeUrl(relative(outDir, join(scan.workDir, file)));
  const colours = new Map(
    scan.models.map((m, k) => [m.name, SERIES_COLOURS[k % SERIES_COLOURS.length]]),
  );
  const board = buildLeaderboard(scan);
  const images = new ThumbnailSheets();
  const inline = opts.inlineImages ?? 200;
  const samples = await buildSampleData(scan, images, {
    outFile: opts.outFile,
    inlineImages: inline,
  });
  const title = opts.title ?? "vlmeval report";
  const script = clientScript();
  const csp = [
    "default-src 'none'",
    `script-src ${await cspHash(script)}`,
    `style-src ${await cspHash(REPORT_CSS)}`,
    "img-src data: file: 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const counts = `${scan.models.length} model(s), ${scan.benchmarks.length} benchmark(s)`;
  const body = html`
    <header>
      <h1>${title}</h1>
      <div class="muted">${scan.workDir} · ${counts} · written ${opts.facts.generatedAt}</div>
    </header>
    <nav><a href="#leaderboard-section">Leaderboard</a><a href="#problems">Missing (${scan.problems
      .length})</a><a href="#samples">Samples</a><a href="#benchmarks">Benchmarks</a><a href="#failures">Failures</a><a href="#memory">Memory</a><a href="#facts">Run facts</a></nav>
    <main>
      <section class="top" id="leaderboard-section"><h2>Leaderboard</h2>${leaderboardSection(
        board,
      )}</section>
      <section class="top" id="problems"><h2>What is missing</h2>${problemsSection(
        scan.problems,
      )}</section>
      <section class="top" id="samples"><h2>Samples</h2>${SAMPLE_BROWSER}<p class="muted">
        Images and video frames of the first ${inline} rows of each benchmark are inlined as
        thumbnails; later rows link to the work dir's media cache (images/), which shows while this
        page stays beside it.
      </p></section>
      <section class="top" id="benchmarks"><h2>Benchmarks</h2>${scan.benchmarks.map((b) =>
        html`<section class="benchmark" id="bench-${b}"><h3>${b}</h3>${
          benchmarkSection(scan, b, colours, link)
        }</section>`
      )}</section>
      <section class="top" id="failures"><h2>Failures by error type</h2>${failuresSection(
        groupFailures(scan),
      )}</section>
      <section class="top" id="memory"><h2>Memory</h2>${memorySection(scan)}</section>
      <section class="top" id="facts"><h2>Run facts</h2>${factsSection(
        scan.models,
        opts.facts,
        scan.workDir,
      )}</section>
    </main>
    ${jsonScript("data-benchmarks", scan.benchmarks)}
    ${samples.map((s, k) => jsonScript(`samples-${k}`, s))}
    ${jsonScript("data-images", { sheets: images.sheets, thumbs: images.thumbs })}
    <script>${trustedHtml(script)}</script>
  `;
  const page = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
${html`<meta http-equiv="Content-Security-Policy" content="${csp}">`}
<meta name="viewport" content="width=device-width, initial-scale=1">
${html`<title>${title}</title>`}
<style>${REPORT_CSS}</style>
</head><body>
${body}
</body></html>
`;
  return { page, thumbnails: images.thumbs.length };
}

/** Renders the report and writes it to `opts.outFile` atomically. */
export async function writeReport(scan: WorkDirScan, opts: ReportOptions): Promise<ReportSummary> {
  const { page, thumbnails } = await renderReport(scan, opts);
  const bytes = new TextEncoder().encode(page);
  await writeAtomically(opts.outFile, (temp) => Deno.writeFile(temp, bytes));
  return { path: opts.outFile, bytes: bytes.length, thumbnails };
}
