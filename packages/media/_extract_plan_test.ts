import assert from "node:assert/strict";
import {
  type ExtractSegment,
  planKeyframeSegments,
  planSegments,
  splitByDecodeCost,
} from "./_extract_plan.ts";
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

Deno.test("planKeyframeSegments() makes one segment per GOP holding targets, landing on its keyframe", () => {
  const index = { streamStart: 0, formatStart: 0, keyframes: [0, 2, 4, 6, 8] };
  const plan = planKeyframeSegments([0, 10, 50, 51, 100, 150, 199], probe, index);
  assert.deepEqual(plan.map((s) => s.indices), [[0, 10], [50, 51], [100], [150, 199]]);
  // The first GOP is decoded from the start; the others seek past their keyframe by ffmpeg's
  // 3/23 s back-off plus half a frame, never half a GOP.
  assert.equal(plan[0].seekSeconds, 0);
  assert.ok(Math.abs(plan[1].seekSeconds - (2 + 3 / 23 + 0.02)) < 1e-9);
  assert.ok(Math.abs(plan[3].seekSeconds - (6 + 3 / 23 + 0.02)) < 1e-9);
  assert.deepEqual(plan[1].times, [2, 2.04]);
  assert.equal(plan[1].fps, 25);
});

Deno.test("planKeyframeSegments() keeps seeks inside short GOPs and follows the container's clock", () => {
  const index = { streamStart: 1.5, formatStart: 1.4, keyframes: [1.5, 1.6, 1.7] };
  const plan = planKeyframeSegments([3, 5], probe, index);
  assert.deepEqual(plan.map((s) => s.indices), [[3], [5]]);
  assert.ok(Math.abs(plan[0].times![0] - 1.62) < 1e-9);
  // Half the 0.1 s GOP past keyframe 1.6, counted from the file's start at 1.4.
  assert.ok(Math.abs(plan[0].seekSeconds - 0.25) < 1e-9);
  const capped = planKeyframeSegments([0, 1, 2, 3], probe, index, 2);
  assert.deepEqual(capped.map((s) => s.indices), [[0, 1], [2], [3]]);
});

Deno.test("splitByDecodeCost() keeps segments in order and balances the frames each run decodes", () => {
  const seg = (start: number, last: number): ExtractSegment => ({
    seekSeconds: start / 30,
    startIndex: start,
    indices: [last],
  });
  // Decode costs 10, 10, 10, 10, 40 frames: 80 in all, 40 per run for two runs.
  const segments = [seg(0, 9), seg(10, 19), seg(20, 29), seg(30, 39), seg(40, 79)];
  const runs = splitByDecodeCost(segments, 2);
  assert.deepEqual(runs.map((r) => r.map((s) => s.startIndex)), [[0, 10, 20, 30], [40]]);
  assert.deepEqual(runs.flat(), segments, "every segment once, in order");
  assert.equal(splitByDecodeCost(segments.slice(0, 1), 4).length, 1, "no empty runs");
  assert.equal(splitByDecodeCost(segments, 1).length, 1);
  // By time: the cost runs from the seek to the last target.
  const timed: ExtractSegment = {
    seekSeconds: 1,
    startIndex: 30,
    indices: [30, 59],
    times: [1, 2],
    fps: 30,
  };
  assert.deepEqual(splitByDecodeCost([timed, timed, timed, timed], 2).map((r) => r.length), [
    2,
    2,
  ]);
});
