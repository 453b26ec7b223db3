import assert from "node:assert/strict";
import { join } from "node:path";
import { readTsvTable } from "./_tsv_table.ts";

async function tableOf(text: string | Uint8Array) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_tsv_table_" });
  try {
    const path = join(dir, "x.tsv");
    if (typeof text === "string") await Deno.writeTextFile(path, text);
    else await Deno.writeFile(path, text);
    return await readTsvTable(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("readTsvTable() reads pandas-quoted cells with tabs, quotes and newlines", async () => {
  const text = "\ufeffindex\tquestion\tcandidates\n" +
    '0\t"What is\tthis?"\t"[\'A. a ""b""\', \'B. c\']"\r\n' +
    '1\t"two\nlines"\tplain\n\n' +
    '"2"\tNA\t\n';
  const table = await tableOf(text);
  assert.deepEqual(table.header, ["index", "question", "candidates"]);
  assert.deepEqual(table.records.map((r) => r.cells), [
    ["0", "What is\tthis?", "['A. a \"b\"', 'B. c']"],
    ["1", "two\nlines", "plain"],
    ["2", "NA", ""],
  ]);
  assert.deepEqual(table.records.map((r) => r.line), [2, 3, 6]);
});

Deno.test("readTsvTable() pads short records and names the line of a long one", async () => {
  assert.deepEqual((await tableOf("a\tb\n1\n")).records[0].cells, ["1", ""]);
  await assert.rejects(
    tableOf("a\tb\n1\t2\n3\t4\t5\n"),
    /x\.tsv" at line 3: the row has 3 fields: expected 2 as in the header/,
  );
  await assert.rejects(tableOf('a\n"open\n'), {
    name: "DatasetFormatError",
    message: /x\.tsv" at line 2: a quoted field is never closed$/,
    line: 2,
  });
  await assert.rejects(tableOf('a\tb\n1\t"x\ny"z\n'), {
    message: /x\.tsv" at line 2: text follows a closing quote/,
    line: 2,
  });
  await assert.rejects(tableOf(""), /empty/);
  await assert.rejects(tableOf(new Uint8Array([0x61, 0x0a, 0xff, 0x0a])), {
    name: "DatasetFormatError",
    message: /x\.tsv" at line 2: the text is not valid UTF-8/,
  });
});
