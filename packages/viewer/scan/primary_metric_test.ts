import assert from "node:assert/strict";
import { choosePrimaryKey, flattenScores, numberOf, scoreFileRank } from "./primary_metric.ts";

Deno.test("flattenScores() flattens a table as VLMEvalKit's _flatten_dataframe", () => {
  const flat = flattenScores({
    kind: "table",
    columns: ["split", "Overall", "colour", "note"],
    rows: [["dev", "0.9", "0.8", "x"], ["test", "0.7", "", "y"]],
  });
  assert.deepEqual([...flat], [
    ["split=dev|note=x|Overall", 0.9],
    ["split=dev|note=x|colour", 0.8],
    ["split=test|note=y|Overall", 0.7],
  ]);
});

Deno.test("flattenScores() flattens nested JSON as _flatten_any (lists of numbers, MVBench triples)", () => {
  const flat = flattenScores({
    kind: "object",
    value: { overall: { overall: "0.953" }, "Action Sequence": [3, 4, "75.00%"], one: [2] },
  });
  assert.deepEqual([...flat], [
    ["overall|overall", 0.953],
    ["Action Sequence|0", 3],
    ["Action Sequence|1", 4],
    ["one", 2],
  ]);
});

Deno.test("choosePrimaryKey() prefers overall, then acc, then score; test before val before dev", () => {
  assert.equal(choosePrimaryKey(["split=dev|Overall", "split=test|Overall"]), "split=test|Overall");
  assert.equal(choosePrimaryKey(["split=dev|colour", "split=dev|Overall"]), "split=dev|Overall");
  assert.equal(choosePrimaryKey(["Overall", "split=test|Overall"]), "Overall");
  assert.equal(
    choosePrimaryKey(["Final Score Norm", "Final Score", "Text Recognition"]),
    "Final Score",
  );
  assert.equal(
    choosePrimaryKey(["Category=rec|acc", "Category=Overall|acc"]),
    "Category=Overall|acc",
  );
  assert.equal(choosePrimaryKey(["b", "a"]), "a");
  assert.equal(choosePrimaryKey([]), undefined);
});

Deno.test("numberOf() reads numbers as Python's float() does, never booleans or blanks", () => {
  assert.equal(numberOf(" 0.5 "), 0.5);
  assert.equal(numberOf("1e-3"), 0.001);
  assert.equal(numberOf("-inf"), -Infinity);
  assert.equal(numberOf("75.00%"), undefined);
  assert.equal(numberOf(""), undefined);
  assert.equal(numberOf(true), undefined);
  assert.equal(numberOf(NaN), undefined);
});

Deno.test("scoreFileRank() asks the accuracy table first and other tables last", () => {
  const suffixes = ["results_x", "rating", "gpt-4o_score", "score", "acc", "acc_normalized"];
  assert.deepEqual(
    suffixes.sort((a, b) => scoreFileRank(a) - scoreFileRank(b)),
    ["acc", "score", "gpt-4o_score", "rating", "acc_normalized", "results_x"],
  );
});
