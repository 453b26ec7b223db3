import assert from "node:assert/strict";
import { JsonlLog, readJsonl, readJsonlFile, writeAllSync } from "./jsonl_log.ts";

Deno.test("JsonlLog.open() closes a torn last line so the next value starts on its own", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_jsonl_" });
  try {
    const path = `${dir}/log.jsonl`;
    await Deno.writeTextFile(path, '{"a":1}\n{"b":');
    const log = JsonlLog.open(path);
    log.append({ c: 3 });
    log.sync();
    log.close();
    const text = await Deno.readTextFile(path);
    assert.equal(text, '{"a":1}\n{"b":\n{"c":3}\n');
    assert.deepEqual(readJsonl(text), {
      values: [{ a: 1 }, { c: 3 }],
      lines: [1, 3],
      skipped: 1,
      skippedLines: [2],
    });
    JsonlLog.open(path).close();
    assert.equal(await Deno.readTextFile(path), text, "a whole last line is left as it is");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeAllSync() loops until a short writer took every byte", () => {
  const got: number[] = [];
  writeAllSync({
    writeSync: (p) => {
      got.push(p[0]);
      return 1;
    },
  }, new Uint8Array([1, 2, 3]));
  assert.deepEqual(got, [1, 2, 3]);
});

Deno.test("readJsonlFile() visits what readJsonl() returns, across its read chunks, with each line's bytes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_jsonl_" });
  try {
    const path = `${dir}/log.jsonl`;
    // Lines around the 64 KiB read size, one longer than it, non-ASCII text, blank, CRLF and
    // torn lines.
    const lines = ["\ufeff" + JSON.stringify({ a: "é" }), "", "not json", '{"crlf": "ok"}\r'];
    for (let k = 0; k < 3000; k++) lines.push(JSON.stringify({ k, text: "x".repeat(k % 700) }));
    lines.push(JSON.stringify({ long: "y".repeat(1_500_000) }), "  ", JSON.stringify({ z: "ü" }));
    const text = lines.join("\n") + '\n{"torn":';
    await Deno.writeTextFile(path, text);
    const values: unknown[] = [];
    const at: number[] = [];
    const bytes = await Deno.readFile(path);
    const reread: unknown[] = [];
    const skipped = readJsonlFile(path, (value, line, offset, length) => {
      values.push(value);
      at.push(line);
      reread.push(JSON.parse(new TextDecoder().decode(bytes.subarray(offset, offset + length))));
    });
    const expected = readJsonl(text.replace(/^\ufeff/, ""));
    assert.equal(values.length, 3004);
    assert.deepEqual(values, expected.values);
    assert.deepEqual(reread, expected.values);
    assert.deepEqual(at, expected.lines);
    assert.deepEqual(skipped, [3, 3008]);
    assert.deepEqual(skipped, expected.skippedLines);
    assert.throws(() => readJsonlFile(`${dir}/missing.jsonl`, () => {}), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JsonlLog.append() writes short and long values as one line each", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_jsonl_" });
  try {
    const path = `${dir}/log.jsonl`;
    const log = JsonlLog.open(path);
    const values = [{ a: "é" }, { b: "z".repeat(20_000) }, { c: 3 }];
    for (const value of values) log.append(value);
    log.close();
    assert.deepEqual(readJsonl(await Deno.readTextFile(path)).values, values);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
