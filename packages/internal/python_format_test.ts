import assert from "node:assert/strict";
import { pythonFloat, pythonJsonDumps, pythonListRepr, pythonStrRepr } from "./python_format.ts";

Deno.test("pythonFloat() prints numbers as Python's str(float)", () => {
  assert.deepEqual(
    [1, 0.5, 2, 0.1, 1e-5, 1e16, 123.25, -3].map(pythonFloat),
    ["1.0", "0.5", "2.0", "0.1", "1e-05", "1e+16", "123.25", "-3.0"],
  );
});

Deno.test("pythonJsonDumps() writes json.dumps's separators and ASCII escapes", () => {
  assert.equal(
    pythonJsonDumps([["3", 'say "hi"\nA. é'], ["10", "ok"]]),
    '{"3": "say \\"hi\\"\\nA. \\u00e9", "10": "ok"}',
  );
});

Deno.test("pythonFloat() prints floats as Python's repr, -0.0 and exponents included", () => {
  assert.deepEqual(
    [1e16, 1e-5, 0.0001, 123456789012345678, -0, 2.5e-7, 2, NaN, -Infinity].map(pythonFloat),
    ["1e+16", "1e-05", "0.0001", "1.2345678901234568e+17", "-0.0", "2.5e-07", "2.0", "nan", "-inf"],
  );
});

Deno.test("pythonStrRepr() and pythonListRepr() write Python's repr of str and str(list)", () => {
  // Each expected value is what CPython 3 prints for repr() of the same string.
  const cases: [string, string][] = [
    ["A", "'A'"],
    ["it's", `"it's"`],
    ['say "hi"', `'say "hi"'`],
    [`both ' and "`, `'both \\' and "'`],
    ["a\nb\tc\r\\", "'a\\nb\\tc\\r\\\\'"],
    ["\x00\x7f", "'\\x00\\x7f'"],
    ["é 中文", "'é 中文'"],
    ["\xa0\u2028\u{e0001}", "'\\xa0\\u2028\\U000e0001'"],
  ];
  for (const [text, repr] of cases) assert.equal(pythonStrRepr(text), repr, JSON.stringify(text));
  assert.equal(pythonListRepr(["A", "it's", "b"]), `['A', "it's", 'b']`);
  assert.equal(pythonListRepr([]), "[]");
});
