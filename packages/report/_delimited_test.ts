import assert from "node:assert/strict";
import { DelimitedSyntaxError, parseDelimited, quoteAllLine } from "./_delimited.ts";

const parse = (text: string, sep = "\t") => [...parseDelimited(text, sep)];

Deno.test("quoteAllLine() quotes every field and doubles inner quotes", () => {
  assert.equal(quoteAllLine(['a"b', "", "c\td\n"], "\t"), '"a""b"\t""\t"c\td\n"\n');
  assert.equal(quoteAllLine(["1", "x,y"], ","), '"1","x,y"\n');
});

Deno.test("parseDelimited() reads what quoteAllLine() writes", () => {
  const rows = [["h1", "h2"], ['a"b\t', "multi\nline\r\nend"], ["", "中文 🙂"]];
  const text = rows.map((fields) => quoteAllLine(fields, "\t")).join("");
  assert.deepEqual(parse(text).map((record) => record.fields), rows);
  assert.deepEqual(parse(text).map((record) => record.line), [1, 2, 5]);
});

Deno.test("parseDelimited() reads unquoted fields, CRLF, blank lines and a BOM", () => {
  assert.deepEqual(
    parse('\uFEFFa\tb\r\n\r\n1\t"2"\n3\t\n4\tx"y').map((record) => record.fields),
    [["a", "b"], ["1", "2"], ["3", ""], ["4", 'x"y']],
  );
});

Deno.test("parseDelimited() keeps the last field when the file ends without a newline", () => {
  assert.deepEqual(parse('a\t"b"').map((record) => record.fields), [["a", "b"]]);
  assert.deepEqual(parse("a\t").map((record) => record.fields), [["a", ""]]);
});

Deno.test("parseDelimited() reports an unterminated quote with its line and field", () => {
  assert.throws(() => parse('a\tb\n1\t"open\nmore'), (error: unknown) => {
    assert.ok(error instanceof DelimitedSyntaxError);
    assert.equal(error.line, 2);
    assert.equal(error.field, 1);
    assert.equal(error.message, "a quoted field opened on line 2 is never closed");
    return true;
  });
});

Deno.test("parseDelimited() reports text after a closing quote", () => {
  assert.throws(() => parse('a\n"x"y\n'), {
    name: "DelimitedSyntaxError",
    message: 'line 2 has "y" right after a closing quote',
  });
});
