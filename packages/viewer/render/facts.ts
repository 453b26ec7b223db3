/**
 * Run facts: what each model folder's `status.json` and journals record (command line,
 * backend, world size, formats, times, per benchmark outcome, exit code and error; keys this
 * page does not know, such as token usage or settings a newer vlmeval records, shown as they
 * are), and the facts of the report itself.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { formatRate } from "../leaderboard.ts";
import type { DatasetRun, ModelRun } from "../scan/types.ts";
import { html, type SafeHtml } from "./html.ts";

/** Facts of the program that wrote the report. */
export interface ReportFacts {
  /** ISO time the report was written. */
  generatedAt: string;
  /** Versions (`vlmeval`, `deno`, `v8`, `typescript`, ...). */
  versions: Record<string, string>;
  /** The git commit of the vlmeval source that wrote the report, when known. */
  commit?: string;
}

/** The facts of this process: versions, and the git commit of the source it runs from. */
export async function currentReportFacts(): Promise<ReportFacts> {
  const facts: ReportFacts = {
    generatedAt: new Date().toISOString(),
    versions: {
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      typescript: Deno.version.typescript,
      os: `${Deno.build.os} ${Deno.build.arch}`,
    },
  };
  try {
    const here = new URL(".", import.meta.url);
    if (here.protocol === "file:") {
      const out = await new Deno.Command("git", {
        args: ["rev-parse", "HEAD"],
        cwd: fileURLToPath(here),
        stdout: "piped",
        stderr: "null",
      }).output();
      const commit = new TextDecoder().decode(out.stdout).trim();
      if (out.success && /^[0-9a-f]{40}$/.test(commit)) facts.commit = commit;
    }
  } catch {
    // No git, or no permission to run it: the commit stays unknown.
  }
  return facts;
}

const KNOWN_RUN_KEYS = new Set([
  "schema_version",
  "model_name",
  "created_at",
  "updated_at",
  "argv",
  "world_size",
  "pred_format",
  "eval_format",
  "mode",
  "datasets",
]);
const KNOWN_ENTRY_KEYS = new Set([
  "status",
  "prediction_file",
  "judge_model",
  "error_message",
  "primary_metric",
  "primary_metric_name",
  "primary_metric_value",
  "metrics",
  "overall",
  "samples",
  "infer_fail_rate",
  "unresolved",
  "exit_code",
  "updated_at",
]);

function shown(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  const text = JSON.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** The value after `--flag` or in `--flag=value` of a command line. */
function flagValue(argv: readonly string[], flag: string): string | undefined {
  for (let k = 0; k < argv.length; k++) {
    if (argv[k] === flag) return argv[k + 1];
    if (argv[k].startsWith(`${flag}=`)) return argv[k].slice(flag.length + 1);
  }
  return undefined;
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}

function time(ms: number | undefined): string {
  return ms === undefined ? "" : new Date(ms).toISOString();
}

function journalText(run: DatasetRun): string {
  const j = run.journal;
  if (!j) return "";
  const parts = [`${j.records} answers`, `${j.failed} failed`];
  if (j.firstTime !== undefined) parts.push(`${time(j.firstTime)} → ${time(j.lastTime)}`);
  if (j.meanMs !== undefined) parts.push(`${j.meanMs.toFixed(1)} ms/sample`);
  if (j.worldSizes.length) parts.push(`world size ${j.worldSizes.join(", ")}`);
  if (j.skippedLines) parts.push(`${j.skippedLines} torn line(s)`);
  return parts.join(" · ");
}

function modelFacts(model: ModelRun): SafeHtml {
  const s = model.status ?? {};
  const argv = Array.isArray(s.argv) ? s.argv.map(String) : [];
  const rows: [string, string][] = [
    ["model", model.name],
    ["command line", argv.length ? `vlmeval ${argv.map(shellQuote).join(" ")}` : ""],
    ["backend", flagValue(argv, "--backend") ?? (argv.length ? "(default)" : "")],
    ["base URL", flagValue(argv, "--base-url") ?? ""],
    ["world size", shown(s.world_size)],
    ["mode", shown(s.mode)],
    [
      "formats",
      s.pred_format ? `predictions ${shown(s.pred_format)}, scores ${shown(s.eval_format)}` : "",
    ],
    ["first entry", shown(s.created_at)],
    ["last entry", shown(s.updated_at)],
    ...Object.entries(s).filter(([k]) => !KNOWN_RUN_KEYS.has(k)).map((
      [k, v],
    ): [string, string] => [k, shown(v)]),
  ];
  const table = html`<table class="kv">${
    rows.filter(([, v]) => v !== "").map(([k, v]) =>
      html`
        <tr>
          <th scope="row">${k}</th>
          <td>${v}</td>
        </tr>
      `
    )
  }</table>`;
  const runs = html`
    <table class="grid">
      <thead>
        <tr>
          <th>benchmark</th>
          <th>state</th>
          <th>samples</th>
          <th>failed</th>
          <th>scored by</th>
          <th>exit</th>
          <th>recorded</th>
          <th>journal</th>
          <th>message and more</th>
        </tr>
      </thead>
      <tbody>${model.datasets.map((run) => {
        const e = run.status ?? {};
        const extra = Object.entries(e).filter(([k]) => !KNOWN_ENTRY_KEYS.has(k));
        return html`
          <tr>
            <th scope="row">${run.dataset}</th>
            <td><span class="badge state-${run.state}">${run.state}</span></td>
            <td class="num">${run.samples ?? ""}</td>
            <td class="num">${run.failRate === undefined ? "" : formatRate(run.failRate)}</td>
            <td>${shown(e.judge_model)}</td>
            <td class="num">${shown(e.exit_code)}</td>
            <td>${shown(e.updated_at)}</td>
            <td>${journalText(run)}</td>
            <td>${shown(e.error_message)}${extra.map(([k, v]) =>
              html`<div><code>${k}</code>: ${shown(v)}</div>`
            )}</td>
          </tr>
        `;
      })}</tbody>
    </table>
  `;
  return html`<section class="model-facts"><h3>${model.name}</h3>${
    model.status
      ? ""
      : html`<p class="muted">No readable status.json: facts below come from the files.</p>`
  }${table}${runs}</section>`;
}

/** Run facts of every model, then the report's own. */
export function factsSection(
  models: readonly ModelRun[],
  report: ReportFacts,
  workDir: string,
): SafeHtml {
  const own: [string, string][] = [
    ["work dir", workDir],
    ["written at", report.generatedAt],
    ["vlmeval commit", report.commit ?? "unknown (not a git checkout, or git not found)"],
    ...Object.entries(report.versions),
  ];
  return html`
    ${models.map(modelFacts)}<section class="model-facts">
      <h3>This report</h3>
      <table class="kv">${own.map(([k, v]) =>
        html`
          <tr>
            <th scope="row">${k}</th>
            <td>${v}</td>
          </tr>
        `
      )}</table>
      <p
        class="muted">Versions and commit here are those of the program that wrote this page; a run's own are shown above where its status.json records them.</p>
    </section>
  `;
}
