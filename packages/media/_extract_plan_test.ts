import assert from "node:assert/strict";
import { planSegments } from "./_extract_plan.ts";
import type { VideoProbe } from "./probe_video.ts";

const probe = { fps: 25, startOffset: 0, variableFrameRate: false } as VideoProbe;

Deno.test("planSegments() seeks half a frame before each far-apart target", () => {
  const plan = planSegments([400, 100, 800], probe);
  assert.deepEqual(plan, [
    { seekSeconds: 3.98, startIndex: 100, indices: [100] },
    { seekSeconds: 15.98, startIndex: 400, indices: [400] },
    { seekSeconds: 31.98, startIndex: 800, indices: [800] },
  ]);
});

Deno.test("planSegments() decodes through close targets instead of seeking again", () => {
  const plan = planSegments([0, 0, 25, 50, 200, 210], probe);
  assert.deepEqual(plan, [
    { seekSeconds: 0, startIndex: 0, indices: [0, 25, 50] },
    { seekSeconds: 7.98, startIndex: 200, indices: [200, 210] },
  ]);
  const split = planSegments([1, 2, 3, 4, 5], probe, {
    mergeGapSeconds: 2,
    maxTargetsPerSegment: 2,
  });
  assert.deepEqual(split.map((s) => s.indices), [[1, 2], [3, 4], [5]]);
});

Deno.test("planSegments() shifts seeks by the video's start offset", () => {
  const plan = planSegments([50], { ...probe, startOffset: 1.4 });
  assert.ok(Math.abs(plan[0].seekSeconds - 3.38) < 1e-9);
});

Deno.test("planSegments() counts frames from the start in a variable-frame-rate video", () => {
  const plan = planSegments([300, 10], { ...probe, variableFrameRate: true });
  assert.deepEqual(plan, [{ seekSeconds: 0, startIndex: 0, indices: [10, 300] }]);
});
