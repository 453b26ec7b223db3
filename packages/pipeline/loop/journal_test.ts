import assert from "node:assert/strict";
import { isFinished, journalWorldSizes, JournalWriter, readJournals } from "./journal.ts";
import { type IndexKeys, JournalRecords } from "./journal_records.ts";

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

Deno.test("isFinished() retries failure texts unless they are kept", () => {
  const failed = { ok: false, failureText: true, time: 0 };
  assert.equal(isFinished(undefined, false), false);
  assert.equal(isFinished(failed, false), false);
  assert.equal(isFinished(failed, true), true);
  assert.equal(isFinished({ ...failed, failureText: false }, false), true, "a parse failure");
  assert.equal(isFinished({ ok: true, failureText: false, time: 0 }, false), true);
});

Deno.test("JournalRecords gives back each index's best record whole, optional fields included", () => {
  const records = new JournalRecords();
  const base = { rank: 1, worldSize: 2, time: 1_700_000_000_123 };
  const failure = {
    ...base,
    index: "7",
    prediction: "Failed to obtain answer: RangeError bad",
    ok: false,
    stage: "prompt" as const,
    errorType: "RangeError",
    ms: 2.5,
  };
  records.offer(failure);
  assert.deepEqual(records.get("7"), failure);
  const usage = { promptTokens: 10, completionTokens: 2, requests: 1, retries: 0, latencyMs: 40 };
  const success = { ...base, index: "7", prediction: "B", ok: true, ms: 1.25, usage };
  records.offer(success);
  assert.deepEqual(records.get("7"), success, "a success replaces the failure, extras and all");
  records.offer(failure);
  assert.deepEqual(records.get("7"), success, "a later failure does not replace a success");
  const later = { ...base, index: "7", prediction: "C", ok: true, time: base.time + 1 };
  records.offer(later);
  assert.deepEqual(records.get("7"), later, "a later success wins; no ms or usage is carried over");
  records.offer({ ...base, index: "é8", prediction: "A", ok: true });
  assert.equal(records.size, 2);
  assert.equal(records.has("8"), false);
  assert.deepEqual([...records.values()].map((r) => r.index), ["7", "é8"]);
  for (let k = 0; k < 1000; k++) {
    records.offer({ ...base, index: `r${k}`, prediction: `${k}`, ok: true });
  }
  assert.equal(records.get("r999")?.prediction, "999");
  assert.equal(records.get("7")?.prediction, "C", "growing keeps what was there");
});

