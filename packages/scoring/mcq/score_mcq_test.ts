import assert from "node:assert/strict";
import { buildChoices, extractMcqAnswer, scoreMcq } from "./score_mcq.ts";

const base = { question: "Which animal?", A: "dog", B: "cat", C: "bird", D: "" };

Deno.test("buildChoices() keeps present, non-empty option columns A-Z", () => {
  assert.deepEqual(buildChoices({ ...base, E: "fish", hint: "x", answer: "A" }), {
    A: "dog",
    B: "cat",
    C: "bird",
    E: "fish",
  });
});

Deno.test("buildChoices() drops an option pandas read as missing (rendered nan)", () => {
  assert.deepEqual(buildChoices({ ...base, C: "nan", answer: "A" }), { A: "dog", B: "cat" });
});

Deno.test("extractMcqAnswer() records how each letter was found", () => {
  const choices = buildChoices(base);
  assert.deepEqual(extractMcqAnswer("  (B)\n", choices), { letter: "B", method: "option" });
  assert.deepEqual(extractMcqAnswer("It is a bird", choices), { letter: "C", method: "text" });
  assert.deepEqual(extractMcqAnswer("Z", choices), { letter: "Z", method: "z" });
  assert.deepEqual(extractMcqAnswer("Cannot determine the answer", choices), {
    letter: "Z",
    method: "z",
  });
  assert.deepEqual(extractMcqAnswer("It could be many things", choices), {
    letter: "Z",
    method: "unresolved",
  });
  assert.deepEqual(extractMcqAnswer("Failed to obtain answer: RangeError A", choices), {
    letter: "Z",
    method: "failed",
  });
  assert.deepEqual(extractMcqAnswer("Failed to obtain answer via API.", choices), {
    letter: "Z",
    method: "failed",
  });
});

Deno.test("scoreMcq() scores rows, counts failures and would-be judge rows", () => {
  const rows = [
    { ...base, index: "1", answer: "B", prediction: "B", split: "dev", category: "pets" },
    {
      ...base,
      index: "2",
      answer: "A",
      prediction: "The answer is a dog",
      split: "dev",
      category: "pets",
    },
    { ...base, index: "3", answer: "C", prediction: "a bird", split: "dev", category: "wild" },
    { ...base, index: "4", answer: "C", prediction: "no idea", split: "test", category: "wild" },
    {
      ...base,
      index: "5",
      answer: "A",
      prediction: "Failed to obtain answer: Error boom",
      split: "test",
      category: "pets",
    },
    { ...base, index: "6", answer: "B", prediction: "A", split: "test", category: "pets" },
  ];
  const result = scoreMcq(rows);
  assert.deepEqual(result.perRow.map((r) => [r.index, r.extracted, r.method, r.hit]), [
    ["1", "B", "option", 1],
    ["2", "A", "option", 1],
    ["3", "C", "text", 1],
    ["4", "Z", "unresolved", 0],
    ["5", "Z", "failed", 0],
    ["6", "A", "option", 0],
  ]);
  assert.deepEqual(result.counts, {
    total: 6,
    hits: 3,
    failed: 1,
    unresolved: 1,
    byMethod: { option: 3, text: 1, z: 0, failed: 1, unresolved: 1, judge: 0, "judge-failed": 0 },
  });
  assert.deepEqual(result.report, {
    columns: ["split", "Overall", "pets", "wild"],
    rows: [["dev", 1, 1, 1], ["test", 0, 0, 0]],
  });
});

Deno.test("scoreMcq() never counts a recorded failure as a hit, even against answer Z", () => {
  const result = scoreMcq([{
    ...base,
    index: "1",
    answer: "Z",
    prediction: "Failed to obtain answer: X",
  }]);
  assert.equal(result.perRow[0].hit, 0);
});

Deno.test("scoreMcq() rejects rows without a prediction or an answer", () => {
  assert.throws(() => scoreMcq([{ ...base, index: "9", answer: "A" }]), {
    name: "TypeError",
    message: /row 0 \(index "9"\) as it has no "prediction" column/,
  });
  assert.throws(() => scoreMcq([{ ...base, index: "9", answer: "", prediction: "A" }]), {
    name: "TypeError",
    message: /answer is empty/,
  });
});

Deno.test("scoreMcq() passes the verbose rule through", () => {
  const rows = [{ ...base, index: "1", answer: "A", prediction: "I choose A here" }];
  assert.equal(scoreMcq(rows).perRow[0].hit, 1);
  assert.equal(scoreMcq(rows, { verbose: true }).perRow[0].method, "unresolved");
});
