import assert from "node:assert/strict";
import { VLMEVALKIT_CASES } from "../_vlmevalkit_fixture.ts";
import { normalizeVqaAnswer } from "./vqa_normalize.ts";
import {
  anlsCompute,
  levenshteinDistance,
  processVqaLine,
  relaxedCorrectness,
  vqaAnswerList,
  type VqaMethod,
} from "./vqa_match.ts";

Deno.test("normalizeVqaAnswer() matches VLMEvalKit's process_answer on every fixture case", () => {
  for (const { input, output } of VLMEVALKIT_CASES.process_answer) {
    assert.equal(normalizeVqaAnswer(input), output, JSON.stringify(input));
  }
});

Deno.test("relaxedCorrectness() matches VLMEvalKit's relaxed_correctness on every fixture case", () => {
  for (const { target, prediction, output } of VLMEVALKIT_CASES.relaxed_correctness) {
    assert.equal(relaxedCorrectness(target, prediction), output, `${target} vs ${prediction}`);
  }
});

Deno.test("relaxedCorrectness() takes another tolerance", () => {
  assert.equal(relaxedCorrectness("100", "109", 0.1), true);
  assert.equal(relaxedCorrectness("100", "111", 0.1), false);
});

Deno.test("anlsCompute() matches VLMEvalKit's anls_compute on every fixture case", () => {
  for (const { groundtruth, prediction, output } of VLMEVALKIT_CASES.anls_compute) {
    assert.equal(anlsCompute(groundtruth, prediction), output, `${groundtruth} vs ${prediction}`);
  }
});

Deno.test("levenshteinDistance() counts code points, in either order", () => {
  assert.equal(levenshteinDistance("kitten", "sitting"), 3);
  assert.equal(levenshteinDistance("sitting", "kitten"), 3);
  assert.equal(levenshteinDistance("\u{1F600}", "a"), 1);
  assert.equal(levenshteinDistance("", "abc"), 3);
});

Deno.test("processVqaLine() matches VLMEvalKit's process_line, gt, pred and str(match)", () => {
  for (const c of VLMEVALKIT_CASES.process_line) {
    const got = processVqaLine(c.answer, c.prediction, c.method as VqaMethod);
    const what = `${c.method} ${c.answer} / ${c.prediction}`;
    assert.deepEqual(got.gt, c.gt, what);
    assert.equal(got.pred, c.pred, what);
    assert.deepEqual(got.match, c.match.map(Number), what);
    assert.equal(got.matchText, c.match_repr, what);
  }
});

Deno.test("vqaAnswerList() reads string list literals, else keeps the cell as one answer", () => {
  assert.deepEqual(vqaAnswerList(" ['a', \"b\"] "), ["a", "b"]);
  assert.deepEqual(vqaAnswerList("[cat]"), ["[cat]"]);
  // VLMEvalKit crashes on a list of numbers; here the cell is one answer.
  assert.deepEqual(vqaAnswerList("[1, 2]"), ["[1, 2]"]);
  assert.deepEqual(vqaAnswerList("[]"), []);
  assert.deepEqual(vqaAnswerList("cat"), ["cat"]);
});
