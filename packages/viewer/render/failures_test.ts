import assert from "node:assert/strict";
import { failureType } from "./failures.ts";

Deno.test("failureType() reads the error type of each failure text vlmeval and VLMEvalKit record", () => {
  assert.equal(failureType("Failed to obtain answer: RangeError out of memory"), "RangeError");
  assert.equal(failureType("Failed to obtain answer: CudaError"), "CudaError");
  assert.equal(
    failureType("Failed to obtain answer via API. HTTP 400: bad image (not retried)"),
    "API",
  );
  assert.equal(failureType("Failed to obtain answer"), "other");
  assert.equal(failureType("Failed to obtain answer: "), "other");
});