Deno.test("readJournals() keeps no answer text: each is read back from its journal line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const a = JournalWriter.open(dir, 0, 2);
    const b = JournalWriter.open(dir, 1, 2);
    const long = "é".repeat(70_000); // longer than a read window, non-ASCII
    // 8000 answers: each file holds more than the reader's windows (4 of 64 KiB) can.
    for (let k = 0; k < 8000; k++) {
      (k % 2 ? b : a).append({
        index: `${k}`,
        prediction: k === 1500 ? long : `answer ${k}`,
        ok: true,
      });
    }
    a.append({ index: "7", prediction: "Failed to obtain answer: RangeError x", ok: false });
    b.append({ index: "9", prediction: "retried", ok: true, ms: 3 });
    a.close();
    b.close();
    const { records } = readJournals(dir);
    // Task order, and back again: every window of both files is left and read anew.
    for (const order of [[...Array(8000).keys()], [...Array(8000).keys()].reverse()]) {
      for (const k of order) {
        const expected = k === 1500 ? long : k === 9 ? "retried" : `answer ${k}`;
        assert.equal(records.get(`${k}`)?.prediction, expected);
      }
    }
    assert.equal(records.get("7")?.ok, true, "a later failure does not replace a success");
    assert.deepEqual(records.outcome("7"), {
      ok: true,
      failureText: false,
      time: Number.NaN,
    }, "a success's time is not kept");
    assert.equal(records.get("9")?.ms, 3);
    // A journal rewritten or cut behind the reader's back is an error that says so, not a wrong
    // answer (the last reads left windows over the files' first lines: these are outside).
    await Deno.writeTextFile(`${dir}/rank0of2.jsonl`, "{}\n".repeat(400_000));
    const fresh = readJournals(dir).records;
    assert.equal(fresh.get("1")?.prediction, "answer 1", "the other rank's file is untouched");
    await Deno.truncate(`${dir}/rank1of2.jsonl`, 0);
    for (
      const [index, file] of [["6000", "rank0of2"], ["7998", "rank0of2"], ["7999", "rank1of2"]]
    ) {
      assert.throws(
        () => records.get(index),
        new RegExp(
          `Cannot read the record of index ${index} again from .*${file}\\.jsonl at byte \\d+: ` +
            "the journal changed",
        ),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JournalRecords keeps a task's records by its positions, others after them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const w = JournalWriter.open(dir, 0, 1);
    w.append({ index: "b", prediction: "Failed to obtain answer: X y", ok: false, ms: 1 });
    w.append({ index: "stray", prediction: "S", ok: true });
    w.append({
      index: "a",
      prediction: "A",
      ok: true,
      usage: { requests: 1, retries: 0, latencyMs: 5 },
    });
    w.append({ index: "b", prediction: "B", ok: true });
    w.close();
    const order = ["a", "b", "c"];
    const keys: IndexKeys = {
      size: order.length,
      positionOf: (index) => order.includes(index) ? order.indexOf(index) : undefined,
      indexAt: (position) => order[position],
    };
    const { records } = readJournals(dir, keys);
    assert.equal(records.size, 3);
    assert.deepEqual([...records.values()].map((r) => [r.index, r.prediction]), [
      ["a", "A"],
      ["b", "B"],
      ["stray", "S"],
    ]);
    assert.equal(records.has("c"), false);
    assert.equal(records.get("c"), undefined);
    assert.deepEqual(records.usage("a"), { requests: 1, retries: 0, latencyMs: 5 });
    assert.equal(records.usage("b"), undefined);
    assert.equal(records.get("b")?.ms, undefined, "the whole best record, read back");
    assert.deepEqual(records.outcome("stray"), { ok: true, failureText: false, time: Number.NaN });
    assert.deepEqual(records.outcome("c"), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JournalRecords keeps a failure's time, and lines past 4 GiB and in over 256 files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const records = new JournalRecords();
    const base = { rank: 0, worldSize: 1, time: 1_700_000_000_123 };
    records.offer({ ...base, index: "f", prediction: "Failed to obtain answer: X y", ok: false });
    assert.deepEqual(records.outcome("f"), { ok: false, failureText: true, time: base.time });
    // 300 journal files: their numbers outgrow a byte.
    const lineOf = (k: number) => JSON.stringify({ ...base, index: `${k}`, prediction: `p${k}` });
    for (let k = 0; k < 300; k++) {
      const file = `${dir}/j${k}.jsonl`;
      const line = lineOf(k);
      await Deno.writeTextFile(file, `${line}\n`);
      records.offer({ ...base, index: `${k}`, prediction: `p${k}`, ok: true }, { file, offset: 0 });
    }
    // A line 5 GiB into a sparse file: its offset outgrows 4 bytes.
    const big = `${dir}/big.jsonl`;
    const far = 5 * 2 ** 30;
    {
      using file = await Deno.open(big, { write: true, create: true });
      await file.truncate(far);
      await file.seek(far, Deno.SeekMode.Start);
      await file.write(new TextEncoder().encode(`${lineOf(1000)}\n`));
    }
    records.offer({ ...base, index: "1000", prediction: "p1000", ok: true }, {
      file: big,
      offset: far,
    });
    for (const k of [0, 255, 256, 299, 1000]) {
      assert.equal(records.get(`${k}`)?.prediction, `p${k}`, `index ${k}`);
    }
    assert.equal(records.get("f")?.ok, false, "a record offered without its line is kept whole");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("JournalRecords reads back a last line that has no newline, and a line longer than a window", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const long = "x".repeat(200_000);
    const lines = [
      { index: "1", prediction: "A", ok: true, rank: 0, worldSize: 1, time: 1 },
      { index: "2", prediction: long, ok: true, rank: 0, worldSize: 1, time: 2 },
      { index: "3", prediction: "C", ok: true, rank: 0, worldSize: 1, time: 3 },
    ].map((r) => JSON.stringify(r));
    await Deno.writeTextFile(`${dir}/rank0of1.jsonl`, lines.join("\n"));
    const { records } = readJournals(dir);
    assert.deepEqual(["3", "2", "1", "3"].map((i) => records.get(i)?.prediction.length), [
      1,
      200_000,
      1,
      1,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
