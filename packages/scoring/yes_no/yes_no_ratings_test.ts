import assert from "node:assert/strict";
import {
  amberRating,
  hallusionRating,
  mmeRating,
  popeRating,
  rateYesNo,
  type YesNoRatedRow,
  yesNoRatingFor,
} from "./yes_no_ratings.ts";

function row(fields: Partial<YesNoRatedRow> & { score: number }): YesNoRatedRow {
  return { index: "0", answer: "Yes", extracted: "Yes", ...fields };
}

Deno.test("yesNoRatingFor() follows VLMEvalKit's case-sensitive name rule, in its order", () => {
  assert.equal(yesNoRatingFor("MME"), "MME");
  assert.equal(yesNoRatingFor("MME_Tiny"), "MME");
  assert.equal(yesNoRatingFor("HallusionBench"), "Hallusion");
  assert.equal(yesNoRatingFor("POPE"), "POPE");
  assert.equal(yesNoRatingFor("AMBER"), "AMBER");
  assert.equal(yesNoRatingFor("MME_POPE"), "MME", "MME is tested first");
  assert.equal(yesNoRatingFor("pope"), "default");
  assert.equal(yesNoRatingFor("VSR-zeroshot"), "default");
  assert.equal(yesNoRatingFor(""), "default");
});

Deno.test("mmeRating(): acc + acc+ per category, perception and reasoning sums, sorted", () => {
  const rows = [
    // color: image a both right, image b one right -> acc 75, acc+ 50 -> 125.
    row({ category: "color", imagePath: "a", score: 1 }),
    row({ category: "color", imagePath: "a", score: 1 }),
    row({ category: "color", imagePath: "b", score: 1 }),
    row({ category: "color", imagePath: "b", score: 0 }),
    // OCR: both right -> 200.
    row({ category: "OCR", imagePath: "c", score: 1 }),
    row({ category: "OCR", imagePath: "c", score: 1 }),
    // code_reasoning: one of two -> acc 50, acc+ 0 -> 50.
    row({ category: "code_reasoning", imagePath: "d", score: 0 }),
    row({ category: "code_reasoning", imagePath: "d", score: 1 }),
    // Not one of MME's categories: reported, in neither sum.
    row({ category: "artwork_extra", imagePath: "e", score: 0 }),
    row({ category: "artwork_extra", imagePath: "e", score: 0 }),
  ];
  const rating = mmeRating(rows);
  assert.deepEqual(rating.table, {
    columns: ["perception", "reasoning", "OCR", "artwork_extra", "code_reasoning", "color"],
    rows: [[325, 50, 200, 0, 50, 125]],
  });
  assert.equal(rating.primary, 375);
  assert.equal(rating.primaryName, "Overall Score (perception + reasoning)");

  // No reasoning category at all: only perception is reported.
  const perceptionOnly = mmeRating(rows.slice(0, 4));
  assert.deepEqual(perceptionOnly.table, { columns: ["perception", "color"], rows: [[125, 125]] });

  assert.throws(
    () => mmeRating([row({ category: "color", imagePath: "a", score: 1 })]),
    /Cannot compute MME_rating as image "a" of category "color" has one question/,
  );
  assert.throws(
    () => mmeRating([row({ index: "9", category: "color", score: 1 })]),
    /Cannot compute MME_rating as row 0 \(index "9"\) has no "image_path"/,
  );
});

Deno.test("hallusionRating(): aAcc, fAcc, qAcc over figure and question groups", () => {
  // index parts: [3] set_id, [4] figure_id, [5] question_id.
  const rows = [
    row({ index: "VS_chart_x_0_0_0", category: "VS", l2Category: "chart", score: 1 }),
    row({ index: "VS_chart_x_0_0_1", category: "VS", l2Category: "chart", score: 0 }),
    row({ index: "VS_chart_x_0_1_0", category: "VS", l2Category: "chart", score: 1 }),
    row({ index: "VD_map_x_1_0_0", category: "VD", l2Category: "map", score: 1 }),
  ];
  // Overall: aAcc 3/4. Figures chart_0_0 {1,0}, chart_0_1 {1}, map_1_0 {1} -> 2/3.
  // Questions chart_0_0 {1,1}, chart_0_1 {0}, map_1_0 {1} -> 2/3.
  // VS: aAcc 2/3, figures 1/2, questions 1/2. VD: all 100. chart = VS, map = VD.
  const rating = hallusionRating(rows);
  assert.deepEqual(rating.table, {
    columns: ["split", "aAcc", "fAcc", "qAcc"],
    rows: [
      ["Overall", 75, (2 / 3) * 100, (2 / 3) * 100],
      ["VD", 100, 100, 100],
      ["VS", (2 / 3) * 100, 50, 50],
      ["chart", (2 / 3) * 100, 50, 50],
      ["map", 100, 100, 100],
    ],
  });
  assert.equal(rating.primaryName, "Overall Acc (mean of aAcc, fAcc, qAcc)");
  assert.ok(Math.abs(rating.primary - (75 + 2 * (200 / 3)) / 3) < 1e-9);
  assert.throws(
    () => hallusionRating([...rows, row({ index: "VS_chart_0_0", score: 1 })]),
    /Cannot compute Hallusion_rating as row 4 has index "VS_chart_0_0": it needs at least 6 parts/,
  );
});

