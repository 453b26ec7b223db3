import assert from "node:assert/strict";
import { npMean } from "./_numpy_mean.ts";

Deno.test("npMean() sums as numpy: sequential under 8, eight lanes to 128, halves above", () => {
  assert.ok(Number.isNaN(npMean([])));
  assert.equal(npMean([0.1, 0.2, 0.3]), (0.1 + 0.2 + 0.3) / 3);
  const many = Array.from({ length: 300 }, (_, k) => ((k * k) % 11) / 11);
  let sequential = 0;
  for (const v of many) sequential += v;
  // numpy's np.mean of this array, printed by numpy 2.4.
  assert.equal(npMean(many), 0.3615151515151515);
  assert.equal(sequential / many.length, 0.36151515151515073);
});
