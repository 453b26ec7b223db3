import {
  readPredictions,
  type ScoreTable,
  writeAtomically,
  writePredictions,
  writeScoreFile,
} from "@vlmeval/report";
import { scoreVqa } from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "./eval_task.ts";
import { evaluateMcq, type ScoreOutputs } from "./evaluate_mcq.ts";
import { evaluateYesNo } from "./evaluate_yes_no.ts";
import { EXACT_MATCHING, type JudgeSettings, type JudgeStats } from "./judge.ts";

/** Scores of one prediction file, and the files written. */
export interface TaskScores {
  /** What `overall` measures, e.g. `accuracy (exact matching, vlmevalkit-e8e78f05)`. */
  metric: string;
  /**
   * Overall score: a fraction for multiple choice, a percentage for VQA, and for yes/no the
   * rating's primary metric as VLMEvalKit reports it (percent; MME: perception + reasoning).
   */
  overall: number;
  /** The score table as written to the score file. */
  table: ScoreTable;
  /**
   * Rows scored (questions, for a circular benchmark), recorded failures among them, and answers
   * no extraction rule could read (VLMEvalKit would ask its judge; always 0 for VQA).
   */
  counts: {
    total: number;
    failed: number;
    unresolved: number;
    /**
     * Multiple choice and yes/no: rows per extraction method (`McqMethod` or `YesNoMethod`;
     * every rotation, for a circular benchmark).
     */
    byMethod?: Record<string, number>;
    /** With a judge: rows (or question groups) the judge was asked about. */
    judged?: number;
    /** With a judge: rows it placed in no option (scored as `Z`, or yes/no's `Unknown`). */
    judgeFailed?: number;
  };
  /**
   * Multiple choice and yes/no: who read the answers, `exact_matching` (the heuristics alone)
   * or the name of the judge that read what the heuristics left.
   */
  extractor?: string;
  /** With a judge that was needed: what it was asked, and its cache file. */
  judge?: { name: string; model: string; cachePath: string } & JudgeStats;
  /** Paths of the files written: the score tables, then the per-row result file. */
  files: string[];
}

/** Where score files go and in which formats. */
export interface EvaluateOptions {
  /** `<work-dir>/<model>/<model>_<dataset>`: score files are `<stem>_acc.csv` etc. */
  stem: string;
  /** Format of the per-row result file (`<stem>_exact_matching_result.<format>`). */
  format: "xlsx" | "tsv" | "json";
  /** Format of the score tables (`<stem>_acc.<evalFormat>`, ...). */
  evalFormat: "csv" | "json";
  /**
   * Multiple choice and yes/no: the LLM judge asked about the rows no heuristic placed
   * (VLMEvalKit's `--judge`); absent or named `exact_matching`: the heuristics alone.
   */
  judge?: JudgeSettings;
  /** Receives one-line warnings (judge requests that failed after their retries). */
  warn?: (message: string) => void;
  /** Aborting stops the judge: no new question is asked (see `JudgeInterruptedError`). */
  signal?: AbortSignal;
}

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
