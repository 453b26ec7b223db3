import { isFailure, type Row } from "@vlmeval/schema";
import { parsePythonStringList } from "@vlmeval/internal";
import { canInfer } from "../mcq/can_infer.ts";
import { API_FAILURE_MARK, forEachLimited } from "../_judge_common.ts";
import { pyFloat, pyInt, pythonFloat } from "@vlmeval/internal";
import { requireField } from "../_row_fields.ts";
import type { JudgeFn } from "../mcq/mcq_judge.ts";
import type { ScoreFileSpec } from "../score_files.ts";
import type { ScoreTable } from "../score_table.ts";

/** VLMEvalKit's `get_gpt4_ICE()` (utils/mathvista.py:11): the five worked examples, byte for byte. */
export const MATHVISTA_EXAMPLES: readonly string[] = [
  [
    "",
    "Hint: Please answer the question requiring an integer answer and provide the final value,",
    "e.g., 1, 2, 3, at the end.",
    "",
    "Question: Which number is missing?",
    "",
    "Model response: The number missing in the sequence is 14.",
    "",
    "Extracted answer: 14",
    "",
  ].join("\n"),
  [
    "",
    "Hint: Please answer the question requiring a floating-point number with one decimal place and provide the final value,",
    "e.g., 1.2, 1.3, 1.4, at the end.",
    "",
    "Question: What is the fraction of females facing the camera?",
    "",
    "Model response: The fraction of females facing the camera is 0.6,",
    "which means that six out of ten females in the group are facing the camera.",
    "",
    "Extracted answer: 0.6",
    "",
  ].join("\n"),
  [
    "",
    "Hint: Please answer the question requiring a floating-point number with two decimal places and provide the final value,",
    "e.g., 1.23, 1.34, 1.45, at the end.",
    "",
    "Question: How much money does Luca need to buy a sour apple candy and a butter-scotch candy? (Unit: $)",
    "",
    "Model response: Luca needs $1.45 to buy a sour apple candy and a butterscotch candy.",
    "",
    "Extracted answer: 1.45",
    "",
  ].join("\n"),
  [
    "",
    "Hint: Please answer the question requiring a Python list as an answer and provide the final list,",
    "e.g., [1, 2, 3], [1.2, 1.3, 1.4], at the end.",
    "",
    "Question: Between which two years does the line graph saw its maximum peak?",
    "",
    "Model response: The line graph saw its maximum peak between 2007 and 2008.",
    "",
    "Extracted answer: [2007, 2008]",
    "",
  ].join("\n"),
  [
    "",
    "Hint: Please answer the question and provide the correct option letter, e.g., A, B, C, D, at the end.",
    "",
    "Question: What fraction of the shape is blue?",
    "",
    "Choices: (A) 3/11 (B) 8/11 (C) 6/11 (D) 3/5",
    "",
    "Model response: The correct answer is (B) 8/11.",
    "",
    "Extracted answer: B",
    "",
  ].join("\n"),
];

/** The judge's task description that opens the prompt (`build_mathvista_gpt4_prompt`). */
const TASK_DESCRIPTION = "\nPlease read the following example.\n" +
  "Then extract the answer from the model response and type it at the end of the prompt.\n\n";

/** Questions `MathVista_auxeval` asks the judge about one prediction (`retry = 5`). */
export const MATHVISTA_JUDGE_TRIES = 5;

/** The judge's `max_tokens` for MathVista (`build_judge(max_tokens=128)`). */
export const MATHVISTA_JUDGE_MAX_TOKENS = 128;

/** The judge VLMEvalKit's `run.py` picks for MathVista when `--judge` is not given. */
export const MATHVISTA_DEFAULT_JUDGE = "gpt-4o-mini";

/** The `log` of a row whose prediction the rules read without the judge. */
export const MATHVISTA_PREFETCH_LOG = "Prefetch succeed";

/**
 * VLMEvalKit's `build_mathvista_gpt4_prompt` (utils/mathvista.py:56), byte for byte: the task
 * description, each example followed by a newline, the question and a newline, then
 * `Model respone: ` (sic) with the prediction and, with no newline between, `Extracted answer:`.
 *
 * @example
 * ```ts
 * import { mathVistaPrompt } from "@vlmeval/scoring";
 * mathVistaPrompt("Question: 1+1?", "2").endsWith("Question: 1+1?\nModel respone: 2Extracted answer:"); // true
 * ```
 */
