import assert from "node:assert/strict";
import { pyListRepr, pyStrRepr } from "./_python_repr.ts";

// Expected values printed by CPython 3.11.
Deno.test("pyStrRepr() quotes and escapes as Python's repr", () => {
  assert.equal(pyStrRepr("it's"), `"it's"`);
  assert.equal(pyStrRepr(`a"b'c`), `'a"b\\'c'`);
  assert.equal(
    pyStrRepr("tab\t\x00\u00e9\u2028\u{1F600}\u00a0\\"),
    "'tab\\t\\x00\u00e9\\u2028\u{1F600}\\xa0\\\\'",
  );
  assert.equal(pyStrRepr("\x7f\u200b"), "'\\x7f\\u200b'");
});

Deno.test("pyListRepr() prints str, float, int and bool items as str(list)", () => {
  assert.equal(
    pyListRepr([{ str: "a" }, { float: 1 }, { int: 1 }, { bool: false }, { float: 1 / 3 }]),
    "['a', 1.0, 1, False, 0.3333333333333333]",
  );
  assert.equal(pyListRepr([]), "[]");
});
