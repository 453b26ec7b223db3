import {
  createMarkerProgress,
  createProgress,
  type JobResult,
  type Progress,
  PROGRESS_MARKERS_ENV,
  SILENT_PROGRESS,
} from "@vlmeval/pipeline";
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

/** The end-of-run table of every job: overall score and its metric, counts, who scored, status. */
export function printSummary(results: JobResult[]): void {
  const rows = results.map((r) => [
    r.task,
    r.scores ? r.scores.overall.toFixed(3) : "-",
    r.scores?.primaryMetric ?? "-",
    r.scores?.counts.total ?? "-",
    r.scores?.counts.failed ?? "-",
    scoredBy(r),
    r.exitCode === 0 ? "ok" : `exit ${r.exitCode}`,
  ]);
  console.log("\nSummary:");
  console.log(
    formatTable(
      ["benchmark", "overall", "metric", "samples", "failed", "scored by", "status"],
      rows,
    ),
  );
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
