import { writeAtomically } from "@vlmeval/internal";
import { readPredictions, writePredictions, writeScoreFile } from "@vlmeval/report";
import { scoreFilePath } from "@vlmeval/scoring";
import type { Row } from "@vlmeval/schema";
import type { EvalTask } from "../task/eval_task.ts";
import { evaluateMathVista, evaluateMmvet } from "./evaluate_judged.ts";
import { evaluateMcq } from "./evaluate_mcq.ts";
import { evaluateExactVqa, evaluateImageVqa, evaluateOcrbench } from "./evaluate_vqa.ts";
import { evaluateYesNo } from "./evaluate_yes_no.ts";
import {
  eachRow,
  type EvaluateOptions,
  heldRows,
  type ScoredRows,
  type ScoreOutputs,
  type TaskScores,
} from "./score_types.ts";

/** How a task is scored: the family of its catalog scorer, else of what its rows look like. */
export type ScoringFamily =
  | "mcq"
  | "yes_no"
  | "image_vqa"
  | "ocrbench"
  | "mathvista"
  | "mmvet"
  | "exact_vqa";

const FAMILY_OF_SCORER: Readonly<Record<string, ScoringFamily>> = {
  mcq: "mcq",
  mcq_circular: "mcq",
  mmmu: "mcq",
  video_mcq: "mcq",
  mvbench: "mcq",
  vqa_acc: "image_vqa",
  relaxed_accuracy: "image_vqa",
  anls: "image_vqa",
  accuracy: "image_vqa",
  ocrbench: "ocrbench",
  mathvista: "mathvista",
  mmvet: "mmvet",
  // MMBench-Video's judge (0-3 per answer) is not ported: exact and normalised matching.
  mmbench_video: "exact_vqa",
};

/**
 * The scoring family of a task: its catalog benchmark's scorer (`yes_no:*` are yes/no) when it
 * is one, else by its kind (multiple choice, yes/no, free-form answers by exact and normalised
 * matching).
 */
export function scoringFamily(task: EvalTask): ScoringFamily {
  const scorer = task.benchmark?.scorer;
  if (scorer !== undefined) {
    if (scorer.startsWith("yes_no:")) return "yes_no";
    const family = FAMILY_OF_SCORER[scorer];
    if (family) return family;
  }
  return task.kind === "yorn" ? "yes_no" : task.kind === "vqa" ? "exact_vqa" : "mcq";
}

/**
 * Scores predictions (a prediction file, or the rows just merged) by the task's scoring family
 * ({@linkcode scoringFamily}), writing the files VLMEvalKit writes for it beside the prediction
 * file (`opts.stem`):
 * - multiple choice: `<stem>_acc.<csv|json>` (accuracy per split and category, fractions) and
 *   `<stem>_<judge>_result.<fmt>` (every row with `extracted`, `method`, `hit`, and with a judge
 *   its answers in `log`); circular benchmarks (MMBench, CCBench, ...) per question group;
 *   MMMU's open questions as two-option questions; video benchmarks also `<stem>_rating.json`;
 * - yes/no: `<stem>_score.<csv|json>` with the rating VLMEvalKit picks by name (MME, Hallusion,
 *   POPE, AMBER or default) and the per-row file as above;
 * - VLMEvalKit's free-form benchmarks (TextVQA, ChartQA, DocVQA, InfoVQA, OCRVQA, GQA):
 *   `<stem>_results.<fmt>` and `<stem>_acc.<csv|json>`; OCRBench `<stem>_score.json`;
 *   MathVista `<stem>_<judge>.<fmt>` and `<stem>_<judge>_score.csv`; MMVet the same and
 *   `<stem>_<judge>_score_fine.csv`;
 * - other free-form benchmarks: `<stem>_acc.<csv|json>` (exact match) and
 *   `<stem>_acc_normalized.<csv|json>`, both in percent.
 *
 * With `opts.judge` (or `opts.familyJudge` for MathVista and MMVet) the judge is asked what the
 * rules leave, answers cached in `<stem>_<judge>_judge.jsonl`; a judge that fails its check
 * request makes this reject with `JudgeUnavailableError` before any score file is written, and
 * MMVet without a judge rejects with `JudgeRequiredError`.
 */
