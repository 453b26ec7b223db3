import type { Row } from "@vlmeval/schema";
import { canInfer, type CanInferOptions, type Choices } from "./can_infer.ts";
import { API_FAILURE_MARK, forEachLimited } from "../_judge_common.ts";
import { pyStrip } from "@vlmeval/internal";
import { rowGroups } from "../_row_fields.ts";
import { buildChoices, type McqRowScore, type McqScore } from "./score_mcq.ts";
import type {
  CircularGroupScore,
  CircularMcqScore,
  CircularRotation,
} from "./score_mcq_circular.ts";
import { reportAcc } from "../score_table.ts";

/** Questions VLMEvalKit asks its judge about one prediction before giving up (`retry = 3`). */
export const JUDGE_TRIES = 3;

/** Which question the judge is asked, and the how-many-th time (1-based). */
export interface JudgeRequest {
  /** The row's `index`. */
  index: string;
  /**
   * 1 for the first question about this row, up to {@linkcode JUDGE_TRIES} (multiple choice) or
   * `YES_NO_JUDGE_TRIES` (yes/no).
   */
  attempt: number;
  /**
   * The sampling temperature this attempt asks for (yes/no: `0.5 × (attempt - 1)`, as
   * VLMEvalKit's `YOrN_auxeval`); absent: the judge model's own (multiple choice).
   */
  temperature?: number;
  /**
   * The most tokens the answer may take, where VLMEvalKit's `build_judge(max_tokens=...)` sets it
   * (MathVista 128, MMVet 2048); absent: the judge model's own.
   */
  maxTokens?: number;
}

/**
 * Asks the judge model one prompt and resolves to its raw answer. A failed call should resolve
 * to VLMEvalKit's `Failed to obtain answer via API...` text (as API models do after their own
 * retries); a rejection aborts the whole judge phase.
 */
export type JudgeFn = (prompt: string, request: JudgeRequest) => Promise<string>;

/** Options of {@linkcode judgeMcq} and {@linkcode judgeMcqCircular}. */
export interface JudgeMcqOptions extends CanInferOptions {
  /** Rows (vanilla) or question groups (circular) judged at once. @default {4} */
  concurrency?: number;
}

/** What the judge made of one prediction. */
export interface JudgedAnswer {
  /** The letter the judge named (`Z` included), or `Z` when it named none. */
  letter: string;
  /** `judge` when a try gave a letter, `judge-failed` after {@linkcode JUDGE_TRIES} tries. */
  method: "judge" | "judge-failed";
  /** Every raw answer the judge gave, in order. */
  answers: string[];
  /** The deciding answer, or a line naming every answer when the judge failed. */
  log: string;
}

/**
 * VLMEvalKit's `build_option_str`: `There are several options: \n` then `<letter>. <text>\n`
 * per option, in letter order.
 */
export function buildOptionStr(choices: Choices): string {
  let text = "There are several options: \n";
  for (const [letter, content] of Object.entries(choices)) text += `${letter}. ${content}\n`;
  return text;
}

/** VLMEvalKit's `cn_string`: whether the text holds a CJK unified ideograph (U+4E00-U+9FFF). */
export function hasCjk(text: string): boolean {
  return /[\u4e00-\u9fff]/.test(text);
}

/** VLMEvalKit's English judge prompt (`build_prompt`), byte for byte. */
export function buildJudgePrompt(question: string, options: string, prediction: string): string {
  return "You are an AI assistant who will help me to match " +
    "an answer with several options of a single-choice question. " +
    "You are provided with a question, several options, and an answer, " +
    "and you need to find which option is most similar to the answer. " +
    "If the meaning of all options are significantly different from the answer, output Z. " +
    "Your should output a single uppercase character in A, B, C, D (if they are valid options), " +
    "and Z. \n" +
    "Example 1: \n" +
    "Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n" +
    "Answer: a cute teddy bear\nYour output: A\n" +
    "Example 2: \n" +
    "Question: What is the main object in image?\nOptions: A. teddy bear B. rabbit C. cat D. dog\n" +
    "Answer: Spider\nYour output: Z\n" +
    "Example 3: \n" +
    `Question: ${question}?\nOptions: ${options}\nAnswer: ${prediction}\nYour output: `;
}

