import assert from "node:assert/strict";
import { formatDuration, progressLine } from "./progress.ts";

Deno.test("formatDuration() and progressLine()", () => {
  assert.equal(formatDuration(undefined), "--");
  assert.equal(formatDuration(Infinity), "--");
  assert.equal(formatDuration(0.4), "0s");
  assert.equal(formatDuration(42), "42s");
  assert.equal(formatDuration(185), "3m05s");
  assert.equal(formatDuration(7625), "2h07m");
  assert.equal(
    progressLine("M/T", { count: 150, total: 300, ratePerS: 45.06, etaS: 3.3, failed: 2 }),
    "M/T: 150/300 (45.1/s, ETA 3s, failed 2)",
  );
});
