import assert from "node:assert/strict";
import { VLMEVALKIT_CASES } from "../_vlmevalkit_fixture.ts";
import type { JudgeRequest } from "../mcq/mcq_judge.ts";
import {
  judgeMmvet,
  judgeMmvetAnswer,
  mmvetPrompt,
  parseMmvetScore,
  scoreMmvet,
  unjudgedMmvet,
} from "./mmvet.ts";
import { scoreFilePath } from "../score_files.ts";

const MV = VLMEVALKIT_CASES.mmvet;

function scripted(answers: readonly string[]) {
  const calls: { prompt: string; request: JudgeRequest }[] = [];
  const judge = (prompt: string, request: JudgeRequest) => {
    calls.push({ prompt, request });
    return Promise.resolve(answers[request.attempt - 1]);
  };
  return { judge, calls };
}

Deno.test("judgeMmvetAnswer() is MMVet_auxeval: prompt byte for byte, temperatures, log, score", async () => {
  for (const c of MV.auxeval) {
    const { judge, calls } = scripted(c.judge_answers);
    const judged = await judgeMmvetAnswer(c.row, judge);
    assert.equal(calls[0].prompt, c.prompt);
    assert.equal(mmvetPrompt(c.row.question, c.row.answer, c.row.prediction), c.prompt);
    assert.deepEqual(calls.map((call) => call.request.temperature), c.calls);
    assert.ok(
      calls.every((call) => call.request.maxTokens === 2048 && call.request.index === c.row.index),
    );
    assert.equal(judged.log, c.log);
    assert.equal(judged.score, c.score);
    assert.deepEqual(judged.answers, c.judge_answers.slice(0, c.calls.length));
  }
});

Deno.test("parseMmvetScore() reads the judge's answer as Python's float(), 0 to 1", async () => {
  for (const c of MV.first_output) {
    const { judge } = scripted([c.output, "0.0", "0.0", "0.0", "0.0"]);
    const judged = await judgeMmvetAnswer(MV.auxeval[0].row, judge);
    assert.equal(judged.log, c.log, c.output);
    assert.ok(Object.is(judged.score, c.score), c.output);
  }
  // VLMEvalKit accepts nan (and then every mean is NaN); here it is refused.
  assert.deepEqual(parseMmvetScore("nan"), { problem: "invalid score: nan" });
  assert.deepEqual(parseMmvetScore("1"), { score: 1 });
});

Deno.test("scoreMmvet() reproduces MMVet_acc's two tables and VLMEvalKit's file names", async () => {
  const rows = MV.auxeval.map((c) => c.row);
  const byIndex = new Map(MV.auxeval.map((c) => [c.row.index, c.judge_answers]));
  const judged = await judgeMmvet(
    rows,
    (_, r) => Promise.resolve(byIndex.get(r.index)![r.attempt - 1]),
    { concurrency: 2 },
  );
  assert.deepEqual(judged.map((j) => j.log), MV.auxeval.map((c) => c.log));
  const scored = scoreMmvet(rows, judged, "gpt-4-turbo");
  assert.deepEqual(scored.table, MV.score);
  assert.deepEqual(scored.fine, MV.score_fine);
  assert.equal(scored.overall, MV.score.rows.at(-1)![2]);
  assert.deepEqual(scored.files.map((f) => scoreFilePath("M_MMVet", f)), MV.files);
  const storage = scored.files[0].content;
  assert.ok(storage.kind === "rows");
  assert.deepEqual(storage.cells[3], { score: "0.0", log: MV.auxeval[3].log });
});

Deno.test("judgeMmvet(): a recorded failure is never judged; an unseen capability has no acc", async () => {
  const rows = [
    {
      index: "1",
      question: "q",
      answer: "a",
      prediction: "Failed to obtain answer: E",
      category: "rec",
    },
    { index: "2", question: "q", answer: "a", prediction: "a", category: "ocr" },
  ];
  const { judge, calls } = scripted(["1.0"]);
  const judged = await judgeMmvet(rows, judge);
  assert.deepEqual(calls.map((c) => c.request.index), ["2"]);
  assert.deepEqual(judged.map((j) => [j.method, j.score]), [["failed", 0], ["judge", 1]]);
  const scored = scoreMmvet(rows, judged, "j");
  assert.deepEqual(scored.table.rows.find((r) => r[0] === "math"), ["math", 0, null]);
  assert.equal(scored.overall, 50);
  assert.deepEqual(scored.counts.byMethod, { judge: 1, "judge-failed": 0, failed: 1, unjudged: 0 });
  assert.deepEqual(unjudgedMmvet(rows).map((j) => j.method), ["failed", "unjudged"]);
});
