import assert from "node:assert/strict";
import { join } from "node:path";
import { parseDelimited } from "./parse_text.ts";
import { quoteField } from "./quote_all.ts";
import { parseDelimitedRecord, readDelimitedRecords } from "./read_records.ts";
import { DelimitedSyntaxError } from "./syntax_error.ts";

const decoder = new TextDecoder();

async function withFile<T>(text: string, fn: (path: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_delimited_" });
  try {
    const path = join(dir, "t.tsv");
    await Deno.writeTextFile(path, text);
    return await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function readAll(path: string, offset = 0, line = 1) {
  using file = await Deno.open(path);
  const out: { offset: number; length: number; line: number; fields: string[] }[] = [];
  for await (const record of readDelimitedRecords(file, { offset, line })) {
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

Deno.test("readDelimitedRecords() handles quoting, CRLF, blank lines and byte offsets", async () => {
  const text = 'a\tb\n"x\ty"\t"say ""hi"""\r\n\nplain\t"multi\nline"\nlast\tno newline';
  await withFile(text, async (path) => {
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
      const fields = parseDelimitedRecord(slice, record.line)!.map((f) => decoder.decode(f));
      assert.deepEqual(fields, record.fields);
    }
    assert.deepEqual(
      (await readAll(path, records[2].offset, 4)).map((r) => [r.line, r.fields[0]]),
      [[4, "plain"], [6, "last"]],
    );
  });
});

Deno.test("readDelimitedRecords() skips a byte-order mark at the start of the file", async () => {
  await withFile("\uFEFFindex\tq\n1\tx\n", async (path) => {
    const records = await readAll(path);
    assert.deepEqual(records.map((r) => r.fields), [["index", "q"], ["1", "x"]]);
    assert.equal(records[0].offset, 3);
  });
});

Deno.test("readDelimitedRecords() reads records across chunk boundaries, as parseDelimited() does", async () => {
  const next = random(42);
  const alphabet = [...'ab"\t\n\r cé😀'];
  const rows: string[][] = [];
  for (let r = 0; r < 400; r++) {
    const size = r === 200 ? 3_000_000 : Math.floor(next() * 20_000);
    let text = "";
    for (let k = 0; k < size % 500; k++) text += alphabet[Math.floor(next() * alphabet.length)];
    rows.push([String(r), text, "x".repeat(size), r % 3 === 0 ? "" : "end"]);
  }
  const lines = rows.map((row, r) => {
    const fields = row.map((field, k) => (k === 1 || r % 2 === 0) ? quoteField(field) : field);
    return fields.join("\t") + (r % 5 === 0 ? "\r\n" : "\n");
  });
  const text = lines.join("");
  await withFile(text, async (path) => {
    const records = await readAll(path);
    assert.deepEqual(records.map((r) => r.fields), rows);
    const parsed = [...parseDelimited(text)];
    assert.deepEqual(parsed.map((r) => r.fields), rows);
    assert.deepEqual(parsed.map((r) => r.line), records.map((r) => r.line));
    const bytes = await Deno.readFile(path);
    for (const record of [records[0], records[199], records[200], records[399]]) {
      const slice = bytes.subarray(record.offset, record.offset + record.length);
      assert.deepEqual(
        parseDelimitedRecord(slice, record.line)!.map((f) => decoder.decode(f)),
        record.fields,
      );
    }
  });
});

Deno.test("readDelimitedRecords() reports broken quoting with the record's line", async () => {
  await withFile('h\tq\n1\t"never closed\n2\tx\n', async (path) => {
    await assert.rejects(() => readAll(path), {
      name: "DelimitedSyntaxError",
      problem: "unclosed-quote",
      line: 2,
      column: 1,
      recordLine: 2,
    });
  });
  await withFile('h\tq\n1\t"a\nb"c\n', async (path) => {
    await assert.rejects(() => readAll(path), {
      message: 'line 3 has "c" right after a closing quote',
      line: 3,
      recordLine: 2,
    });
  });
});

Deno.test("parseDelimitedRecord() gives undefined for bytes that are not exactly one record", () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  assert.equal(parseDelimitedRecord(encode("a\tb\nc\td\n"), 3), undefined);
  assert.deepEqual(parseDelimitedRecord(encode("a,b\n"), 1, ",")?.length, 2);
  assert.throws(() => parseDelimitedRecord(encode('"open\n'), 7), (error: unknown) => {
    assert.ok(error instanceof DelimitedSyntaxError);
    assert.equal(error.recordLine, 7);
    return true;
  });
});