export function mathVistaPrompt(question: string, prediction: string): string {
  let prompt = TASK_DESCRIPTION;
  for (const example of MATHVISTA_EXAMPLES) prompt += example + "\n";
  return prompt + question + "\n" + "Model respone: " + prediction + "Extracted answer:";
}

function fieldError(row: Row, position: number, field: string, why: string): TypeError {
  return new TypeError(
    `Cannot score row ${position} (index "${row.index ?? "?"}") of MathVista as its ` +
      `"${field}" ${why}: current value is ${JSON.stringify(row[field])}`,
  );
}

function choicesOf(row: Row, position: number): Record<string, string> {
  let texts: string[];
  try {
    texts = parsePythonStringList(requireField(row, "choices", position));
  } catch (err) {
    if (err instanceof SyntaxError) {
      throw fieldError(row, position, "choices", "is not a Python list of strings");
    }
    throw err;
  }
  return Object.fromEntries(texts.map((text, k) => [String.fromCharCode(65 + k), text]));
}

/** `post_check`'s reading of a response: the Python value as `str()` prints it, or none. */
type PostCheck = { value: string; truthy: boolean; equal: boolean } | undefined;

function postCheck(row: Row, position: number, response: string): PostCheck {
  if (requireField(row, "question_type", position) === "multi_choice") {
    const letter = canInfer(response, choicesOf(row, position));
    if (!letter) return undefined;
    return { value: letter, truthy: true, equal: letter === row.answer_option };
  }
  const answer = requireField(row, "answer", position);
  const type = requireField(row, "answer_type", position);
  if (type === "integer") {
    const got = pyInt(response);
    const want = pyInt(answer);
    if (got === undefined) return undefined;
    return { value: got.toString(), truthy: got !== 0n, equal: got === want };
  }
  if (type === "float") {
    const got = pyFloat(response);
    const want = pyFloat(answer);
    if (got === undefined) return undefined;
    return { value: pythonFloat(got), truthy: got !== 0, equal: got === want };
  }
  // VLMEvalKit compares str(None) with the answer: text and list answers match only "None".
  return { value: "None", truthy: true, equal: answer === "None" };
}

/**
 * VLMEvalKit's `post_check(line, prefetch=True)` (utils/mathvista.py:77) on the model's
 * prediction: what it reads without a judge, as `str()` of the Python value, or `false`. Kept
 * quirks: a multiple-choice prediction in which `can_infer` finds any option letter succeeds,
 * right or wrong; a free-form answer succeeds only when Python's `int()`/`float()` reads the
 * whole prediction and it equals the answer, and then not when it is 0 (falsy), so `0` goes to
 * the judge; a `text` or `list` answer "succeeds" with `None` exactly when the answer is `None`.
 *
 * @throws {TypeError} naming the row when it lacks a field the rule reads, or its `choices` is
 * not a Python list of strings.
 */
export function mathVistaPrefetch(row: Row, position = 0): string | false {
  const checked = postCheck(row, position, requireField(row, "prediction", position));
  if (!checked) return false;
  if (requireField(row, "question_type", position) === "multi_choice") return checked.value;
  return checked.equal && checked.truthy ? checked.value : false;
}

/**
 * VLMEvalKit's `post_check(line, prefetch=False)` on an extracted answer `res`: multiple choice
 * compares `can_infer`'s letter with `answer_option`; `integer` and `float` answers compare
 * Python's `int()`/`float()` of both sides; any other answer type is right only when the answer
 * is `None` (VLMEvalKit's quirk, kept: list answers are never scored right).
 *
 * @throws {TypeError} as {@linkcode mathVistaPrefetch}.
 */
export function mathVistaHit(row: Row, res: string, position = 0): boolean {
  return postCheck(row, position, res)?.equal ?? false;
}

/**
 * How a MathVista row's answer was extracted: `prefetch` (the rules read the prediction),
 * `judge` (the judge answered), `judge-failed` (five API failures; `res` is empty), `failed` (the
 * prediction records a failure: never judged, scored wrong) or `unresolved` (needs the judge,
 * none asked yet; `res` is empty).
 */
