import assert from "node:assert/strict";
import { assemblePrompt, mcqPromptText, promptText, rowOptions } from "./prompt.ts";

Deno.test("mcqPromptText() lists present options from A to Z whatever the column order", () => {
  const row = { index: "1", question: "Q?", C: "c", A: "a", B: "", E: "e", hint: "" };
  assert.deepEqual(rowOptions(row), [["A", "a"], ["C", "c"], ["E", "e"]]);
  assert.equal(
    mcqPromptText(row),
    "Question: Q?\nOptions:\nA. a\nC. c\nE. e\nPlease select the correct answer from the options above. \n",
  );
});

Deno.test("mcqPromptText() adds the hint line only when the hint is not empty", () => {
  assert.equal(
    mcqPromptText({ question: "Q", hint: "H\nmore", A: "x", B: "y" }),
    "Hint: H\nmore\nQuestion: Q\nOptions:\nA. x\nB. y\nPlease select the correct answer from the options above. \n",
  );
  assert.equal(mcqPromptText({ question: "Q", hint: " " }), "Hint:  \nQuestion: Q\n");
  assert.equal(mcqPromptText({ question: "No options" }), "Question: No options\n");
});

Deno.test("promptText() uses the question for yes/no and adds the VQA suffix", () => {
  assert.equal(promptText("yorn", { question: "Is it red?" }), "Is it red?");
  assert.equal(
    promptText("vqa", { question: "Color?" }),
    "Color?\nAnswer the question using a single word or phrase.",
  );
});

Deno.test("assemblePrompt() puts every image first, then one text item", () => {
  assert.deepEqual(assemblePrompt("yorn", { question: "Q" }, ["/a.png", "/b.jpg"]), [
    { type: "image", value: "/a.png" },
    { type: "image", value: "/b.jpg" },
    { type: "text", value: "Q" },
  ]);
  assert.deepEqual(assemblePrompt("vqa", { question: "Q" }, []).length, 1);
});
