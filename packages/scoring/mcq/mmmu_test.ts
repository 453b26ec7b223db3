import assert from "node:assert/strict";
import { VLMEVALKIT_CASES } from "../_vlmevalkit_fixture.ts";
import { fixtureTable, sortRowsByFirstCell } from "../_vlmevalkit_fixture.ts";
import type { Row } from "@vlmeval/schema";
import type { JudgeRequest } from "./mcq_judge.ts";
import { judgeMcq } from "./mcq_judge.ts";
import { isMmmuDataset, MMMU_OTHER_ANSWERS, mmmuRows } from "./mmmu.ts";
import { scoreMcq } from "./score_mcq.ts";

const MMMU = VLMEVALKIT_CASES.mmmu;
const ROWS = MMMU.rows as Row[];

Deno.test("mmmuRows() reformulates open questions as MMMU_preproc, answers as mcq_vanilla_eval", () => {
  const { scoring, record, reformulated } = mmmuRows(ROWS);
  const run = MMMU.exact_matching;
  assert.deepEqual(record.map((r) => r.A), run.A);
  assert.deepEqual(record.map((r) => r.B), run.B);
  assert.deepEqual(record.map((r) => r.answer), run.answer);
  assert.deepEqual(scoring.map((r) => r.answer), ["B", "A", "A", "A", "B", "A", "A", "C"]);
  assert.equal(reformulated, 5);
  assert.equal(record[1].B, MMMU_OTHER_ANSWERS);
});

Deno.test("mmmuRows() then scoreMcq() gives VLMEvalKit's exact-matching hits and report", () => {
  const scored = scoreMcq(mmmuRows(ROWS).scoring);
  assert.deepEqual(scored.perRow.map((r) => r.hit), MMMU.exact_matching.hit);
  assert.deepEqual(
    sortRowsByFirstCell(scored.report),
    sortRowsByFirstCell(fixtureTable(MMMU.exact_matching.report)),
  );
});

Deno.test("mmmuRows() then judgeMcq() gives VLMEvalKit's judged hits and the same prompts", async () => {
  const { scoring } = mmmuRows(ROWS);
  const scripts = new Map(Object.entries(MMMU.judge_answers).map(([q, a]) => [q, [...a]]));
  const prompts: string[] = [];
  const judge = (prompt: string, _: JudgeRequest) => {
    prompts.push(prompt);
    const key = [...scripts.keys()].find((q) => prompt.includes(`Question: ${q}?\n`))!;
    return Promise.resolve(scripts.get(key)!.shift()!);
  };
  const judged = await judgeMcq(scoring, scoreMcq(scoring), judge, { concurrency: 1 });
  assert.deepEqual(judged.perRow.map((r) => r.hit), MMMU.judge.hit);
  assert.deepEqual(prompts.sort(), [...MMMU.judge.judge_prompts].sort());
  assert.deepEqual(
    sortRowsByFirstCell(judged.report),
    sortRowsByFirstCell(fixtureTable(MMMU.judge.report)),
  );
});

Deno.test("isMmmuDataset() is VLMEvalKit's case-sensitive substring rule", () => {
  assert.equal(isMmmuDataset("MMMU_DEV_VAL"), true);
  assert.equal(isMmmuDataset("MMMU_Pro_10c"), true);
  assert.equal(isMmmuDataset("mmmu_dev_val"), false);
});

Deno.test("mmmuRows() reformulates an open question whose options were read as pandas reads them (nan)", () => {
  const open = { index: "1", question: "x?", A: "nan", B: "nan", answer: "42", prediction: "42" };
  const { scoring, record, reformulated } = mmmuRows([open]);
  assert.equal(reformulated, 1);
  assert.deepEqual([record[0].A, record[0].B, record[0].answer], ["42", MMMU_OTHER_ANSWERS, "42"]);
  assert.equal(scoring[0].answer, "A");
  assert.equal(scoreMcq(scoring).counts.hits, 1);
});
