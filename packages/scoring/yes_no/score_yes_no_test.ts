import assert from "node:assert/strict";
import { extractYesNo, scoreYesNo } from "./score_yes_no.ts";

Deno.test("extractYesNo() follows YOrN_Extraction", () => {
  const cases: [string, string][] = [
    ["Yes", "Yes"],
    ["yes.", "Yes"],
    ["YES!", "Yes"],
    ["No, it is not.", "No"],
    ["no", "No"],
    ["Yes and no", "Unknown"],
    ["Yes-no", "Unknown"],
    ["Not sure", "Unknown"],
    ["The answer: yes", "Yes"],
    ["yes/no question: yes", "Unknown"],
    ["I'd say (yes)", "Yes"],
    ["nope", "Unknown"],
    ["", "Unknown"],
  ];
  for (const [prediction, expected] of cases) {
    assert.equal(extractYesNo(prediction), expected, JSON.stringify(prediction));
  }
});

Deno.test("scoreYesNo() scores case-sensitively, Unknown and failures always wrong", () => {
  const rows = [
    {
      index: "1",
      answer: "Yes",
      prediction: "Yes.",
      category: "color",
      "l2-category": "perception",
    },
    { index: "2", answer: "No", prediction: "yes", category: "color", "l2-category": "perception" },
    {
      index: "3",
      answer: "No",
      prediction: "Failed to obtain answer: Error no memory",
      category: "count",
      "l2-category": "perception",
    },
    {
      index: "4",
      answer: "No",
      prediction: "maybe",
      category: "count",
      "l2-category": "cognition",
    },
  ];
  const result = scoreYesNo(rows);
  assert.deepEqual(result.perRow.map((r) => [r.extracted, r.method, r.failed, r.score]), [
    ["Yes", "exact", false, 1],
    ["Yes", "exact", false, 0],
    ["Unknown", "failed", true, 0],
    ["Unknown", "unresolved", false, 0],
  ]);
  assert.deepEqual(result.counts, {
    total: 4,
    hits: 1,
    failed: 1,
    unknown: 2,
    unresolved: 1,
    byMethod: { exact: 2, failed: 1, unresolved: 1, judge: 0, "judge-failed": 0 },
  });
  assert.equal(result.rating, "default");
  assert.deepEqual(result.primary, { name: "Overall Acc", value: 25 });
  assert.deepEqual(result.report, {
    columns: ["Overall", "color", "count", "cognition", "perception"],
    rows: [[25, 50, 0, 0, (1 / 3) * 100]],
  });
  assert.throws(() => scoreYesNo([{ index: "1", prediction: "Yes" }]), TypeError);
});

Deno.test("scoreYesNo() picks the rating by name; AMBER compares lowercased", () => {
  const row = (index: string, answer: string, prediction: string) => ({
    index,
    answer,
    prediction,
    category: "discriminative-hallucination",
    image_path: `${index}.jpg`,
  });
  const rows = [row("1", "yes", "Yes"), row("2", "no", "No, none."), row("3", "Yes", "nope")];
  const amber = scoreYesNo(rows, { dataset: "AMBER" });
  assert.equal(amber.rating, "AMBER");
  assert.deepEqual(amber.perRow.map((r) => r.score), [1, 1, 0]);
  assert.deepEqual(amber.report, {
    columns: ["Existence", "Avg ACC"],
    rows: [[(2 / 3) * 100, (2 / 3) * 100]],
  });
  assert.deepEqual(amber.primary, { name: "Avg ACC", value: (2 / 3) * 100 });
  // Any other name compares case-sensitively: "yes" is not "Yes".
  const plain = scoreYesNo(rows, { dataset: "amber" });
  assert.equal(plain.rating, "default");
  assert.deepEqual(plain.perRow.map((r) => r.score), [0, 0, 0]);
});
