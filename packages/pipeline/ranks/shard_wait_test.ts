import assert from "node:assert/strict";
import { rowsOf, textTask } from "../_test_helpers.ts";
import { JournalWriter, readJournals } from "../loop/journal.ts";
import { missingByRank, writeDoneMarker } from "./shard_wait.ts";

Deno.test("missingByRank() settles a failure its rank recorded before rank 0 began, once that rank finished", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const task = textTask("T", rowsOf(4));
    const runStart = Date.now() - 10_000;
    // Rank 1 (positions 1, 3) answered 1 and recorded 3 as failed, then finished its shard...
    const rank1 = JournalWriter.open(dir, 1, 2);
    rank1.append({ index: "1", prediction: "A", ok: true });
    rank1.append({ index: "3", prediction: "Failed to obtain answer: WorkerCrash x", ok: false });
    rank1.close();
    await writeDoneMarker(dir, { rank: 1, worldSize: 2, complete: true });
    const rank0 = JournalWriter.open(dir, 0, 2);
    rank0.append({ index: "0", prediction: "A", ok: true });
    rank0.append({ index: "2", prediction: "B", ok: true });
    rank0.close();
    const { records } = readJournals(dir);
    // ...all before rank 0's job began: by time alone its failure looks like an earlier run's.
    const rank0Start = Date.now() + 1_000;
    assert.deepEqual([...missingByRank(task, records, 2, false, rank0Start)], [[1, 1]]);
    assert.deepEqual([...missingByRank(task, records, 2, false, rank0Start, dir)], [[1, 1]]);
    // Within the run (the supervisor's start), its finished shard settles it.
    assert.deepEqual([...missingByRank(task, records, 2, false, runStart, dir)], []);
    // A marker of an earlier run settles nothing.
    const later = Date.now() + 60_000;
    assert.deepEqual([...missingByRank(task, records, 2, false, later, dir)], [[1, 1]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
