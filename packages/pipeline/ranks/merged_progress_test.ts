import assert from "node:assert/strict";
import type { SyncWriter } from "@vlmeval/internal";
import { createMergedProgress } from "./merged_progress.ts";
import type { ProgressReport } from "./progress_marker.ts";

/** A writer that keeps what it is given as text. */
function sink(): SyncWriter & { text: () => string } {
  const decoder = new TextDecoder();
  let text = "";
  return {
    writeSync(p) {
      text += decoder.decode(p);
      return p.length;
    },
    text: () => text,
  };
}

function report(rank: number, fields: Partial<ProgressReport> = {}): ProgressReport {
  return { task: "M/T", rank, total: 50, already: 0, done: 0, failed: 0, final: false, ...fields };
}

Deno.test("createMergedProgress() without a terminal: a line when all ranks reported, every 10%, at the end", () => {
  const err = sink();
  let now = 0;
  const display = createMergedProgress(2, { tty: false, err, now: () => now });
  display.report(report(0, { already: 10 }));
  now = 1000;
  display.report(report(0, { already: 10, done: 20 })); // rank 1 not reported yet: silent
  assert.equal(err.text(), "");
  display.report(report(1));
  now = 2000;
  display.report(report(1, { done: 5 })); // 35/100: no new 10% step (30% when announced)
  display.report(report(1, { done: 10, failed: 1 })); // 40/100
  now = 4000;
  display.report(report(0, { already: 10, done: 40, final: true }));
  display.report(report(1, { done: 50, failed: 1 })); // 100/100, not final yet: no line
  display.report(report(1, { done: 50, failed: 1, final: true }));
  display.report(report(1, { done: 50, failed: 1, final: true })); // once only
  display.stop();
  assert.equal(
    err.text(),
    [
      "M/T: 100 samples on 2 ranks, 10 already done",
      "M/T: 40/100 (15.0/s, ETA 4s, failed 1)",
      "M/T: 60/100 (12.5/s, ETA 3s, failed 1)",
      "M/T: 100/100 on 2 ranks in 4s (22.5/s, failed 1)",
      "",
    ].join("\n"),
  );
});

Deno.test("createMergedProgress() ends an unfinished task with its state; ordinary output passes through", () => {
  const err = sink();
  const out = sink();
  const display = createMergedProgress(2, { tty: false, err, now: () => 0 });
  display.report(report(0, { done: 3 }));
  display.write(out, "[rank 0] hello\n");
  display.stop();
  assert.equal(out.text(), "[rank 0] hello\n");
  assert.equal(
    err.text(),
    "M/T: 3/50 (0.0/s, ETA --, failed 0) when the run ended (1 of 2 ranks reported)\n",
  );
});

Deno.test("createMergedProgress() on a terminal: bars below the output, cleared before each write", async () => {
  const err = sink();
  let now = 0;
  const display = createMergedProgress(2, { tty: true, err, now: () => now, columns: () => 200 });
  display.report(report(0, { done: 25 }));
  assert.match(err.text(), /^M\/T \|█{15}░{15}\| 25\/50 0\.0\/s ETA -- failed 0 \(1 of 2 ranks/);
  const drawn = err.text().length;
  display.report(report(1)); // within 100 ms of the last draw: deferred
  assert.equal(err.text().length, drawn);
  display.write(err, "[rank 1] warning\n"); // erases the bar, writes, draws it again
  const after = err.text().slice(drawn);
  assert.ok(after.startsWith("\r\x1b[2K[rank 1] warning\n"), JSON.stringify(after));
  assert.match(after, /M\/T \|█{8}░{22}\| 25\/100 .*failed 0$/);
  assert.ok(!after.includes("ranks reported"));
  now = 1000;
  display.report(report(0, { done: 50, final: true }));
  display.report(report(1, { done: 50, final: true }));
  assert.ok(
    err.text().endsWith("\r\x1b[2KM/T: 100/100 on 2 ranks in 1s (75.0/s, failed 0)\n"),
    JSON.stringify(err.text().slice(-80)),
  );
  display.stop();
  assert.match(err.text(), /failed 0\)\n$/, "nothing drawn after the last task completed");
  await new Promise((resolve) => setTimeout(resolve, 150)); // no late redraw
  assert.match(err.text(), /failed 0\)\n$/);
});