/** VLMEvalKit's Chinese judge prompt (`build_prompt_cn`), byte for byte. */
export function buildJudgePromptCn(question: string, options: string, prediction: string): string {
  return "你是一个帮助我匹配答案与单选题中多个选项的 AI 助手。" +
    "你会被提供：一个问题，多个选项，一个答案。你的任务是找到与答案意义最相近的选项。" +
    "如果所有选项的意义都与答案显著不同，则输出 Z。" +
    "你应该输出一个单个的大写字母，例如 A, B, C, D（如果它们是有效选项），或 Z。" +
    "例 1:" +
    "问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n答案: 一只可爱的泰迪熊\n输出: A\n" +
    "例 2: \n" +
    "问题: 图中最主要的物体是什么?\n选项: A. 泰迪熊 B. 兔子 C. 猫 D. 狗\n答案: 蜘蛛\n输出: Z\n" +
    "例 3: \n" +
    `问题: ${question}?\n选项: ${options}\n答案: ${prediction}\n输出: `;
}

/**
 * The judge prompt for one row, as VLMEvalKit's `extract_answer_from_item` builds it: the
 * prediction stripped, the options as {@linkcode buildOptionStr}, the Chinese template when the
 * question holds CJK characters, else the English one.
 */
export function judgePromptFor(question: string, choices: Choices, prediction: string): string {
  const build = hasCjk(question) ? buildJudgePromptCn : buildJudgePrompt;
  return build(question, buildOptionStr(choices), pyStrip(prediction));
}

/**
 * Asks the judge about one prediction, as VLMEvalKit's `extract_answer_from_item` does once the
 * heuristics failed: up to {@linkcode JUDGE_TRIES} questions; an answer holding
 * `Failed to obtain answer via API` is only another try; otherwise `can_infer` on the judge's
 * answer, and a hit is the letter. After the last try the result is `Z`/`judge-failed`, where
 * VLMEvalKit draws an unseeded random letter.
 */
export async function judgeAnswer(
  prompt: string,
  choices: Choices,
  judge: JudgeFn,
  index: string,
  opts: CanInferOptions = {},
): Promise<JudgedAnswer> {
  const answers: string[] = [];
  for (let attempt = 1; attempt <= JUDGE_TRIES; attempt++) {
    const answer = await judge(prompt, { index, attempt });
    answers.push(answer);
    if (answer.includes(API_FAILURE_MARK)) continue;
    const letter = canInfer(answer, choices, opts);
    if (letter) return { letter, method: "judge", answers, log: answer };
  }
  return {
    letter: "Z",
    method: "judge-failed",
    answers,
    log: `The judge placed no option in ${JUDGE_TRIES} tries (scored Z): ` +
      answers.map((a) => JSON.stringify(a)).join("; "),
  };
}

function questionOf(row: Row): string {
  return row.question ?? "";
}

/**
 * The judge phase of vanilla multiple-choice scoring, run on {@linkcode scoreMcq}'s result:
 * every `unresolved` row (no heuristic placed it) goes to the judge ({@linkcode judgeAnswer}),
 * and becomes `judge` with the judge's letter or `judge-failed`/`Z`; its `log` holds the judge's
 * answer. Rows the heuristics placed, and recorded failures, are never sent. Returns a new
 * score (per-row results, counts and report recomputed); `scored` is not modified.
 *
 * @example
 * ```ts
 * import { judgeMcq, scoreMcq } from "@vlmeval/scoring";
 * const rows = [{ index: "1", question: "Pet?", A: "cat", B: "dog", answer: "B", prediction: "woof" }];
 * const judged = await judgeMcq(rows, scoreMcq(rows), () => Promise.resolve("B"));
 * judged.perRow[0].method; // "judge"
 * ```
 */
