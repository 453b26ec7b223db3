import assert from "node:assert/strict";
import { fitBarLine, fitLabel, formatDuration, progressLine } from "./progress.ts";

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

Deno.test("fitBarLine() keeps count, rate, ETA and failures whole at 80-120 columns", () => {
  const label = "Qwen2-VL-7B-Instruct/Video-MME_8frame_nopack rank 0/4";
  const tail = "1234/2999 12.5/s ETA 2m21s failed 3";
  for (const columns of [80, 100, 120]) {
    const line = fitBarLine(label, tail, columns);
    assert.ok(line.length <= columns - 1, `${line.length} > ${columns - 1}: ${line}`);
    assert.ok(line.endsWith(`| ${tail}`), line);
    const shown = line.slice(0, line.indexOf(" |"));
    assert.ok(shown.length >= 8 && shown.startsWith("Qwen2"), shown);
  }
  // A short label is left whole, with a bar of at most 30.
  const short = fitBarLine("M/T", "3/3 1.0/s ETA 0s failed 0", 120);
  assert.equal(short, `M/T |${"\0".repeat(30)}| 3/3 1.0/s ETA 0s failed 0`);
  assert.equal(fitLabel("abcdefghij", 5), "ab\u2026ij");
});
