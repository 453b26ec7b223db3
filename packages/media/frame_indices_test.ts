import assert from "node:assert/strict";
import {
  frameIndicesByCount,
  frameIndicesByFps,
  frameIndicesBySegments,
  roundHalfEven,
} from "./frame_indices.ts";

Deno.test("frameIndicesByCount() skips both ends as VLMEvalKit does", () => {
  assert.deepEqual(frameIndicesByCount(3600, 8), [400, 800, 1200, 1600, 2000, 2400, 2800, 3200]);
  assert.deepEqual(frameIndicesByCount(10, 3), [2, 5, 7]);
  assert.deepEqual(frameIndicesByCount(1, 2), [0, 0]);
});

Deno.test("frameIndicesByFps() follows VLMEvalKit's fps formula", () => {
  assert.deepEqual(frameIndicesByFps(300, 30, 1), [0, 30, 60, 90, 120, 150, 180, 210, 240, 270]);
  assert.deepEqual(frameIndicesByFps(300, 29.97, 0.5), [0, 59, 119, 179, 239]);
  assert.deepEqual(frameIndicesByFps(10, 25, 1), [0], "a clip shorter than 1/fps gives frame 0");
});

Deno.test("frameIndicesByFps() thins a long list to maxFrames spread uniformly", () => {
  const all = frameIndicesByFps(108_000, 30, 1);
  assert.equal(all.length, 3600);
  const capped = frameIndicesByFps(108_000, 30, 1, 768);
  assert.equal(capped.length, 768);
  assert.equal(capped[0], 0);
  assert.ok(capped.every((v, i) => i === 0 || v > capped[i - 1]));
  assert.ok(capped.every((v) => all.includes(v)));
  assert.deepEqual(frameIndicesByFps(300, 30, 1, 20), frameIndicesByFps(300, 30, 1));
});

Deno.test("frameIndicesBySegments() takes the middle of each segment as MVBench does", () => {
  assert.deepEqual(frameIndicesBySegments(150, 25, 4, [1, 5]), [37, 62, 87, 112]);
  assert.deepEqual(frameIndicesBySegments(100, 25, 4), [12, 37, 62, 86]);
  assert.deepEqual(frameIndicesBySegments(100, 25, 2, [10, 20]), [99, 99], "a bound past the end");
});

Deno.test("roundHalfEven() rounds halves to the even neighbour like Python", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 0, 2, 3]);
});

Deno.test("frame index functions refuse bad arguments with the value in the message", () => {
  assert.throws(
    () => frameIndicesByCount(0, 8),
    /frame count must be a positive integer: current value is 0/,
  );
  assert.throws(
    () => frameIndicesByCount(100, 0),
    /'nframe' must be a positive integer: current value is 0/,
  );
  assert.throws(() => frameIndicesByFps(100, 0, 1), /'videoFps' must be a positive number/);
  assert.throws(() => frameIndicesByFps(100, 25, Number.NaN), /'fps' must be a positive number/);
  assert.throws(() => frameIndicesByFps(100, 25, 1, 0), /'maxFrames' must be a positive integer/);
  assert.throws(
    () => frameIndicesBySegments(100, 25, 4, [5, 1]),
    /start <= end: current value is \[5, 1\]/,
  );
});
