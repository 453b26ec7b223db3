import assert from "node:assert/strict";
import { generateShapesMcq } from "./gen_shapes_benchmark.ts";
import { pythonStringList, toQuotedTsv } from "./_synthetic_tsv.ts";

const SHIPPED = new URL("../packages/datasets/bundled/Shapes_MCQ.tsv", import.meta.url);

Deno.test("generateShapesMcq() reproduces the shipped Shapes_MCQ.tsv byte for byte", async () => {
  assert.equal(generateShapesMcq(), await Deno.readTextFile(SHIPPED));
});

Deno.test("generateShapesMcq() depends only on the seed and the row count", () => {
  const a = generateShapesMcq({ rows: 20, seed: 7 });
  assert.equal(generateShapesMcq({ rows: 20, seed: 7 }), a);
  assert.notEqual(generateShapesMcq({ rows: 20, seed: 8 }), a);
  assert.equal(a.trimEnd().split("\n").length, 21);
});

Deno.test("toQuotedTsv() quotes every field and doubles inner quotes", () => {
  const text = toQuotedTsv(["a", "b"], [{ a: 'say "hi"', b: "tab\there" }]);
  assert.equal(text, '"a"\t"b"\n"say ""hi"""\t"tab\there"\n');
  assert.throws(() => toQuotedTsv(["a", "b"], [{ a: "1" }]), /row 0 as it lacks the columns b/);
});

Deno.test("pythonStringList() writes a Python list literal with escaped quotes", () => {
  assert.equal(pythonStringList(["A. left", "B. it's"]), "['A. left', 'B. it\\'s']");
});
