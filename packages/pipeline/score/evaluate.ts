import { writeAtomically } from "@vlmeval/internal";
import { readPredictions, writePredictions, writeScoreFile } from "@vlmeval/report";
import { scoreVqa } from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "../task/eval_task.ts";
import { evaluateMcq } from "./evaluate_mcq.ts";
import { evaluateYesNo } from "./evaluate_yes_no.ts";
import { EXACT_MATCHING } from "./judge.ts";
import type { EvaluateOptions, ScoreOutputs, TaskScores } from "./score_types.ts";

/**
 * Scores predictions (a prediction file, or the rows just merged) by the task's kind:
 * multiple choice writes `<stem>_acc.<csv|json>` (accuracy per split and category, fractions)
 * and `<stem>_exact_matching_result.<fmt>` (every row with `extracted`, `method` and `hit`);
 * a circular benchmark (VLMEvalKit's name rule: MMBench, CCBench, ...) is scored per question
 * group, and its result file holds the main rows with the group's `hit` and a `log`.
 * With `opts.judge`, what the heuristics left unplaced goes to the judge (answers cached in
 * `<stem>_<judge>_judge.jsonl`), and the per-row file is `<stem>_<judge>_result.<fmt>`, with
 * the judge's answers in `log`; a judge that fails its check request makes this reject with
 * `JudgeUnavailableError` before any score file is written.
 * yes/no writes `<stem>_score.<csv|json>` with the rating VLMEvalKit picks by name (MME,
 * Hallusion, POPE, AMBER, else `default_rating`; percent) and the per-row file as above, rows
 * read as Unknown going to the judge when one is set (up to 5 tries, temperature rising by 0.5);
 * VQA writes `<stem>_acc.<csv|json>` (exact match) and `<stem>_acc_normalized.<csv|json>`, both
 * in percent.
 */
export async function evaluatePredictions(
  task: EvalTask,
  predictions: string | { columns: string[]; rows: Row[] },
  opts: EvaluateOptions,
): Promise<TaskScores> {
  const { columns, rows } = typeof predictions === "string"
    ? await readPredictions(predictions)
    : predictions;
  const outputs = scoreOutputs(opts, columns, rows, task.outputDtypes?.());
  switch (task.kind) {
    case "mcq":
    case "video-mcq":
      return await evaluateMcq(task, rows, opts, outputs);
    case "yorn":
      return await evaluateYesNo(task, rows, opts, outputs);
    case "vqa": {
      const scored = scoreVqa(rows);
      await outputs.scoreFile("acc", scored.report.exact);
      await outputs.scoreFile("acc_normalized", scored.report.normalized);
      await outputs.perRowFile(
        EXACT_MATCHING,
        ["exact", "normalized"],
        scored.perRow.map((r) => ({ exact: String(r.exact), normalized: String(r.normalized) })),
      );
      const c = scored.counts;
      return {
        metric: "exact match, percent",
        overall: c.total ? (100 * c.exactHits) / c.total : 0,
        table: scored.report.exact,
        counts: { total: c.total, failed: c.failed, unresolved: 0 },
        files: outputs.files,
      };
    }
  }
}

/** Score files of one prediction file, written beside it under `opts.stem`. */
function scoreOutputs(
  opts: EvaluateOptions,
  columns: string[],
  rows: readonly Row[],
  dtypes: Readonly<Record<string, string>> | undefined,
): ScoreOutputs {
  const files: string[] = [];
  return {
    files,
    async scoreFile(suffix, table) {
      const path = `${opts.stem}_${suffix}.${opts.evalFormat}`;
      await writeScoreFile(path, table, opts.evalFormat);
      files.push(path);
    },
    async jsonFile(suffix, value) {
      const path = `${opts.stem}_${suffix}.json`;
      await writeAtomically(
        path,
        (temp) => Deno.writeTextFile(temp, JSON.stringify(value, null, 4) + "\n"),
      );
      files.push(path);
    },
    async perRowFile(name, extra, perRow, source = rows) {
      const path = `${opts.stem}_${name}_result.${opts.format}`;
      const merged = source.map((row, i) => ({ ...row, ...perRow[i] }));
      // `hit` is an int column in VLMEvalKit's result files, so Excel sums it.
      const types = dtypes && extra.includes("hit") ? { ...dtypes, hit: "int64" } : dtypes;
      await writePredictions(path, [...columns, ...extra], merged, opts.format, types);
      files.push(path);
    },
  };
}
