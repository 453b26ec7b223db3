import assert from "node:assert/strict";
import { pyFloat, pyInt } from "./python_number.ts";

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
