/**
 * The tfjs-node backends. TensorFlow is loaded in child processes (a native library stays
 * loaded for the life of a process, and tfjs has one engine per process), each a `deno eval` of
 * a few lines in the repository root. The tfjs-node build is made by `deno task build:tfjs-node`,
 * which `deno task test` runs first; tfjs-node-gpu is built only on request.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { explainImportFailure } from "./tfjs_node_backend.ts";

const ROOT = new URL("../../..", import.meta.url).pathname;
const binding = (variant: string) =>
  `${ROOT}node_modules/@tensorflow/${variant}/lib/napi-v8/tfjs_binding.node`;
const NOT_BUILT = existsSync(binding("tfjs-node"))
  ? ""
  : `${binding("tfjs-node")} is missing: run \`deno task build:tfjs-node\``;
const GPU_BUILT = existsSync(binding("tfjs-node-gpu"))
  ? `the tfjs-node-gpu binding is built on this machine (${binding("tfjs-node-gpu")})`
  : "";

/** Runs `code` with `deno eval` in the repository root; its last stdout line is JSON. */
async function evalJson(code: string, env: Record<string, string> = {}, unset: string[] = []) {
  const vars = { ...Deno.env.toObject(), ...env };
  for (const name of unset) delete vars[name];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    cwd: ROOT,
    env: vars,
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stdout = new TextDecoder().decode(out.stdout).trim();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return { json: JSON.parse(stdout.split("\n").at(-1)!), stderr };
}

const MODULE = JSON.stringify(new URL("./select_backend.ts", import.meta.url).href);
const FIXTURE = JSON.stringify(new URL("./_conv_dense_fixture.ts", import.meta.url).href);
const RELEASE = JSON.stringify(new URL("./release_caches.ts", import.meta.url).href);

Deno.test("selectBackend('tfjs-node') runs TensorFlow's kernels and matches cpu", async () => {
  assert.equal(NOT_BUILT, "", NOT_BUILT);
  const { json, stderr } = await evalJson(
    `import * as tf from "@tensorflow/tfjs";
import { selectBackend } from ${MODULE};
import { convDenseForward } from ${FIXTURE};
import { releaseBackendCaches } from ${RELEASE};
await selectBackend("cpu", tf);
const cpu = [...await convDenseForward(tf)];
const info = await selectBackend("tfjs-node", tf);
const node = [...await convDenseForward(tf)];
const release = await releaseBackendCaches(tf);
console.log(JSON.stringify({ info, cpu, node, release, tensors: tf.memory().numTensors }));`,
    {},
    ["TF_CPP_MIN_LOG_LEVEL"],
  );
  assert.equal(json.info.tfBackend, "tensorflow");
  assert.equal(json.info.device, "CPU through TensorFlow");
  assert.equal(json.info.usesGpu, false);
  assert.deepEqual(json.info.envSet, ["TF_CPP_MIN_LOG_LEVEL=1"]);
  assert.doesNotMatch(stderr, /cpu_feature_guard/, "TensorFlow's INFO lines are hidden");
  assert.equal(json.node.length, 20);
  json.cpu.forEach((expected: number, i: number) => {
    const tolerance = 1e-4 * Math.max(1, Math.abs(expected));
    assert.ok(
      Math.abs(json.node[i] - expected) <= tolerance,
      `tensorflow[${i}] = ${json.node[i]} differs from cpu's ${expected}`,
    );
  });
  assert.equal(json.release.tfBackend, "tensorflow");
  assert.match(json.release.detail, /^malloc_trim\(0\) (returned|found no) free heap pages/);
  assert.match(json.release.detail, /cuda_malloc_async/);
  assert.equal(json.tensors, 0);
});

