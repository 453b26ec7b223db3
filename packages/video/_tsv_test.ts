import assert from "node:assert/strict";
import { parseTsv } from "./_tsv.ts";

Deno.test("parseTsv() reads pandas-quoted cells with tabs, quotes and newlines", () => {
  const text = "\ufeffindex\tquestion\tcandidates\n" +
    '0\t"What is\tthis?"\t"[\'A. a ""b""\', \'B. c\']"\r\n' +
    '1\t"two\nlines"\tplain\n\n' +
    '"2"\tNA\t\n';
  const table = parseTsv(text, "x.tsv");
  assert.deepEqual(table.header, ["index", "question", "candidates"]);
  assert.deepEqual(table.records.map((r) => r.cells), [
    ["0", "What is\tthis?", "['A. a \"b\"', 'B. c']"],
    ["1", "two\nlines", "plain"],
    ["2", "NA", ""],
  ]);
  assert.deepEqual(table.records.map((r) => r.line), [2, 3, 6]);
});

Deno.test("parseTsv() pads short records and names the line of a long one", () => {
  assert.deepEqual(parseTsv("a\tb\n1\n", "x.tsv").records[0].cells, ["1", ""]);
  assert.throws(
    () => parseTsv("a\tb\n1\t2\n3\t4\t5\n", "x.tsv"),
    /x\.tsv line 3 as it has 3 cells where the header has 2/,
  );
  assert.throws(() => parseTsv('a\n"open\n', "x.tsv"), {
    name: "VideoDatasetError",
    message: "Cannot read video dataset x.tsv line 2 as a quoted cell is never closed",
    line: 2,
  });
  assert.throws(() => parseTsv('a\tb\n1\t"x\ny"z\n', "x.tsv"), {
    message: /x\.tsv line 2 as text follows a closing quote/,
    line: 2,
  });
  assert.throws(() => parseTsv("", "x.tsv"), /empty/);
});
