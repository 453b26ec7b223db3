import assert from "node:assert/strict";
import { normalizeVqaAnswer, processDigitArticle, processPunctuation } from "./vqa_normalize.ts";

Deno.test("processPunctuation() deletes marks touching spaces, spaces out the others", () => {
  assert.equal(processPunctuation("red/blue"), "red blue");
  assert.equal(processPunctuation("red / blue"), "red  blue");
  assert.equal(processPunctuation("1,000 (approx)"), "1000 approx");
  assert.equal(processPunctuation("Yes. It is 3.5"), "Yes It is 3.5");
  assert.equal(processPunctuation("it's"), "it's");
});

Deno.test("processPunctuation() removes only the first 32 periods (VLMEvalKit's re.sub count)", () => {
  assert.equal(processPunctuation(".".repeat(40)), "........");
});

Deno.test("processDigitArticle() maps number words, drops articles, fixes contractions", () => {
  assert.equal(processDigitArticle("The  Two dogs"), "2 dogs");
  assert.equal(processDigitArticle("an apple and none"), "apple and 0");
  assert.equal(processDigitArticle("dont know whats that"), "don't know what's that");
  assert.equal(processDigitArticle("constructor toString"), "constructor tostring");
});

Deno.test("normalizeVqaAnswer() chains the VQA normalisation steps", () => {
  assert.equal(normalizeVqaAnswer("  The Two dogs.\n"), "2 dogs");
  assert.equal(normalizeVqaAnswer("two dogs"), "2 dogs");
  assert.equal(normalizeVqaAnswer("A red-and-blue\tflag!"), "red and blue flag");
});

Deno.test("processPunctuation() keeps a period that follows a digit, as VLMEvalKit's (?<!\\d)", () => {
  assert.equal(processPunctuation("3. apples"), "3. apples");
  assert.equal(processPunctuation("10."), "10.");
  assert.equal(processPunctuation("No. 3"), "No 3");
});
