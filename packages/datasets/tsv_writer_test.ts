import assert from "node:assert/strict";
import { join } from "node:path";
import { formatTsvField, formatTsvRow, writeTsvFile } from "./tsv_writer.ts";
import { openImageDataset } from "./image_dataset.ts";

Deno.test("formatTsvRow() quotes every field and doubles inner quotes, as pandas QUOTE_ALL", () => {
  assert.equal(formatTsvRow(["index", "question"]), '"index"\t"question"\n');
  assert.equal(
    formatTsvRow(["0", 'Say "hi"\tnow\nplease', ""]),
    '"0"\t"Say ""hi""\tnow\nplease"\t""\n',
  );
  assert.equal(formatTsvField('"'), '""""');
});

Deno.test("writeTsvFile() writes a file that openImageDataset() reads back unchanged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_tsv_writer_" });
  try {
    const path = join(dir, "nested", "Round.tsv");
    const red = await Deno.readFile(new URL("./testdata/red.png", import.meta.url));
    const questions = ['Quote " and tab\t', "Line\nbreak", "Back\\slash and 'single'", "émoji 😀"];
    await writeTsvFile(
      path,
      ["index", "image", "question"],
      questions.map((q, k) => [String(k), red.toBase64(), q]),
    );
    using dataset = await openImageDataset(path);
    const read = [];
    for await (const { row } of dataset.rows()) read.push(row.question);
    assert.deepEqual(read, questions);
    assert.deepEqual([...Deno.readDirSync(join(dir, "nested"))].map((e) => e.name), ["Round.tsv"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeTsvFile() refuses a row of the wrong width and leaves no file behind", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_tsv_writer_" });
  try {
    const path = join(dir, "Bad.tsv");
    await assert.rejects(
      () => writeTsvFile(path, ["a", "b"], [["1", "2"], ["3"]]),
      { name: "RangeError", message: /row 2 .* has 1 fields: expected 2/ },
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
