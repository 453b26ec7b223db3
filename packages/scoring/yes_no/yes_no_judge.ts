import type { Row } from "@vlmeval/schema";
import { API_FAILURE_MARK, forEachLimited } from "../_judge_common.ts";
import type { JudgeFn } from "../mcq/mcq_judge.ts";
import {
  extractYesNo,
  summarizeYesNo,
  type YesNo,
  yesNoHit,
  type YesNoRowScore,
  type YesNoScore,
} from "./score_yes_no.ts";

/** Questions VLMEvalKit's `YOrN_auxeval` asks its judge about one prediction (`retry = 5`). */
export const YES_NO_JUDGE_TRIES = 5;

/** The temperature of try `attempt` (1-based): `0.5 × (attempt - 1)`, so 0, 0.5, 1.0, 1.5, 2.0. */
export function yesNoJudgeTemperature(attempt: number): number {
  return 0.5 * (attempt - 1);
}

/** Options of {@linkcode judgeYesNo}. */
export interface JudgeYesNoOptions {
  /** Rows judged at once. @default {4} */
  concurrency?: number;
}

/** What the judge made of one yes/no prediction. */
export interface JudgedYesNo {
  /** `Yes` or `No` from the deciding answer, or `Unknown` when no try gave one. */
  extracted: YesNo;
  /** `judge` when a try gave Yes or No, `judge-failed` after {@linkcode YES_NO_JUDGE_TRIES}. */
  method: "judge" | "judge-failed";
  /** Every raw answer the judge gave, in order. */
  answers: string[];
  /** The deciding answer, or a line naming every answer when the judge failed. */
  log: string;
}

/**
 * VLMEvalKit's `YOrN_match_prompt`, byte for byte: the question (a `?` is appended) and the
 * prediction as they are, neither stripped.
 *
 * @example
 * ```ts
 * import { yesNoJudgePrompt } from "@vlmeval/scoring";
 * yesNoJudgePrompt("Is it red", "It looks red to me").endsWith(
 *   "Question: Is it red?\nAnswer: It looks red to me\nYour output: ",
 * ); // true
 * ```
 */
export function yesNoJudgePrompt(question: string, prediction: string): string {
  return "You are an AI assistant who will help me to match an answer with two options of a " +
    "question. The options are only Yes / No. You are provided with a question and an answer, " +
    "and you need to find which option (Yes / No) is most similar to the answer. If the meaning " +
    "of all options are significantly different from the answer, output Unknown. Your should " +
    "output a single word among the following 3 choices: Yes, No, Unknown.\n" +
    "Example 1: \n" +
    "Question: Is the word in this image 'Hello'?\n" +
    "Answer: The word in this image is 'Hello'.\nYour output: Yes\n" +
    "Example 2: \n" +
    "Question: Is the word in this image 'Hello'?\n" +
    "Answer: The word in this image is not 'Hello'.\nYour output: No\n" +
    "Example 3: \n" +
    `Question: ${question}?\nAnswer: ${prediction}\nYour output: `;
}

/**
 * Asks the judge about one prediction, as VLMEvalKit's `YOrN_auxeval`: up to
 * {@linkcode YES_NO_JUDGE_TRIES} questions, try i (1-based) at temperature `0.5 × (i - 1)`; an
 * answer holding `Failed to obtain answer via API` is only another try; otherwise
 * `YOrN_Extraction` of the answer, and the first Yes or No decides. After the last try the row
 * stays `Unknown`, method `judge-failed`.
 */
export async function judgeYesNoAnswer(
  prompt: string,
  judge: JudgeFn,
  index: string,
): Promise<JudgedYesNo> {
  const answers: string[] = [];
  for (let attempt = 1; attempt <= YES_NO_JUDGE_TRIES; attempt++) {
    const temperature = yesNoJudgeTemperature(attempt);
    const answer = await judge(prompt, { index, attempt, temperature });
    answers.push(answer);
    if (answer.includes(API_FAILURE_MARK)) continue;
    const extracted = extractYesNo(answer);
    if (extracted !== "Unknown") return { extracted, method: "judge", answers, log: answer };
  }
  return {
    extracted: "Unknown",
    method: "judge-failed",
    answers,
    log: `The judge answered neither Yes nor No in ${YES_NO_JUDGE_TRIES} tries (scored ` +
      `Unknown): ${answers.map((a) => JSON.stringify(a)).join("; ")}`,
  };
}

/**
 * The judge phase of yes/no scoring, run on {@linkcode scoreYesNo}'s result: every
 * `unresolved` row (the heuristics read `Unknown`) goes to the judge with
 * {@linkcode yesNoJudgePrompt} ({@linkcode judgeYesNoAnswer}) and becomes `judge` with the
 * judge's Yes/No or `judge-failed`/Unknown; its `log` holds the judge's answer. Rows the
 * heuristics read, and recorded failures, are never sent. Returns a new score (per-row
 * results, counts and the same rating recomputed); `scored` is not modified.
 *
 * @example
 * ```ts
 * import { judgeYesNo, scoreYesNo } from "@vlmeval/scoring";
 * const rows = [{ index: "1", question: "Is it red", answer: "Yes", prediction: "It is red" }];
 * const judged = await judgeYesNo(rows, scoreYesNo(rows), () => Promise.resolve("Yes"));
 * judged.perRow[0].method; // "judge"
 * ```
 */
export async function judgeYesNo(
  rows: readonly Row[],
  scored: YesNoScore,
  judge: JudgeFn,
  opts: JudgeYesNoOptions = {},
): Promise<YesNoScore> {
  const perRow: YesNoRowScore[] = scored.perRow.map((r) => ({ ...r }));
  const pending = perRow.map((_, k) => k).filter((k) => perRow[k].method === "unresolved");
  await forEachLimited(pending, opts.concurrency ?? 4, async (k) => {
    const prompt = yesNoJudgePrompt(rows[k].question ?? "", perRow[k].prediction);
    const verdict = await judgeYesNoAnswer(prompt, judge, perRow[k].index);
    perRow[k] = {
      ...perRow[k],
      extracted: verdict.extracted,
      method: verdict.method,
      score: yesNoHit(perRow[k].answer, verdict.extracted, scored.rating),
      log: verdict.log,
    };
  });
  return summarizeYesNo(rows, perRow, scored.rating);
}