export async function judgeMcq(
  rows: readonly Row[],
  scored: McqScore,
  judge: JudgeFn,
  opts: JudgeMcqOptions = {},
): Promise<McqScore> {
  const perRow: McqRowScore[] = scored.perRow.map((r) => ({ ...r }));
  const pending = perRow.map((_, k) => k).filter((k) => perRow[k].method === "unresolved");
  await forEachLimited(pending, opts.concurrency ?? 4, async (k) => {
    const row = rows[k];
    const choices = buildChoices(row);
    const prompt = judgePromptFor(questionOf(row), choices, perRow[k].prediction);
    const verdict = await judgeAnswer(prompt, choices, judge, perRow[k].index, opts);
    perRow[k] = {
      ...perRow[k],
      extracted: verdict.letter,
      method: verdict.method,
      hit: verdict.letter === perRow[k].answer ? 1 : 0,
      log: verdict.log,
    };
  });
  const byMethod = { ...scored.counts.byMethod };
  for (const k of pending) {
    byMethod.unresolved--;
    byMethod[perRow[k].method]++;
  }
  return {
    perRow,
    report: reportAcc(perRow.map((r, k) => rowGroups(rows[k], r.hit))),
    counts: {
      ...scored.counts,
      hits: perRow.reduce((sum, r) => sum + r.hit, 0),
      unresolved: byMethod.unresolved,
      byMethod,
    },
  };
}

/**
 * The judge phase of circular scoring, run on {@linkcode scoreMcqCircular}'s result, as
 * VLMEvalKit's `eval_circular_group`: only groups the prefetch left `unresolved` (no wrong
 * rotation, some unplaced) are judged. Their unplaced rotations go to the judge one by one, in
 * the group's order; the first whose judged letter differs from its answer makes the group
 * `wrong` (the log names the rotation, the letter and the judge's answer) and the rest of the
 * group is not asked about; when every one is right the group is a `hit`. Groups are judged
 * `concurrency` at a time. Returns a new score; `scored` is not modified.
 */
export async function judgeMcqCircular(
  rows: readonly Row[],
  scored: CircularMcqScore,
  judge: JudgeFn,
  opts: JudgeMcqOptions = {},
): Promise<CircularMcqScore> {
  const groups: CircularGroupScore[] = scored.groups.map((g) => ({
    ...g,
    rotations: g.rotations.map((r) => ({ ...r })),
  }));
  const pending = groups.filter((g) => g.verdict === "unresolved");
  // Rows of groups without a main row are not reported, so only judged rows change methods.
  const byMethod = { ...scored.counts.byMethod };
  await forEachLimited(pending, opts.concurrency ?? 4, async (group) => {
    const judged: string[] = [];
    for (const rotation of group.rotations) {
      if (rotation.method !== "unresolved") continue;
      const row = rows[rotation.position];
      const choices = buildChoices(row);
      const prompt = judgePromptFor(questionOf(row), choices, row.prediction ?? "");
      const verdict = await judgeAnswer(prompt, choices, judge, row.index ?? "", opts);
      rotation.method = verdict.method;
      rotation.letter = verdict.letter;
      byMethod.unresolved--;
      byMethod[verdict.method]++;
      if (verdict.letter !== rotation.answer) {
        group.verdict = "wrong";
        group.hit = 0;
        group.log = wrongLog(rotation, verdict);
        return;
      }
      judged.push(
        `Rolling ${rotation.rotation} judged ${verdict.letter} (judge answer: ${
          JSON.stringify(verdict.log)
        })`,
      );
    }
    group.verdict = "hit";
    group.hit = 1;
    group.log = `Succeed with the judge: all ${group.rotations.length} rotations answered ` +
      `right; ${judged.join("; ")}`;
  });
  return {
    groups,
    report: reportAcc(groups.map((g) => rowGroups(rows[g.mainPosition], g.hit))),
    counts: {
      ...scored.counts,
      hits: groups.reduce((sum, g) => sum + g.hit, 0),
      unresolved: groups.filter((g) => g.verdict === "unresolved").length,
      judged: scored.counts.judged + pending.length,
      byMethod,
    },
  };
}

function wrongLog(rotation: CircularRotation, verdict: JudgedAnswer): string {
  const head = `Failed in Rolling ${rotation.rotation}: Answer is ${rotation.answer}`;
  return verdict.method === "judge-failed"
    ? `${head}, ${verdict.log}`
    : `${head}, the judge chose ${verdict.letter} (judge answer: ${JSON.stringify(verdict.log)})`;
}
