import assert from "node:assert/strict";
import type { JudgeRequest } from "../mcq/mcq_judge.ts";
import { scoreYesNo } from "./score_yes_no.ts";
import {
  judgeYesNo,
  judgeYesNoAnswer,
  YES_NO_JUDGE_TRIES,
  yesNoJudgePrompt,
  yesNoJudgeTemperature,
} from "./yes_no_judge.ts";

/** A judge that answers from a script and records every question. */
function scriptedJudge(answer: (prompt: string, request: JudgeRequest) => string) {
  const calls: { prompt: string; request: JudgeRequest }[] = [];
  const judge = (prompt: string, request: JudgeRequest) => {
    calls.push({ prompt, request });
    return Promise.resolve(answer(prompt, request));
  };
  return { judge, calls };
}

Deno.test("yesNoJudgePrompt() builds VLMEvalKit's YOrN_match_prompt byte for byte", () => {
  // YOrN_match_prompt's template with question and prediction in its two slots, unstripped.
  const expected =
    "You are an AI assistant who will help me to match an answer with two options of a question. The options are only Yes / No. You are provided with a question and an answer, and you need to find which option (Yes / No) is most similar to the answer. If the meaning of all options are significantly different from the answer, output Unknown. Your should output a single word among the following 3 choices: Yes, No, Unknown.\nExample 1: \nQuestion: Is the word in this image 'Hello'?\nAnswer: The word in this image is 'Hello'.\nYour output: Yes\nExample 2: \nQuestion: Is the word in this image 'Hello'?\nAnswer: The word in this image is not 'Hello'.\nYour output: No\nExample 3: \nQuestion: Is there a {cat} in the image?\nAnswer:  I can see a cat \nYour output: ";
  assert.equal(
    yesNoJudgePrompt("Is there a {cat} in the image", " I can see a cat "),
    expected,
  );
});

Deno.test("judgeYesNoAnswer(): tries at 0, 0.5, 1.0, ...; an API failure is another try", async () => {
  assert.deepEqual(
    Array.from({ length: YES_NO_JUDGE_TRIES }, (_, i) => yesNoJudgeTemperature(i + 1)),
    [0, 0.5, 1, 1.5, 2],
  );
  const replies = [
    "Unknown",
    // Holds the word "no", but an API failure is never read.
    "Failed to obtain answer via API. HTTP 500: no capacity (2 attempts)",
    "No.",
  ];
  const { judge, calls } = scriptedJudge((_, request) => replies[request.attempt - 1]);
  const verdict = await judgeYesNoAnswer("p", judge, "7");
  assert.deepEqual(calls.map((c) => c.request), [
    { index: "7", attempt: 1, temperature: 0 },
    { index: "7", attempt: 2, temperature: 0.5 },
    { index: "7", attempt: 3, temperature: 1 },
  ]);
  assert.deepEqual(verdict, { extracted: "No", method: "judge", answers: replies, log: "No." });
});

Deno.test("judgeYesNoAnswer(): five answers without Yes or No give Unknown/judge-failed", async () => {
  const { judge, calls } = scriptedJudge((_, request) =>
    request.attempt % 2 ? "Yes and no" : "Failed to obtain answer via API. timeout"
  );
  const verdict = await judgeYesNoAnswer("p", judge, "1");
  assert.equal(calls.length, 5);
  assert.deepEqual(calls.map((c) => c.request.temperature), [0, 0.5, 1, 1.5, 2]);
  assert.equal(verdict.extracted, "Unknown");
  assert.equal(verdict.method, "judge-failed");
  assert.equal(verdict.answers.length, 5);
  assert.match(
    verdict.log,
    /^The judge answered neither Yes nor No in 5 tries \(scored Unknown\): "Yes and no"; "Failed/,
  );
});

Deno.test("judgeYesNo(): heuristic hits and failures make no call; the judge decides Unknowns", async () => {
  const rows = [
    { index: "1", question: "Is it red", answer: "Yes", prediction: "Yes, it is." },
    { index: "2", question: "Is it red", answer: "Yes", prediction: "It looks crimson" },
    { index: "3", question: "Is it blue", answer: "No", prediction: "It looks crimson" },
    { index: "4", question: "Is it a cat", answer: "No", prediction: "hard to say" },
    { index: "5", question: "Is it big", answer: "No", prediction: "Failed to obtain answer: X" },
  ];
  const scored = scoreYesNo(rows);
  assert.equal(scored.counts.unresolved, 3);
  const { judge, calls } = scriptedJudge((prompt) =>
    prompt.includes("Question: Is it red?") ? "Yes" : prompt.includes("Is it blue") ? "no" : "?"
  );
  const judged = await judgeYesNo(rows, scored, judge, { concurrency: 2 });
  // Rows 2 and 3 once each, row 4 five times; rows 1 and 5 never.
  assert.deepEqual(calls.map((c) => c.request.index).sort(), ["2", "3", "4", "4", "4", "4", "4"]);
  assert.equal(
    calls.find((c) => c.request.index === "2")!.prompt,
    yesNoJudgePrompt("Is it red", "It looks crimson"),
  );
  assert.deepEqual(judged.perRow.map((r) => [r.extracted, r.method, r.score, r.log]), [
    ["Yes", "exact", 1, undefined],
    ["Yes", "judge", 1, "Yes"],
    ["No", "judge", 1, "no"],
    ["Unknown", "judge-failed", 0, judged.perRow[3].log],
    ["Unknown", "failed", 0, undefined],
  ]);
  assert.match(judged.perRow[3].log!, /^The judge answered neither Yes nor No in 5 tries/);
  assert.deepEqual(judged.counts, {
    total: 5,
    hits: 3,
    failed: 1,
    unknown: 2,
    unresolved: 0,
    byMethod: { exact: 1, failed: 1, unresolved: 0, judge: 2, "judge-failed": 1 },
  });
  assert.deepEqual(judged.report, { columns: ["Overall"], rows: [[60]] });
  // The input score is left as it was.
  assert.equal(scored.perRow[1].method, "unresolved");
  assert.equal(scored.counts.hits, 1);
});

Deno.test("judgeYesNo(): a rejecting judge rejects the phase; the rating stays the dataset's", async () => {
  const rows = [
    { index: "1", answer: "yes", prediction: "maybe", category: "relation", image_path: "a" },
  ];
  const scored = scoreYesNo(rows, { dataset: "AMBER_Mini" });
  const judged = await judgeYesNo(rows, scored, () => Promise.resolve("YES"));
  assert.equal(judged.perRow[0].score, 1, "AMBER compares lowercased after the judge too");
  assert.deepEqual(judged.report.columns, ["Relation", "Avg ACC"]);
  await assert.rejects(
    judgeYesNo(rows, scored, () => Promise.reject(new Error("judge down"))),
    /judge down/,
  );
});
