import assert from "node:assert/strict";
import { mvbenchRating, videoDimensionRating } from "./video_rating.ts";

Deno.test("videoDimensionRating() gives Video-MME's per-duration and per-dimension means", () => {
  const rating = videoDimensionRating([
    { duration: "short", task_type: "Counting", domain: "Art", score: 1 },
    { duration: "short", task_type: "Counting", domain: "Art", score: 0 },
    { duration: "short", task_type: "Motion", domain: "Art", score: -1 },
    { duration: "long", task_type: "Motion", domain: "Sport", score: 1 },
  ]);
  assert.deepEqual(Object.keys(rating), ["short", "long", "overall"]);
  assert.deepEqual(rating.short, {
    overall: "0.500",
    domain: { Art: "0.500", Sport: "nan" },
    sub_category: {},
    task_type: { Counting: "0.500", Motion: "nan" },
  });
  assert.equal(rating.overall.overall, "0.667");
  assert.equal(rating.overall.task_type.Motion, "1.000");
  assert.deepEqual(videoDimensionRating([]), {
    overall: { overall: "nan", domain: {}, sub_category: {}, task_type: {} },
  });
});

Deno.test("mvbenchRating() counts right and scored per task type, failures as wrong", () => {
  assert.deepEqual(
    mvbenchRating([
      { task_type: "Action Sequence", score: 1 },
      { task_type: "Action Sequence", score: 0 },
      { task_type: "Action Sequence", score: -1 },
      { task_type: "Object Shuffle", score: 1 },
    ]),
    {
      "Action Sequence": [1, 3, "33.33%"],
      "Object Shuffle": [1, 1, "100.00%"],
      overall: [2, 4, "50.00%"],
    },
  );
  assert.deepEqual(mvbenchRating([]), { overall: [0, 0, "0.00%"] });
});
