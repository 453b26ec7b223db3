import assert from "node:assert/strict";
import { looksLikeList, parsePythonStringList } from "./python_list.ts";

Deno.test("parsePythonStringList() reads single- and double-quoted strings", () => {
  assert.deepEqual(parsePythonStringList(`['a.png', "b.png"]`), ["a.png", "b.png"]);
  assert.deepEqual(parsePythonStringList(`[ 'x' ,\n 'y', ]`), ["x", "y"]);
  assert.deepEqual(parsePythonStringList(`[]`), []);
  assert.deepEqual(parsePythonStringList(`  ['only']  `), ["only"]);
});

Deno.test("parsePythonStringList() decodes Python escapes", () => {
  assert.deepEqual(parsePythonStringList(String.raw`['it\'s', "say \"hi\""]`), [
    "it's",
    'say "hi"',
  ]);
  assert.deepEqual(parsePythonStringList(String.raw`['a\nb\tc\\d']`), ["a\nb\tc\\d"]);
  assert.deepEqual(parsePythonStringList(String.raw`['\x41\u00e9\U0001F600\101\0']`), [
    "A\u00e9\u{1F600}A\0",
  ]);
  assert.deepEqual(parsePythonStringList("['a\\\nb']"), ["ab"]);
  assert.deepEqual(parsePythonStringList(String.raw`['\d\w']`), ["\\d\\w"]);
  assert.deepEqual(parsePythonStringList(`["it's", 'a "b"']`), ["it's", 'a "b"']);
});

Deno.test("parsePythonStringList() rejects anything that is not a list of plain strings", () => {
  const bad = [
    "",
    "'a'",
    "[",
    "['a'",
    "['a' 'b']",
    "['a',,'b']",
    "[,]",
    "[1, 2]",
    "[['a']]",
    "[r'a']",
    "['''a''']",
    "['a\nb']",
    "['unterminated]",
    String.raw`['\x4']`,
    String.raw`['\N{BULLET}']`,
    "['a'] + ['b']",
    "__import__('os').system('true')",
    "['a'][0]",
  ];
  for (const text of bad) {
    assert.throws(() => parsePythonStringList(text), SyntaxError, `should reject ${text}`);
  }
});

Deno.test("parsePythonStringList() names the position of the problem", () => {
  assert.throws(
    () => parsePythonStringList("['a', 3]"),
    { name: "SyntaxError", message: /expected a quoted string at position 6/ },
  );
});

Deno.test("looksLikeList() follows toliststr: starts with '[' and ends with ']'", () => {
  assert.equal(looksLikeList("['a']"), true);
  assert.equal(looksLikeList("[x].png"), false);
  assert.equal(looksLikeList(" ['a']"), false);
  assert.equal(looksLikeList("iVBORw0KGgo"), false);
});

// From the video package's parser, merged into this one grammar (the `u` prefix it accepted).
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
      "[b'a']",
      "[u]",
    ]
  ) {
    assert.throws(() => parsePythonStringList(text), SyntaxError, text);
  }
});
