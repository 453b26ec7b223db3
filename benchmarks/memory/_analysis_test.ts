import assert from "node:assert/strict";
import { formatValue, judgeRun, leastSquaresSlope } from "./_analysis.ts";
import { overallVerdict, type RunResult } from "./_report.ts";
import { memoryPlotSvg, niceTicks } from "./_svg_plot.ts";
import type { RunMode, TraceSample } from "./_trace.ts";

/** Readings of a run whose live tensors follow `tensors(sample)`, 2 KiB each. */
function readings(samples: number, tensors: (s: number) => number): TraceSample[] {
  return Array.from({ length: samples + 1 }, (_, s) => ({
    kind: "sample" as const,
    sample: s,
    index: s === 0 ? "" : String(s - 1),
    ms: 3,
    scopeLeaked: 0,
    tensors: tensors(s),
    tensorBytes: tensors(s) * 2048,
    gpuBytesInUse: tensors(s) * 2048,
    gpuBytesAllocated: tensors(s) * 2048 + 4096,
    rssBytes: 100e6 + s * 300_000,
    heapUsedBytes: 30e6,
  }));
}

function run(mode: RunMode, samples: TraceSample[]): RunResult {
  return {
    start: {
      kind: "start",
      backend: "webgpu",
      mode,
      device: "test",
      usesGpu: false,
      notes: [],
      reasons: [],
      prompts: 1,
    },
    readings: samples,
    end: { kind: "end", leakyCalls: 0, freedBytes: 0 },
    verdict: judgeRun(mode, samples),
  };
}

Deno.test("leastSquaresSlope() fits a line and tolerates degenerate input", () => {
  assert.equal(leastSquaresSlope([0, 1, 2, 3], [5, 7, 9, 11]), 2);
  assert.equal(leastSquaresSlope([1, 2, 3, 4], [3, 1, 3, 1]), -0.4);
  assert.equal(leastSquaresSlope([4], [1]), 0);
  assert.equal(leastSquaresSlope([2, 2], [1, 5]), 0);
});

Deno.test("judgeRun() ignores warm-up growth, flags steady growth, and never judges RSS", () => {
  const warmup = judgeRun("kept", readings(40, (s) => Math.min(s, 10) + 20));
  assert.equal(warmup.leaking, false);
  assert.equal(warmup.metrics.find((m) => m.metric.key === "tensors")?.peak, 30);
  const rss = warmup.metrics.find((m) => m.metric.key === "rssBytes")!;
  assert.ok(rss.slope > 290_000 && !rss.over, "RSS grows but is shown only");
  assert.equal(warmup.metrics.some((m) => m.metric.key === "wasmHeapBytes"), false);

  const leak = judgeRun("leaking", readings(40, (s) => 20 + s));
  assert.equal(leak.leaking, true);
  assert.deepEqual(leak.because, [
    "live tensors grow by 1/sample (threshold 0.05)",
    "bytes of live tensors grow by 2.00 KiB/sample (threshold 1.00 KiB)",
    "GPU buffers of live tensors grow by 2.00 KiB/sample (threshold 1.00 KiB)",
  ]);
  const slow = judgeRun("kept", readings(200, (s) => 20 + Math.floor(s / 10)));
  assert.equal(slow.leaking, true, "one tensor every 10 samples is a leak");
});

Deno.test("overallVerdict() fails on a leaking plain run and on an undetected injected leak", () => {
  const flat = readings(20, () => 30);
  const growing = readings(20, (s) => 30 + s);
  assert.deepEqual(overallVerdict([{ backend: "webgpu", runs: [run("kept", flat)] }]), {
    ok: true,
    lines: [],
  });
  assert.match(
    overallVerdict([{ backend: "webgpu", runs: [run("cleared", growing)] }]).lines[0],
    /^webgpu\/cleared: LEAK: live tensors grow by 1\/sample/,
  );
  assert.match(
    overallVerdict([{ backend: "wasm", runs: [run("leaking", flat)] }]).lines[0],
    /injected leak was NOT detected/,
  );
  assert.equal(overallVerdict([{ backend: "cpu", runs: [], skipped: "no" }]).ok, true);
  assert.deepEqual(overallVerdict([{ backend: "webgpu", runs: [], failed: "exited with 1" }]), {
    ok: false,
    lines: ["webgpu: FAILED: exited with 1"],
  });
});

Deno.test("memoryPlotSvg() draws one panel per figure, one line per run and the verdicts", () => {
  const runs = [
    run("cleared", readings(20, () => 30)),
    run("leaking", readings(20, (s) => 30 + s)),
  ];
  const svg = memoryPlotSvg({
    title: "A & B",
    subtitle: "sub",
    runs: runs.map((r, i) => ({
      label: r.start.mode,
      injectsLeak: r.start.mode === "leaking",
      color: ["#111111", "#222222"][i],
      readings: r.readings,
      verdict: r.verdict,
    })),
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /A &amp; B/);
  for (
    const title of ["Live tensors", "Bytes of live tensors", "GPU buffers, runs without leak"]
  ) {
    assert.ok(svg.includes(title), title);
  }
  // Tensors, bytes and RSS with both runs; the GPU panel with the plain run, allocated + in use.
  assert.equal(svg.match(/<polyline[^>]*stroke="#111111"/g)?.length, 5);
  assert.equal(svg.match(/<polyline[^>]*stroke="#222222"/g)?.length, 3);
  assert.match(svg, /class="verdict leak">LEAK, live tensors \+1 per sample</);
  assert.match(svg, /class="verdict">no leak, live tensors \+0 per sample</);
});

Deno.test("niceTicks() and formatValue() give round, readable numbers", () => {
  assert.deepEqual(niceTicks(236), [0, 50, 100, 150, 200, 250]);
  assert.deepEqual(niceTicks(1.6), [0, 0.5, 1, 1.5, 2]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  assert.equal(formatValue(262144, "bytes", 2), "256.00 KiB");
  assert.equal(formatValue(3 * 1024 ** 2, "bytes"), "3.0 MiB");
  assert.equal(formatValue(12, "bytes"), "12 B");
  assert.equal(formatValue(1.0000001, "tensors"), "1");
});
