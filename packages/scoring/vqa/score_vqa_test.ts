import assert from "node:assert/strict";
import { scoreVqa, vqaAnswers } from "./score_vqa.ts";

Deno.test("vqaAnswers() reads list literals and keeps anything else as one answer", () => {
  assert.deepEqual(vqaAnswers("['two', '2']"), ["two", "2"]);
  assert.deepEqual(vqaAnswers("[broken"), ["[broken"]);
  assert.deepEqual(vqaAnswers("[not a list]"), ["[not a list]"]);
  assert.deepEqual(vqaAnswers("cat"), ["cat"]);
});

Deno.test("scoreVqa() scores exact and normalised matches per split in percent", () => {
  const rows = [
    { index: "1", answer: "Cat", prediction: " cat ", split: "val", category: "animals" },
    {
      index: "2",
      answer: "two dogs",
      prediction: "The 2 dogs.",
      split: "val",
      category: "animals",
    },
    {
      index: "3",
      answer: "['blue', 'navy']",
      prediction: "Navy",
      split: "test",
      category: "colors",
    },
    {
      index: "4",
      answer: "red",
      prediction: "Failed to obtain answer: Error red",
      split: "test",
      category: "colors",
    },
  ];
  const result = scoreVqa(rows);
  assert.deepEqual(result.perRow.map((r) => [r.exact, r.normalized, r.failed]), [
    [1, 1, false],
    [0, 1, false],
    [1, 1, false],
    [0, 0, true],
  ]);
  assert.deepEqual(result.counts, { total: 4, exactHits: 2, normalizedHits: 3, failed: 1 });
  assert.deepEqual(result.report.exact, {
    columns: ["split", "Overall", "animals", "colors"],
    rows: [["test", 50, null, 50], ["val", 50, 50, null]],
  });
  assert.deepEqual(result.report.normalized.rows, [["test", 50, null, 50], [
    "val",
    100,
    100,
    null,
  ]]);
});
