import assert from "node:assert/strict";

import { CudaError, isStickyCudaError } from "./cuda_error.ts";
import type { CudaErrorInfo } from "./binding.ts";

const illegalAddress: CudaErrorInfo = {
  code: 700,
  name: "CUDA_ERROR_ILLEGAL_ADDRESS",
  message: "an illegal memory access was encountered",
  sticky: true,
  call: "cuCtxSynchronize",
};
const outOfMemory: CudaErrorInfo = {
  code: 2,
  name: "CUDA_ERROR_OUT_OF_MEMORY",
  message: "out of memory",
  sticky: false,
  call: "cuMemAllocAsync",
};

Deno.test("CudaError carries the CUDA name, code, stickiness, call and device", () => {
  const error = new CudaError(illegalAddress, { operation: "synchronize", device: 1 });
  assert.ok(error instanceof Error);
  assert.equal(error.name, "CudaError");
  assert.equal(error.cudaName, "CUDA_ERROR_ILLEGAL_ADDRESS");
  assert.equal(error.code, 700);
  assert.equal(error.sticky, true);
  assert.equal(error.call, "cuCtxSynchronize");
  assert.equal(error.device, 1);
  assert.equal(
    error.message,
    "Cannot synchronize CUDA device 1 as cuCtxSynchronize failed with CUDA_ERROR_ILLEGAL_ADDRESS (700): an illegal memory access was encountered; the error is sticky: CUDA is unusable until the process restarts",
  );
});

Deno.test("CudaError() says nothing about restarting for a recoverable error and keeps cause", () => {
  const cause = new Error("allocation of 4 GiB");
  const error = new CudaError(outOfMemory, { cause });
  assert.equal(error.sticky, false);
  assert.equal(error.cause, cause);
  assert.doesNotMatch(error.message, /sticky|restart/);
  assert.match(
    error.message,
    /^Cannot use CUDA as cuMemAllocAsync failed with CUDA_ERROR_OUT_OF_MEMORY \(2\)/,
  );
});

Deno.test("isStickyCudaError() is true for a sticky CudaError and false for a recoverable one", () => {
  assert.equal(isStickyCudaError(new CudaError(illegalAddress)), true);
  assert.equal(isStickyCudaError(new CudaError(outOfMemory)), false);
});

Deno.test("isStickyCudaError() finds a sticky error anywhere in the cause chain", () => {
  const wrapped = new Error("sample 12 failed", {
    cause: new Error("generate failed", { cause: new CudaError(illegalAddress) }),
  });
  assert.equal(isStickyCudaError(wrapped), true);
  const recoverable = new Error("sample 12 failed", { cause: new CudaError(outOfMemory) });
  assert.equal(isStickyCudaError(recoverable), false);
});

Deno.test("isStickyCudaError() accepts any object with sticky === true and nothing looser", () => {
  assert.equal(isStickyCudaError({ sticky: true, code: 719 }), true);
  assert.equal(isStickyCudaError({ sticky: "yes" }), false);
  assert.equal(isStickyCudaError(new Error("plain")), false);
  assert.equal(isStickyCudaError(undefined), false);
  assert.equal(isStickyCudaError(null), false);
  assert.equal(isStickyCudaError("sticky"), false);
});

Deno.test("isStickyCudaError() stops on a cyclic cause chain", () => {
  const first = new Error("a");
  const second = new Error("b", { cause: first });
  (first as { cause?: unknown }).cause = second;
  assert.equal(isStickyCudaError(first), false);
  // A sticky error inside a cycle is found, and the walk still ends.
  const sticky = new CudaError(illegalAddress, { cause: first });
  (first as { cause?: unknown }).cause = sticky;
  assert.equal(isStickyCudaError(second), true);
});
