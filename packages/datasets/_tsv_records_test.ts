import assert from "node:assert/strict";
import { join } from "node:path";
import { parseTsvRecord, readTsvRecords } from "./_tsv_records.ts";
import { DatasetFormatError } from "./errors.ts";

// The reader itself is tested in @vlmeval/delimited; these check what this package's users see.

Deno.test("readTsvRecords() names the file and the record's line for broken quoting", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_tsv_" });
  try {
    const path = join(dir, "t.tsv");
    await Deno.writeTextFile(path, 'a\tb\n1\t"x\ny"z\n');
    using file = await Deno.open(path);
    await assert.rejects(
      async () => {
        for await (const _ of readTsvRecords(file, path, 0, 1));
      },
      (error: unknown) => {
        assert.ok(error instanceof DatasetFormatError);
        assert.equal(error.file, path);
        assert.equal(error.line, 2);
        assert.equal(
          error.message,
          `Cannot read TSV "${path}" at line 2: text follows a closing quote (a quote inside a quoted field must be doubled)`,
        );
        return true;
      },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseTsvRecord() rejects bytes that are not exactly one record of the width", () => {
  const bytes = new TextEncoder().encode("a\tb\nc\td\n");
  const changed = {
    name: "DatasetFormatError",
    message: 'Cannot read TSV "f.tsv" at line 3: the row changed since the dataset was opened',
    line: 3,
  };
  assert.throws(() => parseTsvRecord(bytes, "f.tsv", 3, 2), changed);
  const short = new TextEncoder().encode("a\tb\n");
  assert.deepEqual(parseTsvRecord(short, "f.tsv", 3, 2).length, 2);
  assert.throws(() => parseTsvRecord(short, "f.tsv", 3, 3), changed, "a field too few");
  assert.throws(() => parseTsvRecord(new TextEncoder().encode('"open\n'), "f.tsv", 1, 1), {
    name: "DatasetFormatError",
    message: 'Cannot read TSV "f.tsv" at line 1: a quoted field is never closed',
  });
});
