import {
  createMarkerProgress,
  createProgress,
  type JobResult,
  type Progress,
  PROGRESS_MARKERS_ENV,
  type ShardSummary,
  SILENT_PROGRESS,
} from "@vlmeval/pipeline";
import { EXIT_CODES } from "@vlmeval/schema";
import { formatTable } from "@vlmeval/report";

/** A job's lines: what this rank did on stderr, and on rank 0 its scores on stdout. */
export function printJob(modelName: string, job: JobResult, rank: number): void {
  const s = job.shard;
  const parts = [`${modelName} on ${job.task}:`];
  if (s) {
    parts.push(
      `${s.units} samples on this rank, ${s.done} done, ${s.reused} reused, ${s.failed} failed, ` +
        `${(s.elapsedMs / 1000).toFixed(1)} s`,
    );
  }
  const lines = [parts.join(" ")];
  if (s?.usage) lines.push(`  ${servedLine(s)}`);
  if (job.merged) lines.push(`  predictions: ${job.predictionFile}`);
  if (job.message) lines.push(`  ${job.message}`);
  console.error(lines.join("\n"));
  if (rank === 0 && job.scores) {
    console.log(`\n${modelName} on ${job.task} (${job.scores.metric}):`);
    console.log(formatTable(job.scores.table.columns, job.scores.table.rows));
    const c = job.scores.counts;
    const judged = c.judged === undefined
      ? ""
      : `, ${c.judged} sent to judge ${job.scores.extractor} (${c.judgeFailed ?? 0} ` +
        `judge-failed: no usable answer in its tries, scored as wrong)`;
    console.log(
      `${c.total} samples, ${c.failed} failed to answer, ${c.unresolved} answers no rule could ` +
        `read${judged}${c.failed ? " (failed samples count as wrong)" : ""}`,
    );
    const j = job.scores.judge;
    if (j) {
      console.log(
        `  judge ${j.name} (model ${j.model}): ${j.asked} asked, ${j.cached} answered from ` +
          `${j.cachePath}${
            j.apiFailures ? `, ${j.apiFailures} failed (asked again next run)` : ""
          }`,
      );
    }
    for (const f of job.scores.files) console.log(`  ${f}`);
  }
}

/** What a served model's calls of this run cost, and the concurrency they ran at. */
function servedLine(s: ShardSummary): string {
  const u = s.usage!;
  const rate = s.elapsedMs > 0 ? (u.requests / (s.elapsedMs / 1000)).toFixed(1) : "-";
  const c = s.concurrency;
  return `API: ${u.requests} requests (${u.retries} retries), ${u.promptTokens} prompt + ` +
    `${u.completionTokens} completion tokens, latency mean ${u.meanLatencyMs} ms, p95 ` +
    `${u.p95LatencyMs} ms; ${rate} requests/s` +
    (c ? `, concurrency at its lowest ${c.lowest}, at the end ${c.last}` : "");
}

/**
 * The end-of-run table of every job: overall score, counts, who scored, status (`ok` only for
 * a job that ended with exit code 0); then, for served models, what the answers cost.
 */
export function printSummary(results: JobResult[]): void {
  const rows = results.map((r) => [
    r.task,
    r.scores ? r.scores.overall.toFixed(3) : "-",
    r.scores?.primaryMetric ?? "-",
    r.scores?.counts.total ?? r.merged?.rows ?? "-",
    r.scores?.counts.failed ?? r.merged?.failed ?? r.shard?.failed ?? "-",
    scoredBy(r),
    statusOf(r.exitCode),
  ]);
  console.log("\nSummary:");
  console.log(
    formatTable(
      ["benchmark", "overall", "metric", "samples", "failed", "scored by", "status"],
      rows,
    ),
  );
  const served = results.filter((r) => r.usage);
  if (served.length === 0) return;
  console.log("\nUsage of the answers in the prediction files:");
  console.log(formatTable(
    [
      "benchmark",
      "samples",
      "requests",
      "retries",
      "prompt tokens",
      "completion tokens",
      "mean latency ms",
      "p95 latency ms",
    ],
    served.map((r) => {
      const u = r.usage!;
      return [
        r.task,
        u.samples,
        u.requests,
        u.retries,
        u.promptTokens,
        u.completionTokens,
        u.meanLatencyMs,
        u.p95LatencyMs,
      ];
    }),
  ));
}

/** `ok` for exit code 0 only; otherwise what went wrong and the code. */
function statusOf(code: number): string {
  const words: Record<number, string> = {
    [EXIT_CODES.ok]: "ok",
    [EXIT_CODES.tooManyFailures]: "too many failures (exit 8)",
    [EXIT_CODES.endpoint]: "endpoint failed its check (exit 7)",
    [EXIT_CODES.interrupted]: "interrupted (exit 130)",
  };
  return words[code] ?? `exit ${code}`;
}

/**
 * `exact_matching`, or `<judge>: N judged, M judge-failed`; `-` when neither multiple choice
 * nor yes/no.
 */
function scoredBy(r: JobResult): string {
  const extractor = r.scores?.extractor;
  if (!extractor) return "-";
  const c = r.scores!.counts;
  if (c.judged === undefined) return extractor;
  return `${extractor}: ${c.judged} judged, ${c.judgeFailed ?? 0} judge-failed`;
}

/**
 * How a job shows its progress: not at all with --quiet, as markers for the `--nproc`
 * supervisor's merged display when it asked for them, else a bar or plain lines.
 */
export function jobProgress(
  quiet: boolean,
  env: Record<string, string>,
  task: string,
  rank: number,
): (label: string) => Progress {
  if (quiet) return () => SILENT_PROGRESS;
  if (env[PROGRESS_MARKERS_ENV] === "1") return () => createMarkerProgress(task, rank);
  return createProgress;
}
