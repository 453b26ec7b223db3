import { isFailure, type Row } from "@vlmeval/schema";
import { forEachLimited } from "../_judge_common.ts";
import { pyFloat, pythonFloat } from "@vlmeval/internal";
import { requireField } from "../_row_fields.ts";
import type { JudgeFreeFormOptions } from "./mathvista.ts";
import type { JudgeFn } from "../mcq/mcq_judge.ts";
import type { ScoreFileSpec } from "../score_files.ts";
import type { ScoreTable } from "../score_table.ts";

/** The instructions and few-shot table of `build_mmvet_gpt4_prompt` (utils/mmvet.py:8), byte for byte. */
const MMVET_INSTRUCTIONS = [
  "",
  "Compare the ground truth and prediction from AI models, to give a correctness score for the prediction.",
  "<AND> in the ground truth means it is totally right",
  "only when all elements in the ground truth are present in the prediction,",
  "and <OR> means it is totally right when any one element in the ground truth is present in the prediction.",
  "The correctness score is 0.0 (totally wrong), 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, or 1.0 (totally right).",
  "Just complete the last space of the correctness score.",
  "",
  "Question | Ground truth | Prediction | Correctness",
  "--- | --- | --- | ---",
  "What is x in the equation? | -1 <AND> -5 | x = 3 | 0.0",
  "What is x in the equation? | -1 <AND> -5 | x = -1 | 0.5",
  "What is x in the equation? | -1 <AND> -5 | x = -5 | 0.5",
  "What is x in the equation? | -1 <AND> -5 | x = -5 or 5 | 0.5",
  "What is x in the equation? | -1 <AND> -5 | x = -1 or x = -5 | 1.0",
  "Can you explain this meme? | This meme is poking fun at the fact that the names of the countries",
  "Iceland and Greenland are misleading. Despite its name, Iceland is known for its beautiful green landscapes,",
  "while Greenland is mostly covered in ice and snow. The meme is saying that the person has trust issues",
  "because the names of these countries do not accurately represent their landscapes. |",
  "The meme talks about Iceland and Greenland. It's pointing out that despite their names,",
  "Iceland is not very icy and Greenland isn't very green. | 0.4",
  "Can you explain this meme? | This meme is poking fun at the fact that the names of the countries",
  "Iceland and Greenland are misleading. Despite its name, Iceland is known for its beautiful green landscapes,",
  "while Greenland is mostly covered in ice and snow. The meme is saying that the person has trust issues",
  "because the names of these countries do not accurately represent their landscapes. |",
  "The meme is using humor to point out the misleading nature of Iceland's and Greenland's names.",
  "Iceland, despite its name, has lush green landscapes while Greenland is mostly covered in ice and snow.",
  "The text 'This is why I have trust issues' is a playful way to suggest",
  "that these contradictions can lead to distrust or confusion.",
  "The humor in this meme is derived from the unexpected contrast between the names of the countries",
  "and their actual physical characteristics. | 1.0",
  "",
].join("\n");

/** Questions `MMVet_auxeval` asks the judge about one prediction (`retry = 5`). */
export const MMVET_JUDGE_TRIES = 5;

/** The judge's `max_tokens` for MMVet (`build_judge(max_tokens=2048)`). */
export const MMVET_JUDGE_MAX_TOKENS = 2048;

/** The judge VLMEvalKit's `run.py` picks for MMVet when `--judge` is not given. */
export const MMVET_DEFAULT_JUDGE = "gpt-4-turbo";

/** The capabilities `MMVet_acc` reports, in its order (a row counts for each named in its category). */
export const MMVET_CAPABILITIES: readonly string[] = ["rec", "ocr", "know", "gen", "spat", "math"];

/**
 * VLMEvalKit's `build_mmvet_gpt4_prompt` (utils/mmvet.py:8), byte for byte: the instructions
 * and few-shot table, a newline, then `question | answer | prediction | ` with spaces put around
 * every `<AND>` and `<OR>` of the answer.
 *
 * @example
 * ```ts
 * import { mmvetPrompt } from "@vlmeval/scoring";
 * mmvetPrompt("x?", "-1<AND>-5", "x = -1").endsWith("\nx? | -1 <AND> -5 | x = -1 | "); // true
 * ```
 */