Deno.test("popeRating(): F1 of Yes, acc, precision, recall; categories exploded at commas", () => {
  const rows = [
    row({ answer: "Yes", extracted: "Yes", score: 1, category: "adversarial,popular" }), // tp
    row({ answer: "Yes", extracted: "No", score: 0, category: "adversarial" }), // fn
    row({ answer: "No", extracted: "Yes", score: 0, category: "popular" }), // fp
    row({ answer: "No", extracted: "No", score: 1, category: "random" }), // tn
    row({ answer: "No", extracted: "Unknown", score: 0, category: "random" }), // tn, wrong
  ];
  // Overall over the 6 exploded rows: tp 2, fp 1, fn 1 -> precision 2/3, recall 2/3, F1 2/3;
  // acc 3/6 (the first row counts twice). adversarial: tp 1, fn 1 -> P 1, R 1/2, F1 2/3, acc 1/2. popular: tp 1, fp 1 -> P 1/2,
  // R 1, F1 2/3, acc 1/2. random: no Yes at all -> 0, 0, 0, acc 1/2.
  const rating = popeRating(rows);
  assert.deepEqual(rating.table.columns, ["split", "Overall", "acc", "precision", "recall"]);
  const rounded = rating.table.rows.map((r) =>
    r.map((cell) => (typeof cell === "number" ? Math.round(cell * 1e6) / 1e6 : cell))
  );
  const p = (x: number) => Math.round(x * 100 * 1e6) / 1e6;
  assert.deepEqual(rounded, [
    ["Overall", p(2 / 3), 50, p(2 / 3), p(2 / 3)],
    ["adversarial", p(2 / 3), 50, 100, 50],
    ["popular", p(2 / 3), 50, 50, 100],
    ["random", 0, 50, 0, 0],
  ]);
  assert.equal(rating.primaryName, "Overall F1");
  assert.equal(rating.primary, rating.table.rows[0][1]);
  // Without a category column there is only the Overall row.
  assert.deepEqual(popeRating([row({ score: 1 })]).table.rows, [["Overall", 100, 100, 100, 100]]);
});

Deno.test("amberRating(): VLMEvalKit's category map, mean per mapped category, Avg ACC", () => {
  const rows = [
    row({ category: "discriminative-attribute-state", score: 1 }),
    row({ category: "discriminative-attribute-number", score: 0 }),
    row({ category: "discriminative-attribute-action", score: 1 }),
    row({ category: "discriminative-attribute-action", score: 1 }),
    row({ category: "discriminative-hallucination", score: 0 }),
    row({ category: "discriminative-relation", score: 1 }),
    row({ category: "relation", score: 0 }),
  ];
  // Attribute 3/4, Existence 0, Relation 1/2 -> Avg (75 + 0 + 50) / 3.
  const rating = amberRating(rows);
  assert.deepEqual(rating.table, {
    columns: ["Attribute", "Existence", "Relation", "Avg ACC"],
    rows: [[75, 0, 50, 125 / 3]],
  });
  assert.equal(rating.primary, 125 / 3);
  assert.throws(() => amberRating([row({ score: 1 })]), /AMBER_rating as row 0 .* "category"/);
});

Deno.test("rateYesNo('default') is default_rating with Overall as its primary metric", () => {
  const rating = rateYesNo("default", [
    row({ score: 1, category: "b" }),
    row({ score: 0, category: "a" }),
  ]);
  assert.deepEqual(rating.table, { columns: ["Overall", "a", "b"], rows: [[50, 0, 100]] });
  assert.deepEqual([rating.primaryName, rating.primary], ["Overall Acc", 50]);
});