export type MathVistaMethod = "prefetch" | "judge" | "judge-failed" | "failed" | "unresolved";

/** One row's extracted answer: VLMEvalKit's `res` and `log` columns. */
export interface MathVistaExtraction {
  /** The row's `index`. */
  index: string;
  /** The extracted answer (`res`). */
  res: string;
  /** VLMEvalKit's `log` text. */
  log: string;
  /** How `res` was found. */
  method: MathVistaMethod;
  /** The judge's raw answers, in order, when it was asked. */
  answers?: string[];
}

/**
 * The prefetch pass of VLMEvalKit's `MathVista_auxeval`: each row that
 * {@linkcode mathVistaPrefetch} reads gets `res` and the log `Prefetch succeed`; every other
 * row is `unresolved` (empty `res` and `log`) until {@linkcode judgeMathVista} asks the judge.
 * A recorded failure is `failed` and never judged (VLMEvalKit would ask the judge about the
 * failure text).
 */
export function extractMathVista(rows: readonly Row[]): MathVistaExtraction[] {
  return rows.map((row, position) => {
    const index = row.index ?? "";
    if (isFailure(requireField(row, "prediction", position))) {
      return { index, res: "", log: "The prediction records a failure", method: "failed" };
    }
    const res = mathVistaPrefetch(row, position);
    return res === false
      ? { index, res: "", log: "", method: "unresolved" }
      : { index, res, log: MATHVISTA_PREFETCH_LOG, method: "prefetch" };
  });
}

/**
 * Asks the judge about one prediction as VLMEvalKit's `MathVista_auxeval`: up to
 * {@linkcode MATHVISTA_JUDGE_TRIES} questions at temperature `0.5 × (attempt - 1)` with
 * `max_tokens` {@linkcode MATHVISTA_JUDGE_MAX_TOKENS}; an answer holding
 * `Failed to obtain answer via API` logs `Try <i>: output is <prediction>, failed to parse.`
 * (the MODEL's prediction, as VLMEvalKit writes it) and asks again; any other answer is `res`
 * as it is (unstripped), with `Succeed` appended to the log. Five failures give an empty `res`
 * and `All 5 retries failed.`.
 */
export async function judgeMathVistaAnswer(
  row: Row,
  judge: JudgeFn,
  position = 0,
): Promise<MathVistaExtraction> {
  const index = row.index ?? "";
  const prediction = requireField(row, "prediction", position);
  const prompt = mathVistaPrompt(requireField(row, "question", position), prediction);
  const answers: string[] = [];
  let log = "";
  for (let attempt = 1; attempt <= MATHVISTA_JUDGE_TRIES; attempt++) {
    const answer = await judge(prompt, {
      index,
      attempt,
      temperature: 0.5 * (attempt - 1),
      maxTokens: MATHVISTA_JUDGE_MAX_TOKENS,
    });
    answers.push(answer);
    if (answer.includes(API_FAILURE_MARK)) {
      log += `Try ${attempt - 1}: output is ${prediction}, failed to parse.\n`;
    } else {
      return { index, res: answer, log: log + "Succeed", method: "judge", answers };
    }
  }
  return {
    index,
    res: "",
    log: log + `All ${MATHVISTA_JUDGE_TRIES} retries failed.\n`,
    method: "judge-failed",
    answers,
  };
}

/** Options of {@linkcode judgeMathVista} and `judgeMmvet`. */
export interface JudgeFreeFormOptions {
  /** Rows judged at once. @default {4} */
  concurrency?: number;
}

/**
 * The judge phase of MathVista, run on {@linkcode extractMathVista}'s result: every
 * `unresolved` row goes to the judge ({@linkcode judgeMathVistaAnswer}). Returns new
 * extractions; `extracted` is not modified.
 */
export async function judgeMathVista(
  rows: readonly Row[],
  extracted: readonly MathVistaExtraction[],
  judge: JudgeFn,
  opts: JudgeFreeFormOptions = {},
): Promise<MathVistaExtraction[]> {
  const out = [...extracted];
  const pending = out.map((_, k) => k).filter((k) => out[k].method === "unresolved");
  await forEachLimited(pending, opts.concurrency ?? 4, async (k) => {
    out[k] = await judgeMathVistaAnswer(rows[k], judge, k);
  });
  return out;
}

