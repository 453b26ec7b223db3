import assert from "node:assert/strict";
import { closestNames } from "./closest_names.ts";

Deno.test("closestNames() finds case slips, parts and typos, best first, and nothing far", () => {
  const names = ["MMBench_DEV_EN", "MMBench_DEV_CN", "MMStar", "ShapesVLM", "ConstantAnswer"];
  assert.deepEqual(closestNames("mmstar", names), ["MMStar"]);
  assert.deepEqual(closestNames("MMStr", names), ["MMStar"]);
  assert.deepEqual(closestNames("MMBench_DEV_ENN", names), ["MMBench_DEV_EN", "MMBench_DEV_CN"]);
  assert.deepEqual(closestNames("ShapeVLM", names), ["ShapesVLM"]);
  assert.deepEqual(closestNames("MMBench", names, 1), ["MMBench_DEV_CN"]);
  assert.deepEqual(closestNames("Qwen2-VL-7B", names), []);
});
