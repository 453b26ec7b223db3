import assert from "node:assert/strict";
import { pythonFloat, pythonJsonDumps, pythonListRepr, pythonStrRepr } from "./python_format.ts";

Deno.test("pythonFloat() prints numbers as Python's str(float)", () => {
  assert.deepEqual(
    [1, 0.5, 2, 0.1, 1e-5, 1e16, 123.25, -3, 0, -0, 0.0001, 5e-5, 1.5e300, -2.5e-10, NaN].map(
      pythonFloat,
    ),
    [
      "1.0",
      "0.5",
      "2.0",
      "0.1",
      "1e-05",
      "1e+16",
      "123.25",
      "-3.0",
      "0.0",
      "-0.0",
      "0.0001",
      "5e-05",
      "1.5e+300",
      "-2.5e-10",
      "nan",
    ],
  );
});

Deno.test("pythonJsonDumps() writes json.dumps's separators and ASCII escapes", () => {
  assert.equal(
    pythonJsonDumps([["3", 'say "hi"\nA. é'], ["10", "ok"]]),
    '{"3": "say \\"hi\\"\\nA. \\u00e9", "10": "ok"}',
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
