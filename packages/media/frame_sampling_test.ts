import assert from "node:assert/strict";
import { frameTargets, samplingKey, validateSampling } from "./frame_sampling.ts";
import type { VideoProbe } from "./probe_video.ts";

const probe = { frameCount: 300, fps: 30 } as VideoProbe;

Deno.test("samplingKey() names every setting apart", () => {
  const keys = [
    samplingKey({ mode: "count", nframe: 8 }),
    samplingKey({ mode: "fps", fps: 1 }),
    samplingKey({ mode: "fps", fps: 0.5, maxFrames: 64 }),
    samplingKey({ mode: "segments", nframe: 8 }),
    samplingKey({ mode: "segments", nframe: 8, bound: [1.5, 7] }),
  ];
  assert.deepEqual(keys, ["8frame", "1.0fps", "0.5fps-max64", "8seg", "8seg-1.5-7.0"]);
});

Deno.test("frameTargets() names frames as VLMEvalKit does", () => {
  const byCount = frameTargets({ mode: "count", nframe: 3 }, probe);
  assert.deepEqual(byCount, [
    { index: 75, name: "frame-1-of-3.jpg" },
    { index: 150, name: "frame-2-of-3.jpg" },
    { index: 225, name: "frame-3-of-3.jpg" },
  ]);
  const byRate = frameTargets({ mode: "fps", fps: 1 }, probe);
  assert.equal(byRate.length, 10);
  assert.deepEqual(byRate[9], { index: 270, name: "frame-10-of-10-1.0fps.jpg" });
});

Deno.test("frameTargets() marks capped and segment settings so they never share a file", () => {
  assert.equal(
    frameTargets({ mode: "fps", fps: 1, maxFrames: 4 }, probe)[0].name,
    "frame-1-of-4-1.0fps-max4.jpg",
  );
  assert.equal(
    frameTargets({ mode: "fps", fps: 1, maxFrames: 40 }, probe)[0].name,
    "frame-1-of-10-1.0fps.jpg",
  );
  assert.equal(
    frameTargets({ mode: "segments", nframe: 2 }, probe)[0].name,
    "frame-1-of-2-seg.jpg",
  );
  assert.equal(
    frameTargets({ mode: "segments", nframe: 2, bound: [0, 4] }, probe)[1].name,
    "frame-2-of-2-seg-0.0-4.0.jpg",
  );
});

Deno.test("validateSampling() refuses non-positive and fractional counts", () => {
  assert.throws(
    () => validateSampling({ mode: "count", nframe: 2.5 }),
    /'nframe' must be positive: current value is 2.5/,
  );
  assert.throws(() => validateSampling({ mode: "fps", fps: 0 }), RangeError);
  assert.throws(() => validateSampling({ mode: "segments", nframe: -1 }), RangeError);
  validateSampling({ mode: "fps", fps: 0.25, maxFrames: 3 });
});