Deno.test({
  name:
    `selectBackend('tfjs-node-gpu') without its binding says to build it, after setting the allocator${
      GPU_BUILT ? ` (skipped: ${GPU_BUILT})` : ""
    }`,
  ignore: GPU_BUILT !== "",
  async fn() {
    const { json } = await evalJson(
      `import * as tf from "@tensorflow/tfjs";
import { selectBackend } from ${MODULE};
const err = await selectBackend("tfjs-node-gpu", tf).then(() => undefined, (e) => e);
console.log(JSON.stringify({ name: err?.name, backend: err?.backend, message: err?.message,
  cause: err?.cause instanceof Error, tf: tf.getBackend(), growth: Deno.env.get("TF_FORCE_GPU_ALLOW_GROWTH"),
  allocator: Deno.env.get("TF_GPU_ALLOCATOR") }));`,
      {},
      ["TF_GPU_ALLOCATOR", "TF_FORCE_GPU_ALLOW_GROWTH"],
    );
    assert.equal(json.name, "BackendUnavailableError");
    assert.equal(json.backend, "tfjs-node-gpu");
    assert.match(
      json.message,
      /^Cannot use the tfjs-node-gpu backend as @tensorflow\/tfjs-node-gpu is installed without its native binding \(tfjs_binding\.node\), which is built on this machine, not downloaded\. Run `deno task build:tfjs-node --gpu`/,
    );
    assert.doesNotMatch(json.message, /storage\.googleapis\.com/);
    assert.equal(json.cause, true);
    assert.notEqual(json.tf, "tensorflow");
    assert.equal(json.growth, "true");
    assert.equal(json.allocator, "cuda_malloc_async");
  },
});

Deno.test("selectBackend('tfjs-node-gpu') keeps the allocator settings the user chose", async () => {
  const { json } = await evalJson(
    `import * as tf from "@tensorflow/tfjs";
import { selectBackend } from ${MODULE};
const envSet = await selectBackend("tfjs-node-gpu", tf).then((i) => i.envSet, () => []);
console.log(JSON.stringify({ envSet, allocator: Deno.env.get("TF_GPU_ALLOCATOR"),
  growth: Deno.env.get("TF_FORCE_GPU_ALLOW_GROWTH") }));`,
    { TF_GPU_ALLOCATOR: "bfc", TF_FORCE_GPU_ALLOW_GROWTH: "false", TF_CPP_MIN_LOG_LEVEL: "2" },
  );
  assert.equal(json.allocator, "bfc");
  assert.equal(json.growth, "false");
  assert.ok(json.envSet.every((e: string) => !/^TF_(GPU_ALLOCATOR|FORCE_GPU)/.test(e)));
});

Deno.test("explainImportFailure() tells a missing package, binding and library apart", () => {
  const missing = explainImportFailure(
    "tfjs-node",
    new Error('Import "@tensorflow/tfjs-node" not a dependency and not in import map'),
  );
  assert.match(
    missing,
    /^Cannot use the tfjs-node backend as @tensorflow\/tfjs-node is not installed: map "@tensorflow\/tfjs-node": "npm:@tensorflow\/tfjs-node@4\.22\.0" in the root deno\.json "imports", then run `deno task build:tfjs-node`\./,
  );
  assert.doesNotMatch(missing, /CUDA|NVIDIA/);

  const addon = new Error(
    "The Node.js native addon module (tfjs_binding.node) can not be found at path: /x/lib/napi-v8/tfjs_binding.node.",
  );
  assert.match(
    explainImportFailure("tfjs-node", addon),
    /as @tensorflow\/tfjs-node is installed without its native binding \(tfjs_binding\.node\), which is built on this machine, not downloaded\. Run `deno task build:tfjs-node`: it lays out TensorFlow 2\.9\.1 from its PyPI wheel and builds the binding here\. Otherwise use --backend wasm, webgpu or cpu\.$/,
  );

  const library = explainImportFailure(
    "tfjs-node-gpu",
    new Error("_pywrap_tensorflow_internal.so: cannot open shared object file: No such file"),
  );
  assert.match(
    library,
    /^Cannot use the tfjs-node-gpu backend as its binding cannot load TensorFlow: current value is _pywrap_tensorflow_internal\.so: cannot open shared object file: No such file\. Run `deno task build:tfjs-node --gpu`: it lays out TensorFlow 2\.9\.1 from its PyPI wheels \(with CUDA 11 and cuDNN 8\)/,
  );

  assert.match(
    explainImportFailure("tfjs-node", new Error("boom")),
    /^Cannot use the tfjs-node backend as loading @tensorflow\/tfjs-node failed: boom\. Otherwise/,
  );
});
