import {
  extractMathVista,
  judgeMathVista,
  judgeMmvet,
  MATHVISTA_DEFAULT_JUDGE,
  MMVET_DEFAULT_JUDGE,
  scoreMathVista,
  scoreMmvet,
} from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "../task/eval_task.ts";
import { EXACT_MATCHING, JudgeRequiredError, type JudgeSettings } from "./judge.ts";
import type { EvaluateOptions, ScoreOutputs, TaskScores } from "./score_types.ts";
import { methodText, scoringJudge } from "./scoring_judge.ts";

/**
 * The judge of a family VLMEvalKit always judges: `--judge NAME` when given (none for
 * `exact_matching`), else the family's default judge at `opts.familyJudge`'s endpoint, else none.
 */
function familyJudgeSettings(
  opts: EvaluateOptions,
  defaultName: string,
): JudgeSettings | undefined {
  if (opts.judge) return opts.judge.name === EXACT_MATCHING ? undefined : opts.judge;
  return opts.familyJudge ? { ...opts.familyJudge, name: defaultName } : undefined;
}

/** The judge's part of MathVista's and MMVet's file names: its name as given (VLMEvalKit's). */
function fileNamePart(judge: string | undefined): string {
  return (judge ?? EXACT_MATCHING).replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * MathVista, as VLMEvalKit's `MathVista.evaluate_heuristic`: `post_check` reads what it can of
 * each prediction, the judge extracts the rest (up to 5 tries, `max_tokens` 128, answers cached
 * in `<stem>_<judge>_judge.jsonl`), then `MathVista_acc`; writes `<stem>_<judge>.<fmt>` (every
 * row with `res` and `log`) and `<stem>_<judge>_score.csv`. Without a judge (VLMEvalKit has no
 * fallback and stops), the rows `post_check` cannot read score as wrong, with a warning, and the
 * files are named `exact_matching`.
 */
export async function evaluateMathVista(
  task: EvalTask,
  rows: readonly Row[],
  opts: EvaluateOptions,
  out: ScoreOutputs,
): Promise<TaskScores> {
  const judge = scoringJudge(task.name, {
    ...opts,
    judge: familyJudgeSettings(opts, MATHVISTA_DEFAULT_JUDGE),
  });
  let extracted = extractMathVista(rows);
  const toJudge = extracted.filter((e) => e.method === "unresolved").length;
  if (judge.name && toJudge > 0) {
    const prefetched = extracted;
    extracted = await judge.use((j) =>
      judgeMathVista(rows, prefetched, j.ask, { concurrency: judge.concurrency })
    );
  }
  const scored = scoreMathVista(rows, extracted, fileNamePart(judge.name));
  for (const spec of scored.files) await out.specFile(spec);
  const c = scored.counts;
  if (!judge.name && c.unresolved > 0) {
    opts.warn?.(
      `${task.name}: ${c.unresolved} of ${c.total} answers need a judge to extract them and ` +
        `score as wrong: VLMEvalKit asks ${MATHVISTA_DEFAULT_JUDGE} (its default for MathVista); ` +
        `pass --judge NAME with --judge-base-url URL (or set OPENAI_API_BASE), then --mode eval`,
    );
  }
  const rules = "VLMEvalKit's post_check";
  return {
    metric:
      `accuracy in percent, answers read by ${
        judge.extractorText(rules, judge.name ? toJudge : 0, "rows")
      }${judge.name ? "" : ` (${c.unresolved} rows need a judge: scored wrong)`}; ` +
      `rows by method: ${methodText(c.byMethod)}`,
    primaryMetric: "accuracy %",
    overall: scored.overall,
    table: scored.table,
    ...judge.outcome(
      { total: c.total, failed: c.failed, unresolved: c.unresolved, byMethod: c.byMethod },
      toJudge,
    ),
    files: out.files,
  };
}

/**
 * MMVet, as VLMEvalKit's `MMVet.evaluate`: the judge grades every answer from 0 to 1 (up to 5
 * tries, `max_tokens` 2048, answers cached in `<stem>_<judge>_judge.jsonl`; a recorded failure
 * scores 0 unasked), then `MMVet_acc`; writes `<stem>_<judge>.<fmt>` (every row with `score`
 * and `log`), `<stem>_<judge>_score.csv` and `<stem>_<judge>_score_fine.csv`.
 *
 * @throws {JudgeRequiredError} when there is no judge: nothing can be scored without one.
 */
export async function evaluateMmvet(
  task: EvalTask,
  rows: readonly Row[],
  opts: EvaluateOptions,
  out: ScoreOutputs,
): Promise<TaskScores> {
  const settings = familyJudgeSettings(opts, MMVET_DEFAULT_JUDGE);
  if (!settings) {
    throw new JudgeRequiredError(
      `Cannot score ${task.name} without a judge as VLMEvalKit scores MMVet only by a judge's ` +
        `0-1 grade of each answer (its default judge: ${MMVET_DEFAULT_JUDGE}): pass --judge NAME ` +
        `with --judge-base-url URL (or set OPENAI_API_BASE); the predictions are kept, ` +
        `--mode eval scores them`,
    );
  }
  const judge = scoringJudge(task.name, { ...opts, judge: settings });
  const judged = await judge.use((j) =>
    judgeMmvet(rows, j.ask, { concurrency: judge.concurrency })
  );
  const scored = scoreMmvet(rows, judged, fileNamePart(settings.name));
  for (const spec of scored.files) await out.specFile(spec);
  const c = scored.counts;
  const asked = c.total - c.failed;
  const model = judge.report()?.model;
  return {
    metric: `the judge's mean 0-1 grade in percent, ${asked} rows graded by judge ` +
      `${settings.name}${model ? ` (model ${model})` : ""}; rows by method: ` +
      methodText(c.byMethod),
    primaryMetric: "judge score %",
    overall: scored.overall,
    table: scored.table,
    ...judge.outcome(
      { total: c.total, failed: c.failed, unresolved: c.byMethod.unjudged, byMethod: c.byMethod },
      asked,
    ),
    files: out.files,
  };
}
