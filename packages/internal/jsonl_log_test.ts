import assert from "node:assert/strict";
import { JsonlLog, readJsonl, writeAllSync } from "./jsonl_log.ts";

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
    assert.deepEqual(readJsonl(text), { values: [{ a: 1 }, { c: 3 }], skipped: 1 });
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
