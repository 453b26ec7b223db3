import assert from "node:assert/strict";
import { npMean, pyFloat, pyFloatRepr, pyInt } from "./_python_number.ts";

// Expected values printed by CPython 3.11.
Deno.test("pyInt() accepts what Python's int() accepts, and nothing else", () => {
  const accepted: [string, bigint][] = [
    ["1_000", 1000n],
    [" -7 ", -7n],
    ["\u0663", 3n],
    ["0_0", 0n],
    ["\u0661_\u0662", 12n],
    ["1".repeat(4300), BigInt("1".repeat(4300))],
  ];
  for (const [text, value] of accepted) assert.equal(pyInt(text), value, text.slice(0, 20));
  for (const text of ["_1", "1_", "1__0", "0x10", "+", "", "1.0", "1".repeat(4301)]) {
    assert.equal(pyInt(text), undefined, text.slice(0, 20));
  }
});

Deno.test("pyFloat() accepts what Python's float() accepts, and nothing else", () => {
  const accepted: [string, number][] = [
    ["1_0.5", 10.5],
    ["1e5", 100000],
    [".5", 0.5],
    ["5.", 5],
    ["INF", Infinity],
    ["-Infinity", -Infinity],
    [" 2 ", 2],
    ["\u20071", 1],
    ["1\u00a0", 1],
    ["1e400", Infinity],
  ];
  for (const [text, value] of accepted) assert.equal(pyFloat(text), value, text);
  assert.ok(Number.isNaN(pyFloat("nAn")));
  for (const text of [".", "e5", "1e", "1.5_", "1_.5", "0x1p3", "Infinityy", ""]) {
    assert.equal(pyFloat(text), undefined, text);
  }
});

Deno.test("pyFloatRepr() prints floats as Python's repr", () => {
  assert.deepEqual(
    [1e16, 1e-5, 0.0001, 123456789012345678, -0, 2.5e-7, 2, NaN, -Infinity].map(pyFloatRepr),
    ["1e+16", "1e-05", "0.0001", "1.2345678901234568e+17", "-0.0", "2.5e-07", "2.0", "nan", "-inf"],
  );
});

Deno.test("npMean() sums as numpy: sequential under 8, eight lanes to 128, halves above", () => {
  assert.ok(Number.isNaN(npMean([])));
  assert.equal(npMean([0.1, 0.2, 0.3]), (0.1 + 0.2 + 0.3) / 3);
  const many = Array.from({ length: 300 }, (_, k) => ((k * k) % 11) / 11);
  let sequential = 0;
  for (const v of many) sequential += v;
  // numpy's np.mean of this array, printed by numpy 2.4.
  assert.equal(npMean(many), 0.3615151515151515);
  assert.equal(sequential / many.length, 0.36151515151515073);
});
