import { API_FAIL_MSG, FAIL_MSG, isFailure } from "@vlmeval/schema";
import type { WorkDirScan } from "../scan/types.ts";
import { html, type SafeHtml } from "./html.ts";

/** A recorded failure. */
export interface FailureSample {
  /** Model. */
  model: string;
  /** Benchmark. */
  benchmark: string;
  /** Row index. */
  index: string;
  /** The failure text, as recorded. */
  text: string;
}

/** The failures of one error type. */
export interface FailureGroup {
  /** The error type (`RangeError`, `CudaError`, `API` ...). */
  type: string;
  /** How many samples failed so. */
  count: number;
  /** Count per `model · benchmark`. */
  where: Map<string, number>;
  /** The first samples, in model and row order. */
  first: FailureSample[];
}

/**
 * The error type of a recorded failure: `Failed to obtain answer: <ErrorType> <message>` gives
 * `<ErrorType>`, VLMEvalKit's API failure `API`, anything else `other`.
 */
export function failureType(text: string): string {
  if (text.includes(API_FAIL_MSG)) return "API";
  const at = text.indexOf(`${FAIL_MSG}:`);
  if (at < 0) return "other";
  const type = text.slice(at + FAIL_MSG.length + 1).trim().split(/\s/)[0];
  return type || "other";
}

/** Failures of every scanned table, grouped by error type, most frequent first. */
export function groupFailures(scan: WorkDirScan, keep = 5): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const model of scan.models) {
    for (const run of model.datasets) {
      for (const row of run.table?.rows ?? []) {
        const text = row.prediction ?? "";
        if (!isFailure(text)) continue;
        const type = failureType(text);
        let group = groups.get(type);
        if (!group) groups.set(type, group = { type, count: 0, where: new Map(), first: [] });
        group.count++;
        const where = `${model.name} · ${run.dataset}`;
        group.where.set(where, (group.where.get(where) ?? 0) + 1);
        if (group.first.length < keep) {
          group.first.push({
            model: model.name,
            benchmark: run.dataset,
            index: row.index ?? "",
            text,
          });
        }
      }
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : 1));
}

/** The failures section: one table row per error type, its first samples below it. */
export function failuresSection(groups: readonly FailureGroup[]): SafeHtml {
  if (groups.length === 0) {
    return html`<p class="ok">No sample recorded a failure.</p>`;
  }
  const rows = groups.map((g) =>
    html`
      <tr>
        <td><code>${g.type}</code></td>
        <td class="num">${g.count}</td>
        <td>${[...g.where].map(([where, n]) => html`<div>${where}: ${n}</div>`)}</td>
        <td>
          <details>
            <summary>first ${g.first.length}</summary>
            <ol class="fail-samples">${g.first.map((s) =>
              html`<li><a href="#samples" class="goto" data-bench="${s.benchmark}" data-model="${s.model}" data-filter="failed" data-q="${s.index}">${s.model} · ${s.benchmark} · index ${s.index}</a><pre>${s.text}</pre></li>`
            )}</ol>
          </details>
        </td>
      </tr>
    `
  );
  return html`
    <table class="grid failures">
      <thead>
        <tr>
          <th>error type</th>
          <th>count</th>
          <th>where</th>
          <th>samples</th>
        </tr>
      </thead>
      <tbody>${rows}</tbody>
    </table>
  `;
}
