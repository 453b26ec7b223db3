import assert from "node:assert/strict";
import { isFinished, journalWorldSizes, JournalWriter, readJournals } from "./journal.ts";

Deno.test("readJournals() ignores a torn last line and a writer starts on a fresh line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = JournalWriter.open(dir, 0, 2);
    w.append({ index: "1", prediction: "A", ok: true });
    w.close();
    await Deno.writeTextFile(`${dir}/rank0of2.jsonl`, '{"index":"2","predic', { append: true });
    let state = readJournals(dir);
    assert.equal(state.records.size, 1);
    assert.equal(state.skippedLines, 1);
    const again = JournalWriter.open(dir, 0, 2);
    again.append({ index: "2", prediction: "B", ok: true });
    again.close();
    state = readJournals(dir);
    assert.equal(state.records.get("2")?.prediction, "B");
    assert.deepEqual([...state.worldSizes], [2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readJournals() prefers a success over a failure whatever the order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = JournalWriter.open(dir, 0, 1);
    a.append({ index: "1", prediction: "B", ok: true });
    a.append({ index: "1", prediction: "Failed to obtain answer: X y", ok: false });
    a.append({ index: "2", prediction: "Failed to obtain answer: X y", ok: false });
    a.close();
    const b = JournalWriter.open(dir, 1, 3);
    b.append({ index: "2", prediction: "C", ok: true });
    b.close();
    const { records, worldSizes } = readJournals(dir);
    assert.equal(records.get("1")?.prediction, "B");
    assert.equal(records.get("2")?.prediction, "C");
    assert.deepEqual([...worldSizes].sort(), [1, 3]);
    assert.deepEqual([...journalWorldSizes(dir)].sort(), [1, 3], "the same, by file name");
    assert.deepEqual([...journalWorldSizes(`${dir}/missing`)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isFinished() retries failures unless they are kept", () => {
  const failed = {
    index: "1",
    prediction: "Failed to obtain answer via API. HTTP 500",
    ok: false,
    rank: 0,
    worldSize: 1,
    time: 0,
  };
  assert.equal(isFinished(undefined, false), false);
  assert.equal(isFinished(failed, false), false);
  assert.equal(isFinished(failed, true), true);
  assert.equal(isFinished({ ...failed, prediction: "A", ok: true }, false), true);
});
