import assert from "node:assert/strict";
import { join } from "node:path";
import { parseTsvRecord, readTsvRecords } from "./_tsv_records.ts";
import { formatTsvField } from "./tsv_writer.ts";
import { DatasetFormatError } from "./errors.ts";

const decoder = new TextDecoder();

async function readAll(path: string) {
  using file = await Deno.open(path);
  const out: { offset: number; length: number; line: number; fields: string[] }[] = [];
  for await (const record of readTsvRecords(file, path, 0, 1)) {
    out.push({ ...record, fields: record.fields.map((f) => decoder.decode(f)) });
  }
  return out;
}

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("readTsvRecords() handles quoting, CRLF, blank lines and byte offsets", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_tsv_" });
  try {
    const path = join(dir, "t.tsv");
    const text = 'a\tb\n"x\ty"\t"say ""hi"""\r\n\nplain\t"multi\nline"\nlast\tno newline';
    await Deno.writeTextFile(path, text);
    const records = await readAll(path);
    assert.deepEqual(records.map((r) => r.fields), [
      ["a", "b"],
      ["x\ty", 'say "hi"'],
      ["plain", "multi\nline"],
      ["last", "no newline"],
    ]);
    assert.deepEqual(records.map((r) => r.line), [1, 2, 4, 6]);
    const bytes = new TextEncoder().encode(text);
    for (const record of records) {
      const slice = bytes.subarray(record.offset, record.offset + record.length);
      const fields = parseTsvRecord(slice, path, record.line).map((f) => decoder.decode(f));
      assert.deepEqual(fields, record.fields);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTsvRecords() reads records across chunk boundaries, including huge ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_tsv_" });
  try {
    const path = join(dir, "big.tsv");
    const next = random(42);
    const alphabet = 'ab"\t\n\r c';
    const rows: string[][] = [];
    for (let r = 0; r < 400; r++) {
      const size = r === 200 ? 3_000_000 : Math.floor(next() * 20_000);
      let text = "";
      for (let k = 0; k < size % 500; k++) text += alphabet[Math.floor(next() * alphabet.length)];
      rows.push([String(r), text, "x".repeat(size), r % 3 === 0 ? "" : "end"]);
    }
    const lines = rows.map((row, r) => {
      const fields = row.map((field, k) =>
        (k === 1 || r % 2 === 0) ? formatTsvField(field) : field
      );
      return fields.join("\t") + (r % 5 === 0 ? "\r\n" : "\n");
    });
    await Deno.writeTextFile(path, lines.join(""));
    const records = await readAll(path);
    assert.deepEqual(records.map((r) => r.fields), rows);
    const bytes = await Deno.readFile(path);
    for (const record of [records[0], records[199], records[200], records[399]]) {
      const slice = bytes.subarray(record.offset, record.offset + record.length);
      assert.deepEqual(
        parseTsvRecord(slice, path, record.line).map((f) => decoder.decode(f)),
        record.fields,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("parseTsvRecord() rejects bytes that are not exactly one record", () => {
  const bytes = new TextEncoder().encode("a\tb\nc\td\n");
  assert.throws(() => parseTsvRecord(bytes, "f.tsv", 3), (error: unknown) => {
    assert.ok(error instanceof DatasetFormatError);
    assert.equal(error.line, 3);
    return true;
  });
  assert.throws(
    () => parseTsvRecord(new TextEncoder().encode('"open\n'), "f.tsv", 1),
    /never closed/,
  );
});