/** Result of {@linkcode scoreMathVista}. */
export interface MathVistaScore {
  /** One verdict per input row. */
  perRow: { index: string; hit: 0 | 1; method: MathVistaMethod }[];
  /**
   * VLMEvalKit's `MathVista_acc` table: columns `Task&Skill`, `tot`, `prefetch`, `hit`,
   * `prefetch_rate`, `acc` (percent); rows `Overall`, then each skill and task in the order
   * first seen (a row's skills before its task).
   */
  table: ScoreTable;
  /** The `Overall` accuracy, in percent. */
  overall: number;
  /** Rows scored, hits, recorded failures, and rows by extraction method. */
  counts: {
    total: number;
    hits: number;
    failed: number;
    unresolved: number;
    byMethod: Record<MathVistaMethod, number>;
  };
  /**
   * `<stem>_<judge>.<pred>` (every row with `res` and `log`) and `<stem>_<judge>_score.csv`
   * (always csv), named with the judge's name as given (VLMEvalKit's `judge_kwargs['model']`).
   */
  files: ScoreFileSpec[];
}

function skillsOf(cell: string | undefined): string[] {
  // Missing: empty as read literally, `nan` as pandas reads it.
  if (cell === undefined || cell === "" || cell === "nan") return [];
  try {
    return parsePythonStringList(cell);
  } catch {
    return [cell];
  }
}

/**
 * Scores MathVista as VLMEvalKit's `MathVista_acc` (utils/mathvista.py:127): each row is right
 * when {@linkcode mathVistaHit} accepts its `res`; counts per `task` and per skill (a Python
 * list in `skills`, or one skill when it is not a list; a skill named like a task shares its
 * row, as VLMEvalKit's dict does). `judge` names the files. An `unresolved` row (no judge asked)
 * is wrong.
 *
 * @throws {TypeError} naming the row when it lacks a field the rules read.
 */
export function scoreMathVista(
  rows: readonly Row[],
  extracted: readonly MathVistaExtraction[],
  judge: string,
): MathVistaScore {
  const tot = new Map<string, number>([["Overall", 0]]);
  const fetched = new Map<string, number>();
  const hits = new Map<string, number>();
  const add = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const byMethod: Record<MathVistaMethod, number> = {
    prefetch: 0,
    judge: 0,
    "judge-failed": 0,
    failed: 0,
    unresolved: 0,
  };
  const perRow = rows.map((row, position) => {
    const { res, log, method } = extracted[position];
    byMethod[method]++;
    const keys = ["Overall", ...skillsOf(row.skills), requireField(row, "task", position)];
    for (const key of keys.slice(1)) add(tot, key);
    add(tot, "Overall");
    if (log === MATHVISTA_PREFETCH_LOG) keys.forEach((key) => add(fetched, key));
    const hit = method !== "failed" && mathVistaHit(row, res, position) ? 1 : 0;
    if (hit) keys.forEach((key) => add(hits, key));
    return { index: row.index ?? "", hit: hit as 0 | 1, method };
  });
  const table: ScoreTable = {
    columns: ["Task&Skill", "tot", "prefetch", "hit", "prefetch_rate", "acc"],
    rows: [...tot].map(([key, n]) => {
      const f = fetched.get(key) ?? 0;
      const h = hits.get(key) ?? 0;
      return [key, n, f, h, n ? (f / n) * 100 : null, n ? (h / n) * 100 : null];
    }),
  };
  const total = perRow.length;
  const hitCount = perRow.reduce((sum, r) => sum + r.hit, 0);
  return {
    perRow,
    table,
    overall: total ? (hitCount / total) * 100 : 0,
    counts: {
      total,
      hits: hitCount,
      failed: byMethod.failed,
      unresolved: byMethod.unresolved,
      byMethod,
    },
    files: [
      {
        suffix: `_${judge}`,
        format: "pred",
        content: {
          kind: "rows",
          columns: ["res", "log"],
          cells: extracted.map(({ res, log }) => ({ res, log })),
        },
      },
      { suffix: `_${judge}_score`, format: "csv", content: { kind: "table", table } },
    ],
  };
}
