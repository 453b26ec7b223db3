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
  assert.deepEqual(result.perRow.map((r) => [r.extracted, r.failed, r.score]), [
    ["Yes", false, 1],
    ["Yes", false, 0],
    ["Unknown", true, 0],
    ["Unknown", false, 0],
  ]);
  assert.deepEqual(result.counts, { total: 4, hits: 1, failed: 1, unknown: 2 });
  assert.deepEqual(result.report, {
    columns: ["Overall", "color", "count", "cognition", "perception"],
    rows: [[25, 50, 0, 0, (1 / 3) * 100]],
  });
  assert.throws(() => scoreYesNo([{ index: "1", prediction: "Yes" }]), TypeError);
});
