import { parsePythonStringList } from "@vlmeval/internal";
import { pyFloat } from "@vlmeval/internal";
import { pyListRepr, type PyReprItem } from "../_python_repr.ts";
import { pyLen, pySplit, pyStrip } from "@vlmeval/internal";
import { normalizeVqaAnswer } from "./vqa_normalize.ts";

/**
 * How VLMEvalKit's `process_line` compares a prediction with each answer: `vqa_score` (the VQA
 * 10-annotator rule), `anls` (normalised Levenshtein distance), `relaxed_accuracy` (5% numeric
 * tolerance) or `accuracy` (stripped, case-insensitive equality).
 */
export type VqaMethod = "vqa_score" | "anls" | "relaxed_accuracy" | "accuracy";

/** What `process_line` gives for one row. */
export interface VqaLineMatch {
  /** The answers as compared (VQA-normalised for `vqa_score`, else as given). */
  gt: string[];
  /** The prediction as compared (normalised, stripped, or as given for `anls`). */
  pred: string;
  /**
   * One value per answer: the VQA score, the ANLS distance (0 is identical), or 1/0 for the
   * relaxed and exact rules.
   */
  match: number[];
  /** `match` as Python's `str(list)` prints it (`[1, 0.3333333333333333]`, `[True, False]`). */
  matchText: string;
}

/**
 * The answers of a VQA row as VLMEvalKit's `istype(answer, list)` / `eval` reads them: the
 * strings of a Python list literal (whitespace around it allowed), else the cell as one answer.
 * Where a list holds non-strings (`[1, 2]`) VLMEvalKit crashes; here the cell is one answer.
 */
export function vqaAnswerList(cell: string): string[] {
  if (!pyStrip(cell).startsWith("[")) return [cell];
  try {
    return parsePythonStringList(cell);
  } catch {
    return [cell];
  }
}

/**
 * VLMEvalKit's `relaxed_correctness` (from pix2struct, vqa_eval.py:175): when both texts read as
 * Python floats (`12%` is 0.12, trailing `%`s all removed) and the target is not zero, the
 * relative change must be at most `maxRelativeChange`; otherwise case-insensitive equality.
 * Kept quirks: a zero target (`0`, `0.0`, `-0`) falls back to text equality, so `0.0` does not
 * match `0`; an infinite or NaN target never matches; Python's `float` accepts `1_000`, `1e2`,
 * `inf` and digits of any script.
 *
 * @example
 * ```ts
 * import { relaxedCorrectness } from "@vlmeval/scoring";
 * relaxedCorrectness("10", "10.4"); // true
 * relaxedCorrectness("0", "0.0"); // false
 * ```
 */
export function relaxedCorrectness(
  target: string,
  prediction: string,
  maxRelativeChange = 0.05,
): boolean {
  const toFloat = (text: string) => {
    const percent = text.endsWith("%");
    const value = pyFloat(percent ? text.replace(/%+$/, "") : text);
    return value === undefined ? undefined : percent ? value / 100 : value;
  };
  const predicted = toFloat(prediction);
  const expected = toFloat(target);
  if (predicted !== undefined && expected !== undefined && expected !== 0) {
    return Math.abs(predicted - expected) / Math.abs(expected) <= maxRelativeChange;
  }
  return prediction.toLowerCase() === target.toLowerCase();
}

/** VLMEvalKit's `levenshtein_distance`: edits between two strings, counted in code points. */
export function levenshteinDistance(a: string, b: string): number {
  let s1 = [...a];
  let s2 = [...b];
  if (s1.length > s2.length) [s1, s2] = [s2, s1];
  let distances = Array.from({ length: s1.length + 1 }, (_, k) => k);
  for (let i2 = 0; i2 < s2.length; i2++) {
    const next = [i2 + 1];
    for (let i1 = 0; i1 < s1.length; i1++) {
      next.push(
        s1[i1] === s2[i2]
          ? distances[i1]
          : 1 + Math.min(distances[i1], distances[i1 + 1], next[next.length - 1]),
      );
    }
    distances = next;
  }
  return distances[distances.length - 1];
}

/**
 * VLMEvalKit's `anls_compute` (vqa_eval.py:233): the Levenshtein distance between the stripped,
 * lowercased, whitespace-collapsed texts, divided by the longer of the two RAW texts' uppercase
 * lengths (a quirk: surrounding spaces and `ß`→`SS` lengthen the divisor). 0 for two empty texts.
 * A distance: 0 is identical.
 *
 * @example
 * ```ts
 * import { anlsCompute } from "@vlmeval/scoring";
 * anlsCompute("abc", "abd"); // 0.3333333333333333
 * ```
 */
export function anlsCompute(groundtruth: string, prediction: string): number {
  const collapse = (text: string) => pySplit(pyStrip(text).toLowerCase()).join(" ");
  const dist = levenshteinDistance(collapse(groundtruth), collapse(prediction));
  const length = Math.max(pyLen(groundtruth.toUpperCase()), pyLen(prediction.toUpperCase()));
  return length === 0 ? 0 : dist / length;
}

/**
 * The VQA score of each answer, as VLMEvalKit's `process_line(method='vqa_score')`: for answer
 * i, how many OTHER answers equal the prediction, over 3, capped at 1. A row with one answer
 * therefore always scores 0 (VLMEvalKit's quirk, kept).
 */
function vqaScores(gt: readonly string[], pred: string): number[] {
  return gt.map((_, current) => {
    const matching = gt.filter((answer, k) => k !== current && answer === pred).length;
    return Math.min(1, matching / 3);
  });
}

/**
 * VLMEvalKit's `process_line` (vqa_eval.py:251) for one row: the answers from the `answer` cell
 * ({@linkcode vqaAnswerList}), then per method: `vqa_score` normalises both sides with
 * `process_answer` and scores each answer against the others; `anls` gives
 * {@linkcode anlsCompute} per answer with the prediction as is; `relaxed_accuracy` strips the
 * prediction and gives {@linkcode relaxedCorrectness}; `accuracy` compares stripped, lowercased
 * texts.
 */
export function processVqaLine(
  answer: string,
  prediction: string,
  method: VqaMethod,
): VqaLineMatch {
  const answers = vqaAnswerList(answer);
  switch (method) {
    case "vqa_score": {
      const gt = answers.map(normalizeVqaAnswer);
      const pred = normalizeVqaAnswer(prediction);
      const match = vqaScores(gt, pred);
      // min(1, n / 3) is the int 1 once n >= 3, else a float.
      return withText(gt, pred, match, (v) => v >= 1 ? { int: 1 } : { float: v });
    }
    case "anls":
      return withText(
        answers,
        prediction,
        answers.map((gt) => anlsCompute(gt, prediction)),
        (v) => ({ float: v }),
      );
    case "relaxed_accuracy": {
      const pred = pyStrip(prediction);
      const match = answers.map((gt) => relaxedCorrectness(gt, pred) ? 1 : 0);
      return withText(answers, pred, match, (v) => ({ bool: v === 1 }));
    }
    case "accuracy": {
      const pred = pyStrip(prediction);
      const lower = pred.toLowerCase();
      const match = answers.map((gt) => pyStrip(gt).toLowerCase() === lower ? 1 : 0);
      return withText(answers, pred, match, (v) => ({ float: v }));
    }
  }
}

function withText(
  gt: string[],
  pred: string,
  match: number[],
  item: (value: number) => PyReprItem,
): VqaLineMatch {
  return { gt, pred, match, matchText: pyListRepr(match.map(item)) };
}
