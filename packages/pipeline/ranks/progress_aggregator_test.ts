import assert from "node:assert/strict";
import { ProgressAggregator } from "./progress_aggregator.ts";
import type { ProgressReport } from "./progress_marker.ts";

function report(rank: number, fields: Partial<ProgressReport> = {}): ProgressReport {
  return {
    task: "M/T",
    rank,
    total: 100,
    already: 0,
    done: 0,
    failed: 0,
    final: false,
    ...fields,
  };
}

Deno.test("ProgressAggregator sums count, total and failures over the ranks", () => {
  let now = 0;
  const agg = new ProgressAggregator(3, () => now);
  agg.add(report(0, { total: 34, already: 4 }));
  agg.add(report(1, { total: 33 }));
  agg.add(report(2, { total: 33, already: 3 }));
  now = 2000;
  agg.add(report(0, { total: 34, already: 4, done: 10, failed: 1 }));
  agg.add(report(1, { total: 33, done: 6, failed: 2 }));
  const p = agg.get("M/T")!;
  assert.equal(p.worldSize, 3);
  assert.equal(p.reportedRanks, 3);
  assert.equal(p.total, 100);
  assert.equal(p.count, 4 + 10 + 6 + 3);
  assert.equal(p.reused, 7);
  assert.equal(p.failed, 3);
  assert.equal(p.elapsedS, 2);
  assert.equal(p.ratePerS, 8); // 16 new units in 2 s; reused ones not counted
  assert.equal(p.etaS, (100 - 23) / 8);
  assert.equal(p.complete, false);
  // Tasks are kept apart.
  agg.add(report(1, { task: "M/Other", total: 5 }));
  assert.equal(agg.get("M/T")!.total, 100);
  assert.deepEqual(agg.all().map((t) => [t.task, t.total]), [["M/T", 100], ["M/Other", 5]]);
});

Deno.test("ProgressAggregator gives an ETA only once every rank has reported its shard", () => {
  let now = 0;
  const agg = new ProgressAggregator(2, () => now);
  agg.add(report(0, { total: 50 }));
  now = 1000;
  const one = agg.add(report(0, { total: 50, done: 10 }))!;
  assert.equal(one.reportedRanks, 1);
  assert.equal(one.total, 50);
  assert.equal(one.ratePerS, 10);
  assert.equal(one.etaS, undefined);
  const both = agg.add(report(1, { total: 50 }))!;
  assert.equal(both.reportedRanks, 2);
  assert.equal(both.etaS, (100 - 10) / 10);
  // No work yet: no rate, no ETA.
  const idle = new ProgressAggregator(1, () => 0).add(report(0))!;
  assert.equal(idle.ratePerS, 0);
  assert.equal(idle.etaS, undefined);
});

Deno.test("ProgressAggregator does not count a restarted worker's work twice", () => {
  let now = 0;
  const agg = new ProgressAggregator(2, () => now);
  agg.add(report(0, { total: 50 }));
  agg.add(report(1, { total: 50 }));
  now = 1000;
  agg.add(report(1, { total: 50, done: 20, failed: 1 }));
  // Rank 1 dies; its restart reports the shard again, the 19 journaled answers as `already`
  // (the failed one is retried).
  now = 2000;
  const restarted = agg.add(report(1, { total: 50, already: 19 }))!;
  assert.equal(restarted.total, 100);
  assert.equal(restarted.count, 19);
  assert.equal(restarted.failed, 0);
  assert.equal(restarted.reused, 0);
  assert.equal(restarted.ratePerS, 19 / 2);
  now = 4000;
  agg.add(report(1, { total: 50, already: 19, done: 31, final: true }));
  const end = agg.add(report(0, { total: 50, done: 50, final: true }))!;
  assert.equal(end.count, 100);
  assert.equal(end.total, 100);
  assert.equal(end.ratePerS, 25);
  assert.equal(end.etaS, 0);
  assert.equal(end.complete, true);
});

Deno.test("ProgressAggregator: complete needs every rank's final report; restarts reopen", () => {
  const agg = new ProgressAggregator(2, () => 0);
  assert.equal(agg.add(report(0, { total: 10, done: 10, final: true }))!.complete, false);
  assert.equal(agg.add(report(1, { total: 10, done: 4, final: true }))!.complete, true);
  assert.equal(agg.add(report(1, { total: 10, already: 4 }))!.complete, false);
  assert.equal(agg.add(report(1, { total: 10, already: 4, done: 6, final: true }))!.complete, true);
});

Deno.test("ProgressAggregator ignores ranks outside the run", () => {
  const agg = new ProgressAggregator(2, () => 0);
  assert.equal(agg.add(report(2)), undefined);
  assert.equal(agg.add(report(-1)), undefined);
  assert.equal(agg.get("M/T"), undefined);
  assert.deepEqual(agg.all(), []);
});
