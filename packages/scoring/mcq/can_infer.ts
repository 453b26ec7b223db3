import { PY_WHITESPACE, pyLen, pySplit } from "@vlmeval/internal";

/** Option letter to option text for the options present in a row (VLMEvalKit's `choices`). */
export type Choices = Readonly<Record<string, string>>;

/** Answers that mean "the model refused or could not see the image": extracted as `Z`. */
export const REFUSAL_STRINGS: readonly string[] = [
  "Sorry, I can't help with images of people yet.",
  "I can't process this file.",
  "I'm sorry, but without the image provided",
  "Cannot determine the answer",
];

/** VLMEvalKit skips option matching (not text matching) for answers containing this. */
const API_FAILURE_MARK = "Failed to obtain answer via API";

/** The 13 characters `can_infer_option` turns into spaces before splitting into tokens. */
export const OPTION_PUNCTUATION = ".()[],:;!*#{}";

/** Options of {@linkcode canInferOption} and {@linkcode canInfer}. */
export interface CanInferOptions {
  /**
   * VLMEvalKit's `VERBOSE` rule: when true and `A` is a token of an answer with more than 3
   * tokens, option matching gives up at once ("A might be a quantifier"). VLMEvalKit turns it on
   * with any non-empty `VERBOSE` environment variable; here it is an explicit switch.
   * @default false
   */
  verbose?: boolean;
}

const ANSWER_IS = new RegExp(
  `(?:correct[${PY_WHITESPACE}]+)?answer[${PY_WHITESPACE}]+is[${PY_WHITESPACE}]+\\**([ABCD])\\**`,
  "iu",
);

/**
 * VLMEvalKit's `can_infer_option` (matching_util.py, after #1175 and #1552), step for step:
 * API failure text gives `false`; a refusal string gives `Z`; the 13 punctuation characters
 * become spaces and the answer is split on whitespace; exactly one distinct choice letter among
 * the tokens is returned when its first occurrence is among the last 4 tokens; no choice letter
 * but a `Z` token gives `Z`; finally a case-insensitive `answer is X` (X in A-D, optionally with
 * `*`s) anywhere in the text gives X when X is a choice. Otherwise `false`.
 *
 * The regex keeps VLMEvalKit's quirk that `the answer is a dog` reads as option A.
 *
 * @example
 * ```ts
 * import { canInferOption } from "@vlmeval/scoring";
 * canInferOption("(B) a cat", { A: "dog", B: "cat" }); // "B"
 * ```
 */
export function canInferOption(
  answer: string,
  choices: Choices,
  opts: CanInferOptions = {},
): string | false {
  if (answer.includes(API_FAILURE_MARK)) return false;
  if (REFUSAL_STRINGS.some((refusal) => answer.includes(refusal))) return "Z";
  let spaced = answer;
  for (const ch of OPTION_PUNCTUATION) spaced = spaced.replaceAll(ch, " ");
  const tokens = pySplit(spaced);
  const letters = Object.keys(choices);
  const found = letters.filter((letter) => tokens.includes(letter));
  if (found.length === 1) {
    if (opts.verbose && tokens.includes("A") && tokens.length > 3) return false;
    const letter = found[0];
    if (tokens.indexOf(letter) > tokens.length - 5) return letter;
  } else if (found.length === 0 && tokens.includes("Z")) {
    return "Z";
  }
  const match = ANSWER_IS.exec(answer);
  if (match) {
    const letter = match[1].toUpperCase();
    if (Object.hasOwn(choices, letter)) return letter;
  }
  return false;
}

/**
 * VLMEvalKit's `can_infer_text`: the lowercased answer, if not longer than twice the total length
 * of the option texts, must contain exactly one option's lowercased text. Unlike VLMEvalKit, the
 * caller's `choices` are not modified.
 */
export function canInferText(answer: string, choices: Choices): string | false {
  const lower = answer.toLowerCase();
  const total = Object.values(choices).reduce((sum, text) => sum + pyLen(text), 0);
  if (pyLen(lower) > 2 * total) return false;
  const candidates = Object.keys(choices).filter((letter) =>
    lower.includes(choices[letter].toLowerCase())
  );
  return candidates.length === 1 ? candidates[0] : false;
}

/** VLMEvalKit's `can_infer`: option matching, then option text matching. */
export function canInfer(
  answer: string,
  choices: Choices,
  opts: CanInferOptions = {},
): string | false {
  return canInferOption(answer, choices, opts) || canInferText(answer, choices);
}