export function mmvetPrompt(question: string, answer: string, prediction: string): string {
  const gt = answer.replaceAll("<AND>", " <AND> ").replaceAll("<OR>", " <OR> ");
  return MMVET_INSTRUCTIONS + "\n" + [question, gt, prediction, ""].join(" | ");
}

/**
 * Reads a judge's answer as `MMVet_auxeval` does: Python's `float()` of the whole answer
 * (whitespace around it allowed), accepted when 0 <= score <= 1. The reason it is refused is the
 * text VLMEvalKit logs. Difference: `nan`, which VLMEvalKit accepts (and which then makes every
 * mean NaN), is refused here as an invalid score.
 *
 * @example
 * ```ts
 * import { parseMmvetScore } from "@vlmeval/scoring";
 * parseMmvetScore(" 0.7\n"); // { score: 0.7 }
 * parseMmvetScore("1.5"); // { problem: "invalid score: 1.5" }
 * ```
 */
export function parseMmvetScore(output: string): { score: number } | { problem: string } {
  const score = pyFloat(output);
  if (score === undefined) return { problem: "failed to parse" };
  if (!(score >= 0 && score <= 1)) return { problem: `invalid score: ${pythonFloat(score)}` };
  return { score };
}

/**
 * How an MMVet row was scored: `judge` (a try gave a score), `judge-failed` (five tries gave
 * none; scored 0.0), `failed` (the prediction records a failure: never judged, scored 0) or
 * `unjudged` (no judge asked yet; scored 0).
 */
export type MmvetMethod = "judge" | "judge-failed" | "failed" | "unjudged";

/** One row's score from the judge: VLMEvalKit's `score` and `log` columns. */
export interface MmvetJudged {
  /** The row's `index`. */
  index: string;
  /** 0 to 1. */
  score: number;
  /** VLMEvalKit's `log` text. */
  log: string;
  /** How `score` was found. */
  method: MmvetMethod;
  /** The judge's raw answers, in order, when it was asked. */
  answers?: string[];
}

/**
 * Asks the judge about one prediction as VLMEvalKit's `MMVet_auxeval` (utils/mmvet.py:49): up to
 * {@linkcode MMVET_JUDGE_TRIES} questions at temperature `0.5 × (attempt - 1)` with `max_tokens`
 * {@linkcode MMVET_JUDGE_MAX_TOKENS}; each answer read by {@linkcode parseMmvetScore}; a refused
 * one logs `Try <i>: output is <answer>, <reason>.` and asks again; the first accepted one is
 * the score, with `Succeed` appended. Five refusals give 0.0 and `All 5 retries failed.`. An API
 * failure is an answer that does not parse, as in VLMEvalKit.
 */
export async function judgeMmvetAnswer(
  row: Row,
  judge: JudgeFn,
  position = 0,
): Promise<MmvetJudged> {
  const index = row.index ?? "";
  const prompt = mmvetPrompt(
    requireField(row, "question", position),
    requireField(row, "answer", position),
    requireField(row, "prediction", position),
  );
  const answers: string[] = [];
  let log = "";
  for (let attempt = 1; attempt <= MMVET_JUDGE_TRIES; attempt++) {
    const output = await judge(prompt, {
      index,
      attempt,
      temperature: 0.5 * (attempt - 1),
      maxTokens: MMVET_JUDGE_MAX_TOKENS,
    });
    answers.push(output);
    const read = parseMmvetScore(output);
    if ("score" in read) {
      return { index, score: read.score, log: log + "Succeed", method: "judge", answers };
    }
    log += `Try ${attempt - 1}: output is ${output}, ${read.problem}.\n`;
  }
  return {
    index,
    score: 0,
    log: log + `All ${MMVET_JUDGE_TRIES} retries failed.\n`,
    method: "judge-failed",
    answers,
  };
}

/**
 * The judge phase of MMVet: every row goes to the judge ({@linkcode judgeMmvetAnswer}) except a
 * recorded failure, which scores 0 unasked (VLMEvalKit would ask about the failure text).
 */
export async function judgeMmvet(
  rows: readonly Row[],
  judge: JudgeFn,
  opts: JudgeFreeFormOptions = {},
): Promise<MmvetJudged[]> {
  const out = unjudgedMmvet(rows);
  const pending = out.map((_, k) => k).filter((k) => out[k].method === "unjudged");
  await forEachLimited(pending, opts.concurrency ?? 4, async (k) => {
    out[k] = await judgeMmvetAnswer(rows[k], judge, k);
  });
  return out;
}

