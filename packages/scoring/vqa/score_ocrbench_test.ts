import assert from "node:assert/strict";
import { VLMEVALKIT_CASES } from "../_vlmevalkit_fixture.ts";
import { OCRBENCH_CATEGORIES, ocrbenchHit, scoreOcrbench } from "./score_ocrbench.ts";
import { scoreFilePath } from "../score_files.ts";

Deno.test("scoreOcrbench() reproduces VLMEvalKit's OCRBench _score.json, keys in order", () => {
  const { rows, score, files } = VLMEVALKIT_CASES.ocrbench;
  const scored = scoreOcrbench(rows);
  assert.deepEqual(Object.entries(scored.score), score);
  assert.deepEqual(scored.files.map((f) => scoreFilePath("M_OCRBench", f)), files);
  assert.deepEqual(scored.files[0].content, { kind: "json", value: scored.score });
  assert.deepEqual(scored.table, {
    columns: score.map(([k]) => k),
    rows: [score.map(([, v]) => v)],
  });
});

Deno.test("ocrbenchHit(): case folds except for math expressions, whose spaces all go", () => {
  const hme = OCRBENCH_CATEGORIES[9];
  assert.equal(ocrbenchHit(["x ^ { 2 }"], "x^{2}", hme), true);
  assert.equal(ocrbenchHit(["X^2"], "x^2", hme), false);
  assert.equal(ocrbenchHit(["hello world"], "HELLO\nWORLD", "Irregular Text Recognition"), true);
  assert.equal(ocrbenchHit(["hello world"], "HELLOWORLD", "Irregular Text Recognition"), false);
  assert.equal(ocrbenchHit([""], "anything", "Doc-oriented VQA"), true);
});

Deno.test("scoreOcrbench(): failures score 0 and are counted; Final Score Norm is the sum / 10", () => {
  const scored = scoreOcrbench([
    {
      index: "1",
      category: "Doc-oriented VQA",
      answer: "['to']",
      prediction: "Failed to obtain answer: E",
    },
    { index: "2", category: "Doc-oriented VQA", answer: "plain", prediction: "Plain text" },
  ]);
  assert.deepEqual(scored.perRow.map((r) => [r.hit, r.failed]), [[0, true], [1, false]]);
  assert.deepEqual(scored.counts, { total: 2, failed: 1 });
  assert.equal(scored.score["Final Score"], 1);
  assert.equal(scored.score["Final Score Norm"], 0.1);
});

Deno.test("scoreOcrbench() names the row whose category is unknown", () => {
  assert.throws(
    () => scoreOcrbench([{ index: "4", category: "OCR", answer: "['a']", prediction: "a" }]),
    {
      name: "TypeError",
      message:
        'Cannot score row 0 (index "4") of OCRBench as its category is not an OCRBench category: current value is "OCR"',
    },
  );
});
