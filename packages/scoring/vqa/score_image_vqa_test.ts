import assert from "node:assert/strict";
import { VLMEVALKIT_CASES } from "../_vlmevalkit_fixture.ts";
import { imageVqaMetric, scoreImageVqa, vqaHit } from "./score_image_vqa.ts";
import { scoreFilePath } from "../score_files.ts";
import type { ScoreTable } from "../score_table.ts";

/** Split columns come in Python's set order in the fixture; `Overall` stays where it is. */
function byColumn(table: ScoreTable): Map<string, unknown> {
  return new Map(table.columns.map((column, k) => [column, table.rows[0][k]]));
}

Deno.test("imageVqaMetric() ports both of VLMEvalKit's name dispatches, quirks included", () => {
  assert.deepEqual(imageVqaMetric("TextVQA_VAL"), { method: "vqa_score", hit: "mean" });
  assert.deepEqual(imageVqaMetric("ChartQA_TEST"), { method: "relaxed_accuracy", hit: "max" });
  assert.deepEqual(imageVqaMetric("DocVQA_VAL"), { method: "anls", hit: "anls" });
  assert.deepEqual(imageVqaMetric("InfoVQA_TEST"), { method: "anls", hit: "anls" });
  assert.deepEqual(imageVqaMetric("OCRVQA_TESTCORE"), { method: "accuracy", hit: "max" });
  assert.deepEqual(imageVqaMetric("GQA_TestDev_Balanced"), { method: "accuracy", hit: "mean" });
  assert.deepEqual(imageVqaMetric("MyVQA"), { method: "vqa_score", hit: "mean" });
  // Each dispatch takes its own first key: ChartQA's matching, DocVQA's ANLS hit.
  assert.deepEqual(imageVqaMetric("ChartQA_DocVQA_mix"), {
    method: "relaxed_accuracy",
    hit: "anls",
  });
  // Substring and case-sensitive, as listinstr.
  assert.deepEqual(imageVqaMetric("textvqa"), { method: "vqa_score", hit: "mean" });
  assert.deepEqual(imageVqaMetric("DocVQA_OCRVQA"), { method: "accuracy", hit: "anls" });
});

Deno.test("vqaHit(): ANLS similarity under 0.5 is 0; mean is numpy's pairwise mean", () => {
  assert.equal(vqaHit([0.5], "anls"), 0.5);
  assert.equal(vqaHit([0.51, 0.9], "anls"), 0);
  assert.equal(vqaHit([0.2, 0.9], "anls"), 0.8);
  assert.equal(vqaHit([0, 1], "max"), 1);
  // Nine values: numpy sums the first eight in eight lanes, then adds the ninth.
  const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const lanes = ((0.1 + 0.2) + (0.3 + 0.4)) + ((0.5 + 0.6) + (0.7 + 0.8)) + 0.9;
  assert.equal(vqaHit(values, "mean"), lanes / 9);
});

Deno.test("scoreImageVqa() reproduces VLMEvalKit's _acc table and _results columns per dataset", () => {
  for (const c of VLMEVALKIT_CASES.image_vqa) {
    const scored = scoreImageVqa(c.rows, c.dataset);
    const expected = byColumn({ columns: c.acc.columns, rows: c.acc.rows });
    assert.deepEqual(byColumn(scored.table), expected, c.dataset);
    // Split columns sorted, then Overall; else Overall, then sorted categories.
    const splits = c.acc.columns.filter((col) => col !== "Overall");
    const splitFirst = c.acc.columns.at(-1) === "Overall" && splits.length > 0;
    assert.deepEqual(
      scored.table.columns,
      splitFirst ? [...splits.sort(), "Overall"] : c.acc.columns,
      c.dataset,
    );
    assert.equal(scored.overall, expected.get("Overall"), c.dataset);
    const [results, acc] = scored.files;
    assert.deepEqual(
      scored.files.map((f) => scoreFilePath("M_" + c.dataset, f)),
      c.files,
    );
    assert.deepEqual(acc.content, { kind: "table", table: scored.table });
    assert.equal(results.content.kind, "rows");
    if (results.content.kind !== "rows") continue;
    assert.deepEqual(
      results.content.cells,
      c.per_row.map((r) => ({
        eval_gt: r.eval_gt,
        eval_pred: r.eval_pred,
        eval_match: r.eval_match,
        eval_score: String(r.eval_score).includes(".") ? String(r.eval_score) : `${r.eval_score}.0`,
      })),
      c.dataset,
    );
    assert.deepEqual(scored.perRow.map((r) => r.evalScore), c.per_row.map((r) => r.eval_score));
  }
});

Deno.test("scoreImageVqa(): a single-answer row scores 0 under the default vqa_score branch", () => {
  const scored = scoreImageVqa([{ index: "1", answer: "cat", prediction: "cat" }], "MyVQA");
  assert.deepEqual(scored.perRow[0].match, [0]);
  assert.equal(scored.overall, 0);
});

Deno.test("scoreImageVqa(): a recorded failure scores 0 and is counted", () => {
  const rows = [
    { index: "1", answer: "Failed to obtain answer: X", prediction: "Failed to obtain answer: X" },
    { index: "2", answer: "ok", prediction: "OK" },
  ];
  const scored = scoreImageVqa(rows, "OCRVQA_TEST");
  assert.deepEqual(scored.perRow.map((r) => [r.score, r.failed]), [[0, true], [1, false]]);
  assert.deepEqual(scored.counts, { total: 2, failed: 1 });
  assert.equal(scored.overall, 50);
});

Deno.test("scoreImageVqa() names the row whose answer is missing or an empty list", () => {
  assert.throws(
    () => scoreImageVqa([{ index: "7", prediction: "x" }], "TextVQA_VAL"),
    { name: "TypeError", message: 'Cannot score row 0 (index "7") as it has no "answer" column' },
  );
  assert.throws(
    () => scoreImageVqa([{ index: "8", answer: "[]", prediction: "x" }], "DocVQA_VAL"),
    {
      name: "TypeError",
      message:
        'Cannot score row 0 (index "8") of DocVQA_VAL as its answer is an empty list: current value is "[]"',
    },
  );
});