/**
 * Every row as scored before the judge is asked: a recorded failure is `failed`, every other row
 * `unjudged`; both score 0.
 */
export function unjudgedMmvet(rows: readonly Row[]): MmvetJudged[] {
  return rows.map((row, position) => {
    const failed = isFailure(requireField(row, "prediction", position));
    return {
      index: row.index ?? "",
      score: 0,
      log: failed ? "The prediction records a failure" : "",
      method: failed ? "failed" : "unjudged",
    };
  });
}

/** Result of {@linkcode scoreMmvet}. */
export interface MmvetScore {
  /**
   * VLMEvalKit's `_score` table: columns `Category`, `tot`, `acc` (percent); rows `rec`, `ocr`,
   * `know`, `gen`, `spat`, `math`, `Overall`.
   */
  table: ScoreTable;
  /**
   * VLMEvalKit's `_score_fine` table: the same columns, one row per distinct `category` (commas
   * as `_`) in the order first seen, then `Overall`.
   */
  fine: ScoreTable;
  /** The `Overall` accuracy, in percent. */
  overall: number;
  /** Rows scored, recorded failures, and rows by method. */
  counts: { total: number; failed: number; byMethod: Record<MmvetMethod, number> };
  /**
   * `<stem>_<judge>.<pred>` (every row with `score` and `log`), `<stem>_<judge>_score.csv` and
   * `<stem>_<judge>_score_fine.csv` (always csv), named with the judge's name as given.
   */
  files: ScoreFileSpec[];
}

/**
 * Scores MMVet as VLMEvalKit's `MMVet_acc` (utils/mmvet.py:73): per capability (a row counts for
 * every capability whose name is a substring of its `category`), per distinct category, and
 * overall, the mean judge score in percent (sums in row order, as Python's). Kept quirk: both
 * tables read one set of counters, so a category that is itself a capability (`rec`) counts its
 * rows twice there. Difference: a capability no row has gets an empty `acc` where VLMEvalKit
 * divides by zero and stops.
 *
 * @throws {TypeError} naming the row when it lacks `category`.
 */
export function scoreMmvet(
  rows: readonly Row[],
  judged: readonly MmvetJudged[],
  judge: string,
): MmvetScore {
  const tot = new Map<string, number>();
  const sum = new Map<string, number>();
  const add = (key: string, grade: number) => {
    tot.set(key, (tot.get(key) ?? 0) + 1);
    sum.set(key, (sum.get(key) ?? 0) + grade);
  };
  const fineKeys: string[] = [];
  const byMethod: Record<MmvetMethod, number> = {
    judge: 0,
    "judge-failed": 0,
    failed: 0,
    unjudged: 0,
  };
  rows.forEach((row, position) => {
    const category = requireField(row, "category", position);
    const fine = category.replaceAll(",", "_");
    if (!fineKeys.includes(fine)) fineKeys.push(fine);
    const { score, method } = judged[position];
    byMethod[method]++;
    for (const capability of MMVET_CAPABILITIES) {
      if (category.includes(capability)) add(capability, score);
    }
    add("Overall", score);
    add(fine, score);
  });
  const percent = (key: string) => {
    const n = tot.get(key) ?? 0;
    return n ? ((sum.get(key) ?? 0) / n) * 100 : null;
  };
  const tableOf = (keys: readonly string[]): ScoreTable => ({
    columns: ["Category", "tot", "acc"],
    rows: keys.map((key) => [key, tot.get(key) ?? 0, percent(key)]),
  });
  const table = tableOf([...MMVET_CAPABILITIES, "Overall"]);
  const fine = tableOf([...fineKeys, "Overall"]);
  return {
    table,
    fine,
    overall: percent("Overall") ?? 0,
    counts: { total: rows.length, failed: byMethod.failed, byMethod },
    files: [
      {
        suffix: `_${judge}`,
        format: "pred",
        content: {
          kind: "rows",
          columns: ["score", "log"],
          cells: judged.map(({ score, log }) => ({ score: pythonFloat(score), log })),
        },
      },
      { suffix: `_${judge}_score`, format: "csv", content: { kind: "table", table } },
      { suffix: `_${judge}_score_fine`, format: "csv", content: { kind: "table", table: fine } },
    ],
  };
}
