import assert from "node:assert/strict";
import { parsePythonStringList } from "./_python_list.ts";

Deno.test("parsePythonStringList() reads Python string lists with escapes", () => {
  assert.deepEqual(parsePythonStringList("['A. left', 'B. right']"), ["A. left", "B. right"]);
  assert.deepEqual(
    parsePythonStringList(`["it's", 'say \\'hi\\'', 'tab\\there', 'caf\\xe9', u'\\u00e9',]`),
    [
      "it's",
      "say 'hi'",
      "tab\there",
      "café",
      "é",
    ],
  );
  assert.deepEqual(parsePythonStringList(" [ ] "), []);
  assert.deepEqual(parsePythonStringList("['back\\\\slash', 'keep\\d']"), [
    "back\\slash",
    "keep\\d",
  ]);
});

Deno.test("parsePythonStringList() refuses anything that is not a list of strings", () => {
  for (
    const text of [
      "",
      "'a'",
      "['a' 'b']",
      "['a', 1]",
      "['a'] + ['b']",
      "[__import__('os')]",
      "['a",
      "['\\x4']",
    ]
  ) {
    assert.throws(() => parsePythonStringList(text), SyntaxError, text);
  }
});
