import assert from "node:assert/strict";
import { videoDimensionRating } from "./video_rating.ts";

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
