import assert from "node:assert/strict";
import { defaultRating, reportAcc } from "./score_table.ts";

Deno.test("reportAcc() has one 'none' row without a split column", () => {
  assert.deepEqual(reportAcc([{ score: 1 }, { score: 0 }, { score: 1 }, { score: 1 }]), {
    columns: ["split", "Overall"],
    rows: [["none", 0.75]],
  });
});

Deno.test("reportAcc() sorts splits, puts l2-categories (abbreviated) before categories", () => {
  const items = [
    { score: 1, split: "test", category: "ocr", l2Category: "coarse_perception" },
    { score: 0, split: "dev", category: "color", l2Category: "attribute_reasoning" },
    { score: 1, split: "dev", category: "ocr", l2Category: "coarse_perception" },
    { score: 1, split: "dev", category: "color", l2Category: "attribute_reasoning" },
    { score: 0, split: "", category: "", l2Category: "mine" },
  ];
  assert.deepEqual(reportAcc(items), {
    columns: ["split", "Overall", "AR", "CP", "mine", "color", "ocr"],
    rows: [
      ["dev", 2 / 3, 0.5, 1, null, 0.5, 1],
      ["none", 0, null, null, 0, null, null],
      ["test", 1, null, 1, null, null, 1],
    ],
  });
});

Deno.test("reportAcc() scales to percent and orders by code point", () => {
  const table = reportAcc([
    { score: 1, category: "b" },
    { score: 0, category: "B" },
    { score: 1, category: "\u{1F600}" },
    { score: 1, category: "\uFF01" },
  ], { scale: 100 });
  assert.deepEqual(table.columns, ["split", "Overall", "B", "b", "\uFF01", "\u{1F600}"]);
  assert.deepEqual(table.rows, [["none", 75, 0, 100, 100, 100]]);
});

Deno.test("reportAcc() lets a later column of the same name overwrite values, as pandas", () => {
  const table = reportAcc([
    { score: 1, category: "Overall" },
    { score: 0, category: "x" },
  ]);
  assert.deepEqual(table, { columns: ["split", "Overall", "x"], rows: [["none", 1, 0]] });
});

Deno.test("defaultRating() is one row: Overall, categories, then l2-categories, in percent", () => {
  const table = defaultRating([
    { score: 1, category: "count", l2Category: "perception" },
    { score: 0, category: "color", l2Category: "perception" },
    { score: 1, category: "color", l2Category: "cognition" },
    { score: 1, category: "count", l2Category: "cognition" },
  ]);
  assert.deepEqual(table, {
    columns: ["Overall", "color", "count", "cognition", "perception"],
    rows: [[75, 50, 100, 100, 50]],
  });
});
