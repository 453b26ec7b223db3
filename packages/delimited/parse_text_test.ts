import assert from "node:assert/strict";
import { parseDelimited } from "./parse_text.ts";
import { quoteAllLine } from "./quote_all.ts";
import { DelimitedSyntaxError } from "./syntax_error.ts";

const parse = (text: string, sep = "\t") => [...parseDelimited(text, sep)];
const fields = (text: string, sep = "\t") => parse(text, sep).map((record) => record.fields);

Deno.test("parseDelimited() reads what quoteAllLine() writes", () => {
  const rows = [["h1", "h2"], ['a"b\t', "multi\nline\r\nend"], ["", "中文 🙂"]];
  const text = rows.map((row) => quoteAllLine(row, "\t")).join("");
  assert.deepEqual(fields(text), rows);
  assert.deepEqual(parse(text).map((record) => record.line), [1, 2, 5]);
});

Deno.test("parseDelimited() reads unquoted fields, CRLF, blank lines and a BOM", () => {
  assert.deepEqual(
    fields('\uFEFFa\tb\r\n\r\n1\t"2"\n3\t\n4\tx"y'),
    [["a", "b"], ["1", "2"], ["3", ""], ["4", 'x"y']],
  );
  assert.deepEqual(fields('a,"b,c"\n\n"d""e",f\n', ","), [["a", "b,c"], ['d"e', "f"]]);
});

Deno.test("parseDelimited() keeps the last field when the file ends without a newline", () => {
  assert.deepEqual(fields('a\t"b"'), [["a", "b"]]);
  assert.deepEqual(fields("a\t"), [["a", ""]]);
  assert.deepEqual(fields('a\n""'), [["a"], [""]], "a quoted empty field is not a blank line");
});

Deno.test("parseDelimited() cuts fields right around non-ASCII text and lone surrogates", () => {
  const text = "é\t中文 😀\t\uD800x\n" + '"日本"\t"""引用"""\t\uDFFF\n' + "🙂🙂\t\tok";
  assert.deepEqual(fields(text), [
    ["é", "中文 😀", "\uD800x"],
    ["日本", '"引用"', "\uDFFF"],
    ["🙂🙂", "", "ok"],
  ]);
});

Deno.test("parseDelimited() reports an unterminated quote with its line and field", () => {
  assert.throws(() => parse('a\tb\n1\t"open\nmore'), (error: unknown) => {
    assert.ok(error instanceof DelimitedSyntaxError);
    assert.equal(error.problem, "unclosed-quote");
    assert.equal(error.line, 2);
    assert.equal(error.column, 1);
    assert.equal(error.recordLine, 2);
    assert.equal(error.message, "a quoted field opened on line 2 is never closed");
    return true;
  });
  assert.throws(() => parse('a\n"x\ny"\t"open'), { line: 3, recordLine: 2, column: 1 });
});

Deno.test("parseDelimited() reports text after a closing quote", () => {
  assert.throws(() => parse('a\n"x"y\n'), {
    name: "DelimitedSyntaxError",
    message: 'line 2 has "y" right after a closing quote',
    problem: "text-after-quote",
    line: 2,
    column: 0,
    recordLine: 2,
  });
  assert.throws(() => parse('a\tb\n"1\n2"\t"x"é\n'), {
    message: 'line 3 has "é" right after a closing quote',
    line: 3,
    column: 1,
    recordLine: 2,
  });
});

Deno.test("parseDelimited() refuses a separator it cannot split on", () => {
  for (const separator of ["", "\t\t", '"', "\n", "§"]) {
    assert.throws(() => parse("a", separator), RangeError);
  }
});
