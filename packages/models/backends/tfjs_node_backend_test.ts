import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError } from "./backend_unavailable_error.ts";
import { selectBackend } from "./select_backend.ts";
import { explainImportFailure, TF_GPU_ENV } from "./tfjs_node_backend.ts";

function withEnv(values: Record<string, string | undefined>, fn: () => Promise<void>) {
  return async () => {
    const saved = Object.fromEntries(Object.keys(values).map((k) => [k, Deno.env.get(k)]));
    const apply = (v: Record<string, string | undefined>) => {
      for (const [k, x] of Object.entries(v)) {
        x === undefined ? Deno.env.delete(k) : Deno.env.set(k, x);
      }
    };
    apply(values);
    try {
      await fn();
    } finally {
      apply(saved);
    }
  };
}

Deno.test(
  "selectBackend('tfjs-node-gpu') explains that the package is missing and how to install it",
  withEnv({ TF_FORCE_GPU_ALLOW_GROWTH: undefined, TF_GPU_ALLOCATOR: undefined }, async () => {
    const err = await selectBackend("tfjs-node-gpu", tf).then(
      () => assert.fail("tfjs-node-gpu is not expected to be installed in this repository"),
      (e) => e,
    );
    assert.ok(err instanceof BackendUnavailableError);
    assert.equal(err.backend, "tfjs-node-gpu");
    assert.match(
      err.message,
      /^Cannot use the tfjs-node-gpu backend as @tensorflow\/tfjs-node-gpu is not installed/,
    );
    assert.match(err.message, /storage\.googleapis\.com/);
    assert.match(
      err.message,
      /"@tensorflow\/tfjs-node-gpu": "npm:@tensorflow\/tfjs-node-gpu@4\.22\.0"/,
    );
    assert.match(err.message, /deno install --allow-scripts=npm:@tensorflow\/tfjs-node-gpu/);
    assert.match(err.message, /CUDA 11\.2 and cuDNN 8\.1/);
    assert.ok(err.cause instanceof Error);
    assert.equal(Deno.env.get("TF_FORCE_GPU_ALLOW_GROWTH"), TF_GPU_ENV.TF_FORCE_GPU_ALLOW_GROWTH);
    assert.equal(Deno.env.get("TF_GPU_ALLOCATOR"), "cuda_malloc_async");
  }),
);

Deno.test(
  "selectBackend('tfjs-node-gpu') keeps allocator settings the user chose",
  withEnv({ TF_GPU_ALLOCATOR: "bfc", TF_FORCE_GPU_ALLOW_GROWTH: "false" }, async () => {
    await assert.rejects(selectBackend("tfjs-node-gpu", tf), BackendUnavailableError);
    assert.equal(Deno.env.get("TF_GPU_ALLOCATOR"), "bfc");
    assert.equal(Deno.env.get("TF_FORCE_GPU_ALLOW_GROWTH"), "false");
  }),
);

Deno.test(
  "selectBackend('tfjs-node') fails clearly, without CUDA advice and without touching the GPU settings",
  withEnv({ TF_GPU_ALLOCATOR: undefined }, async () => {
    await assert.rejects(selectBackend("tfjs-node", tf), (err: Error) => {
      assert.ok(err instanceof BackendUnavailableError);
      assert.match(err.message, /@tensorflow\/tfjs-node is not installed/);
      assert.doesNotMatch(err.message, /CUDA/);
      return true;
    });
    assert.equal(Deno.env.get("TF_GPU_ALLOCATOR"), undefined);
    assert.notEqual(tf.getBackend(), "tensorflow");
  }),
);

Deno.test("explainImportFailure() tells a missing native addon apart from a missing package", () => {
  const addon = new Error(
    "The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/node_modules/.deno/@tensorflow+tfjs-node@4.22.0/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node.",
  );
  assert.match(
    explainImportFailure("tfjs-node", addon),
    /^Cannot use the tfjs-node backend as @tensorflow\/tfjs-node is installed without its native addon \(tfjs_binding\.node\)/,
  );
  const other = explainImportFailure(
    "tfjs-node-gpu",
    new Error("libcudnn.so.8: cannot open shared object file"),
  );
  assert.match(
    other,
    /loading @tensorflow\/tfjs-node-gpu failed: libcudnn\.so\.8: cannot open shared object file/,
  );
});
