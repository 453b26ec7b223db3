import assert from "node:assert/strict";
import { CudaError } from "@vlmeval/native";
import { EXIT_CODES } from "@vlmeval/schema";
import { exitCodeForError } from "./errors.ts";

Deno.test("exitCodeForError(): a sticky CUDA error anywhere in the cause chain is exit 3", () => {
  const sticky = new CudaError({
    code: 700,
    name: "CUDA_ERROR_ILLEGAL_ADDRESS",
    message: "an illegal memory access was encountered",
    sticky: true,
    call: "cuCtxSynchronize",
  });
  // Met while writing or scoring, wrapped by the layer that met it: still a lost context.
  const wrapped = new Error("Cannot write predictions", { cause: sticky });
  assert.equal(exitCodeForError(wrapped), EXIT_CODES.stickyCuda);
  const recoverable = new CudaError({
    ...sticky,
    code: 2,
    name: "OOM",
    sticky: false,
    message: "",
  });
  assert.equal(exitCodeForError(new Error("x", { cause: recoverable })), EXIT_CODES.sampleFailed);
  assert.equal(exitCodeForError(new Error("plain")), EXIT_CODES.sampleFailed);
});
