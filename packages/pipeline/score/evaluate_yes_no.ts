import { judgeYesNo, scoreYesNo } from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "../task/eval_task.ts";
import type { EvaluateOptions, ScoreOutputs, TaskScores } from "./score_types.ts";
import { methodText, scoringJudge } from "./scoring_judge.ts";

/** The file name VLMEvalKit gives each rating. */
const RATING_FILE_NAMES = {
  MME: "MME_rating",
  Hallusion: "Hallusion_rating",
  POPE: "POPE_rating",
  AMBER: "AMBER_rating",
  default: "default_rating",
} as const;

/**
 * Yes/no scoring, as VLMEvalKit's `ImageYORNDataset.evaluate`: `YOrN_Extraction`, then the
 * judge for the rows it read as Unknown (when one is set; `YOrN_auxeval`), then the rating the
 * dataset's name picks (MME, Hallusion, POPE, AMBER or default) as `<stem>_score.<evalFormat>`,
 * and every row with `extracted`, `method`, `hit` (and, with a judge, its answer in `log`) as
 * `<stem>_<judge>_result.<fmt>` (`exact_matching` without a judge).
 */
export async function evaluateYesNo(
  task: EvalTask,
  rows: readonly Row[],
  opts: EvaluateOptions,
  out: ScoreOutputs,
): Promise<TaskScores> {
  const judge = scoringJudge(task.name, opts);
  let scored = scoreYesNo(rows, { dataset: task.benchmark?.name ?? task.name });
  const toJudge = scored.counts.unresolved;
  if (judge.name && toJudge > 0) {
    const prefetched = scored;
    scored = await judge.use((j) =>
      judgeYesNo(rows, prefetched, j.ask, { concurrency: judge.concurrency })
    );
  }
  await out.scoreFile("score", scored.report);
  await judge.writeResultFile(out, (k) => ({ ...scored.perRow[k], hit: scored.perRow[k].score }));
  const c = scored.counts;
  const extractor = judge.extractorText(
    "exact matching (YOrN_Extraction)",
    judge.name ? toJudge : 0,
    "rows",
  );
  return {
    metric: `yes/no ${RATING_FILE_NAMES[scored.rating]}, ${scored.primary.name}, ` +
      `${scored.rating === "MME" ? "a sum of percents" : "percent"}; ${extractor}; ` +
      `rows by method: ${methodText(c.byMethod)}`,
    overall: scored.primary.value,
    primaryMetric: scored.primary.name,
    table: scored.report,
    ...judge.outcome(c, toJudge),
    files: out.files,
  };
}
