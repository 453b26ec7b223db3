import assert from "node:assert/strict";
import { canInfer, canInferOption, canInferText } from "./can_infer.ts";

const ANIMALS = { A: "dog", B: "cat", C: "bird", D: "fish" };

/** [prediction, choices, expected can_infer result, why]. */
const CASES: [string, Record<string, string>, string | false, string][] = [
  ["A", ANIMALS, "A", "bare letter"],
  ["(B)", ANIMALS, "B", "parenthesised letter"],
  ["C.", ANIMALS, "C", "letter with period"],
  ["The answer is D", ANIMALS, "D", "letter among the last 4 tokens"],
  ["**B**", ANIMALS, "B", "markdown bold"],
  ["[C] fish", ANIMALS, "C", "brackets"],
  ["Option: {D}!", ANIMALS, "D", "colon, braces, exclamation"],
  ["I think it is B", ANIMALS, "B", "letter is the last of 5 tokens"],
  ["a", ANIMALS, false, "lowercase letters are not options"],
  ["b)", ANIMALS, false, "lowercase letter with parenthesis"],
  ["B is my pick for this one here", ANIMALS, false, "letter outside the last 4 tokens"],
  ["B is my pick, a small bird", ANIMALS, "C", "option too early, then the text of C"],
  ["A B", ANIMALS, false, "two letters: ambiguous, and no option text"],
  ["Answer: A is wrong, it is B", ANIMALS, false, "two letters, and 'Answer:' is not 'answer is'"],
  ["C", { A: "dog", B: "cat" }, false, "a letter that is not a choice"],
  ["Z", ANIMALS, "Z", "Z token with no choice letter"],
  ["I pick Z or A", ANIMALS, "A", "a choice letter wins over Z"],
  ["Sorry, I can't help with images of people yet.", ANIMALS, "Z", "refusal"],
  ["Cannot determine the answer from this picture, A", ANIMALS, "Z", "refusal beats letters"],
  ["I'm sorry, but without the image provided I cannot say", ANIMALS, "Z", "refusal"],
  ["the answer is a dog", ANIMALS, "A", "VLMEvalKit quirk: 'answer is a' reads as A"],
  ["the answer is apple", ANIMALS, "A", "quirk: no word boundary after the letter"],
  [
    "Thus the correct answer is **C** because of the wings and feathers seen",
    ANIMALS,
    "C",
    "regex",
  ],
  [
    "Therefore, the ANSWER IS b, as shown in the long reasoning above",
    ANIMALS,
    "B",
    "regex ignores case",
  ],
  [
    "answer is (B) because of whiskers and a tail, clearly visible",
    ANIMALS,
    false,
    "regex needs no '(' and text has no option",
  ],
  ["The answer is E", { A: "x", B: "y", C: "z", D: "w", E: "v" }, "E", "token rule covers E"],
  [
    "so the answer is E, since it fits the sketch in every respect",
    { A: "1", E: "5" },
    false,
    "regex only covers A-D",
  ],
  [
    "the answer is D, the one with gills",
    { A: "dog", B: "cat" },
    false,
    "regex letter must be a choice",
  ],
  ["It is a cat.", ANIMALS, "B", "option text"],
  ["DOG", ANIMALS, "A", "option text ignores case"],
  ["a cat and a dog", ANIMALS, false, "two option texts: ambiguous"],
  ["dark red", { A: "red", B: "dark red" }, false, "nested option texts are ambiguous"],
  ["12", { A: "1", B: "12" }, false, "numeric options nested"],
  ["（B）", ANIMALS, false, "full-width parentheses are not punctuation here"],
  ["答案\u3000B", ANIMALS, "B", "U+3000 separates tokens as in Python"],
  ["答案是B", ANIMALS, false, "no separator, no token"],
  ["Failed to obtain answer via API.", ANIMALS, false, "API failure skips option matching"],
  [
    "Failed to obtain answer via API. cat",
    ANIMALS,
    false,
    "text matching still runs, but too long",
  ],
  ["", ANIMALS, false, "empty"],
];

Deno.test("canInfer() follows VLMEvalKit's extraction case table", () => {
  for (const [prediction, choices, expected, why] of CASES) {
    assert.equal(canInfer(prediction, choices), expected, `${JSON.stringify(prediction)}: ${why}`);
  }
});

Deno.test("canInferOption() verbose rule: 'A' might be a quantifier", () => {
  const choices = { A: "dog", B: "cat" };
  assert.equal(canInferOption("I choose A here", choices), "A");
  assert.equal(canInferOption("I choose A here", choices, { verbose: true }), false);
  assert.equal(canInferOption("A.", choices, { verbose: true }), "A");
  assert.equal(canInferOption("so the answer is A ok", choices, { verbose: true }), false);
});

Deno.test("canInferText() applies the length guard and leaves choices untouched", () => {
  const choices = Object.freeze({ A: "Cat", B: "Dog" });
  assert.equal(canInferText("a CAT", choices), "A");
  assert.equal(canInferText("a cat, a cat", choices), "A");
  assert.equal(canInferText("a cat, a cat!", choices), false);
  assert.equal(canInferText("cat".padEnd(12, "!"), choices), "A");
  assert.equal(canInferText("cat".padEnd(13, "!"), choices), false);
  assert.equal(canInferText("😀😀😀😀😀😀😀😀😀😀😀cat", choices), false);
  assert.deepEqual(choices, { A: "Cat", B: "Dog" });
});
