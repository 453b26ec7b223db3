import { type ImageVqaMetric, scoreImageVqa, scoreOcrbench, scoreVqa } from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "../task/eval_task.ts";
import { EXACT_MATCHING } from "./judge.ts";
import type { ScoreOutputs, TaskScores } from "./score_types.ts";

/** The primary metric's name of each free-form rule, as the summary shows it. */
const METRIC_NAMES: Readonly<Record<ImageVqaMetric["method"], string>> = {
  vqa_score: "VQA score %",
  relaxed_accuracy: "relaxed accuracy %",
  anls: "ANLS %",
  accuracy: "accuracy %",
};

/**
 * VLMEvalKit's free-form benchmarks (`ImageVQADataset.evaluate_heuristic`): each answer scored
 * by the rule the benchmark's name picks (TextVQA's VQA score, ChartQA's relaxed accuracy,
 * DocVQA/InfoVQA ANLS, OCRVQA/GQA exact match, else the VQA score); writes
 * `<stem>_results.<fmt>` and `<stem>_acc.<csv|json>` (percent). No judge.
 */
export async function evaluateImageVqa(
  task: EvalTask,
  rows: readonly Row[],
  out: ScoreOutputs,
): Promise<TaskScores> {
  const dataset = task.benchmark?.name ?? task.name;
  const scored = scoreImageVqa(rows, dataset);
  for (const spec of scored.files) await out.specFile(spec);
  const { method, hit } = scored.metric;
  return {
    metric: `${METRIC_NAMES[method]} (VLMEvalKit's ${method} per answer, ${hit} per question` +
      `${method === "anls" ? ", 0 under 0.5" : ""}), Overall in percent`,
    primaryMetric: METRIC_NAMES[method],
    overall: scored.overall,
    table: scored.table,
    counts: { total: scored.counts.total, failed: scored.counts.failed, unresolved: 0 },
    files: out.files,
  };
}

/**
 * OCRBench (`OCRBench.evaluate`): per-category substring rules, counted per category into the
 * final score; writes `<stem>_score.json`. The overall score is `Final Score` (out of 1000 on
 * the whole benchmark). No judge.
 */
export async function evaluateOcrbench(
  _task: EvalTask,
  rows: readonly Row[],
  out: ScoreOutputs,
): Promise<TaskScores> {
  const scored = scoreOcrbench(rows);
  for (const spec of scored.files) await out.specFile(spec);
  return {
    metric: `OCRBench Final Score (right answers counted per category; ` +
      `Final Score Norm ${scored.score["Final Score Norm"]})`,
    primaryMetric: "Final Score",
    overall: scored.score["Final Score"],
    table: scored.table,
    counts: { total: scored.counts.total, failed: scored.counts.failed, unresolved: 0 },
    files: out.files,
  };
}

/**
 * A free-form benchmark outside VLMEvalKit's families (a local TSV): exact and normalised
 * matching, `<stem>_acc.<csv|json>` and `<stem>_acc_normalized.<csv|json>` in percent, and the
 * per-row `<stem>_exact_matching_result.<fmt>`.
 */
export async function evaluateExactVqa(
  rows: readonly Row[],
  out: ScoreOutputs,
): Promise<TaskScores> {
  const scored = scoreVqa(rows);
  await out.scoreFile("acc", scored.report.exact);
  await out.scoreFile("acc_normalized", scored.report.normalized);
  await out.perRowFile(
    EXACT_MATCHING,
    ["exact", "normalized"],
    (k) => ({
      exact: String(scored.perRow[k].exact),
      normalized: String(scored.perRow[k].normalized),
    }),
  );
  const c = scored.counts;
  return {
    metric: "exact match, percent",
    primaryMetric: "exact match %",
    overall: c.total ? (100 * c.exactHits) / c.total : 0,
    table: scored.report.exact,
    counts: { total: c.total, failed: c.failed, unresolved: 0 },
    files: out.files,
  };
}
