import assert from "node:assert/strict";
import { buildChoices, extractMcqAnswer, McqTally, scoreMcq } from "./score_mcq.ts";
import { reportAcc } from "../score_table.ts";
import { rowGroups } from "../_row_fields.ts";

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
    message: /row 1 \(index "9"\) as it has no "prediction" column/,
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

Deno.test("McqTally scores row by row as scoreMcq does, and a judge's verdicts change only its rows", () => {
  const answers = ["B", "(C) bird", "It could be many things", "Failed to obtain answer: X", "Z"];
  const rows = Array.from({ length: 40 }, (_, k) => ({
    ...base,
    index: String(k),
    answer: "ABC"[k % 3],
    prediction: answers[k % answers.length],
    split: k % 4 === 0 ? "test" : "dev",
    category: `cat${k % 3}`,
    "l2-category": k % 2 ? "logic_reasoning" : "",
  }));
  const tally = new McqTally();
  for (const row of rows) tally.add(row);
  const whole = scoreMcq(rows);
  assert.deepEqual(
    [...tally.unresolved.keys()],
    whole.perRow.flatMap((r, k) => r.method === "unresolved" ? [k] : []),
  );
  // A judge places every unresolved row on its right answer.
  for (const [position, row] of tally.unresolved) {
    tally.judged(position, { extracted: row.answer, method: "judge", hit: 1, log: "judged" });
  }
  const judgedRows = whole.perRow.map((r, k) =>
    r.method === "unresolved"
      ? {
        ...r,
        extracted: rows[k].answer,
        method: "judge" as const,
        hit: 1 as const,
        log: "judged",
      }
      : r
  );
  const finished = tally.finish();
  const expected = reportAcc(judgedRows.map((r, k) => rowGroups(rows[k], r.hit)));
  assert.deepEqual(finished.report, expected);
  assert.equal(finished.counts.total, 40);
  assert.equal(finished.counts.hits, judgedRows.reduce((sum, r) => sum + r.hit, 0));
  assert.equal(finished.counts.unresolved, 0);
  assert.equal(finished.counts.byMethod.judge, 8);
  assert.equal(finished.counts.failed, 8);
  judgedRows.forEach((r, k) => {
    const { extracted, method, hit } = r;
    const log = method === "judge" ? { log: "judged" } : {};
    assert.deepEqual(tally.row(k), { extracted, method, hit, ...log }, `row ${k}`);
  });
});

Deno.test("McqTally without a judge reports unresolved rows as misses, as scoreMcq, held or not", () => {
  const rows = [
    { ...base, index: "1", answer: "A", prediction: "A", category: "x" },
    { ...base, index: "2", answer: "B", prediction: "maybe", category: "y" },
  ];
  const whole = scoreMcq(rows);
  for (const holdUnresolved of [true, false]) {
    const tally = new McqTally({}, { holdUnresolved });
    for (const row of rows) tally.add(row);
    assert.equal(tally.unresolved.size, holdUnresolved ? 1 : 0);
    const finished = tally.finish();
    assert.deepEqual(finished.report, whole.report);
    assert.deepEqual(finished.counts, whole.counts);
    assert.deepEqual(tally.row(1), { extracted: "Z", method: "unresolved", hit: 0 });
  }
  const tally = new McqTally();
  assert.throws(
    () => tally.add({ ...base, index: "3", answer: "", prediction: "A" }),
    /answer is empty/,
  );
  assert.equal(tally.size, 0, "a refused row is not counted");
  tally.add(rows[0]);
  assert.deepEqual(tally.row(0), { extracted: "A", method: "option", hit: 1 });
});

Deno.test("McqTally keeps each row's extracted text past its first 1024 rows, other texts whole", () => {
  const rows = Array.from({ length: 3000 }, (_, k) => ({
    ...base,
    index: String(k),
    answer: "ABCD"[k % 4],
    prediction: "ABCD"[(k >> 1) % 4],
  }));
  const tally = new McqTally();
  for (const row of rows) tally.add(row);
  const whole = scoreMcq(rows);
  rows.forEach((_, k) =>
    assert.equal(tally.row(k).extracted, whole.perRow[k].extracted, `row ${k}`)
  );
  // A judge's verdict may be any text: kept as given, and a later one-letter verdict replaces it.
  tally.judged(2500, { extracted: "", method: "judge-failed", hit: 0 });
  tally.judged(2501, { extracted: "AB", method: "judge", hit: 0 });
  tally.judged(2502, { extracted: "É", method: "judge", hit: 0 });
  assert.deepEqual([2500, 2501, 2502].map((k) => tally.row(k).extracted), ["", "AB", "É"]);
  tally.judged(2501, { extracted: "C", method: "judge", hit: 0 });
  assert.equal(tally.row(2501).extracted, "C");
});