export async function evaluatePredictions(
  task: EvalTask,
  predictions: string | { columns: string[]; rows: ScoredRows },
  opts: EvaluateOptions,
): Promise<TaskScores> {
  const { columns, rows } = typeof predictions === "string"
    ? await readPredictions(predictions)
    : predictions;
  const dtypes = task.outputDtypes?.();
  const family = scoringFamily(task);
  // Multiple choice is scored in passes over the rows; the other families hold them.
  if (family === "mcq") {
    return await evaluateMcq(task, rows, opts, scoreOutputs(opts, columns, rows, dtypes));
  }
  const held = await heldRows(rows);
  const outputs = scoreOutputs(opts, columns, held, dtypes);
  switch (family) {
    case "yes_no":
      return await evaluateYesNo(task, held, opts, outputs);
    case "image_vqa":
      return await evaluateImageVqa(task, held, outputs);
    case "ocrbench":
      return await evaluateOcrbench(task, held, outputs);
    case "mathvista":
      return await evaluateMathVista(task, held, opts, outputs);
    case "mmvet":
      return await evaluateMmvet(task, held, opts, outputs);
    case "exact_vqa":
      return await evaluateExactVqa(held, outputs);
  }
}

/** Columns a scorer adds whose cells are numbers (pandas writes them as numbers). */
const NUMERIC_COLUMNS: Readonly<Record<string, string>> = {
  hit: "int64",
  eval_score: "float64",
  score: "float64",
};

/** Score files of one prediction file, written beside it under `opts.stem`. */
function scoreOutputs(
  opts: EvaluateOptions,
  columns: string[],
  rows: ScoredRows,
  dtypes: Readonly<Record<string, string>> | undefined,
): ScoreOutputs {
  const files: string[] = [];
  /** The prediction columns, then `extra` (a column already there keeps its place). */
  const writeRows = async (
    path: string,
    extra: string[],
    cells: (position: number) => Record<string, string>,
    source: ScoredRows,
  ) => {
    // Each row with its extra cells, made as the writer takes it: never all at once.
    async function* merged(): AsyncIterable<Row> {
      let position = 0;
      for await (const row of eachRow(source)) yield { ...row, ...cells(position++) };
    }
    // `hit`, `score`, ... are numeric columns in VLMEvalKit's result files, so Excel sums them.
    const typed = extra.filter((c) => NUMERIC_COLUMNS[c]);
    const types = dtypes && typed.length
      ? { ...dtypes, ...Object.fromEntries(typed.map((c) => [c, NUMERIC_COLUMNS[c]])) }
      : dtypes;
    const all = [...columns, ...extra.filter((c) => !columns.includes(c))];
    await writePredictions(path, all, merged(), opts.format, types);
    files.push(path);
  };
  return {
    files,
    async scoreFile(suffix, table) {
      const path = `${opts.stem}_${suffix}.${opts.evalFormat}`;
      await writeScoreFile(path, table, opts.evalFormat);
      files.push(path);
    },
    async jsonFile(suffix, value) {
      const path = `${opts.stem}_${suffix}.json`;
      await writeJson(path, value);
      files.push(path);
    },
    async perRowFile(name, extra, cells, source = rows) {
      await writeRows(`${opts.stem}_${name}_result.${opts.format}`, extra, cells, source);
    },
    async specFile(spec, source = rows) {
      const path = scoreFilePath(opts.stem, spec, { pred: opts.format, eval: opts.evalFormat });
      const content = spec.content;
      if (content.kind === "rows") {
        const cells = content.cells;
        await writeRows(path, content.columns, (position) => cells[position], source);
        return;
      }
      if (content.kind === "table") await writeScoreFile(path, content.table);
      else await writeJson(path, content.value);
      files.push(path);
    },
  };
}

/** `value` as VLMEvalKit's `dump` writes json (indent 4, UTF-8), atomically. */
async function writeJson(path: string, value: unknown): Promise<void> {
  await writeAtomically(
    path,
    (temp) => Deno.writeTextFile(temp, JSON.stringify(value, null, 4) + "\n"),
  );
}
