import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import * as tf from "@tensorflow/tfjs";
import { convDenseForward } from "./_conv_dense_fixture.ts";
import type { BackendName } from "./backend_info.ts";
import { selectBackend } from "./select_backend.ts";
import { probeWebGpuAdapter } from "./webgpu_backend.ts";

const adapter = await probeWebGpuAdapter();
const NO_WEBGPU = !navigator.gpu
  ? "navigator.gpu is undefined in this Deno"
  : !adapter
  ? "no WebGPU adapter (install a Vulkan driver, e.g. apt-get install -y mesa-vulkan-drivers)"
  : "";

function assertClose(actual: Float32Array, expected: Float32Array, label: string) {
  assert.equal(actual.length, expected.length, label);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-4 * Math.max(1, Math.abs(expected[i]));
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `${label}[${i}]: ${actual[i]} differs from cpu's ${expected[i]}`,
    );
  }
}

let reference: Float32Array | undefined;

async function referenceOnCpu(): Promise<Float32Array> {
  if (!reference) {
    await selectBackend("cpu", tf);
    reference = await convDenseForward(tf);
    assert.ok(reference.some((v) => v !== 0), "the cpu reference is all zeros");
  }
  return reference;
}

Deno.test("selectBackend('cpu') runs the plain JavaScript kernels", async () => {
  const info = await selectBackend("cpu", tf);
  assert.equal(tf.getBackend(), "cpu");
  assert.equal(info.tfBackend, "cpu");
  assert.equal(info.usesGpu, false);
  assert.equal((await referenceOnCpu()).length, 20);
});

Deno.test("selectBackend('wasm') loads the SIMD binary from node_modules and matches cpu", async () => {
  const expected = await referenceOnCpu();
  const info = await selectBackend("wasm", tf);
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(info.usesGpu, false);
  assert.ok(info.wasm, "wasm details missing");
  assert.ok(existsSync(info.wasm.binary), `${info.wasm.binary} does not exist`);
  assert.match(info.wasm.binary, /node_modules\/.*tfjs-backend-wasm.*\.wasm$/);
  assertClose(await convDenseForward(tf), expected, "wasm");
});

Deno.test({
  name: `selectBackend('webgpu') reports its adapter and matches cpu${
    NO_WEBGPU ? ` (skipped: ${NO_WEBGPU})` : ""
  }`,
  ignore: NO_WEBGPU !== "",
  async fn() {
    const expected = await referenceOnCpu();
    const info = await selectBackend("webgpu", tf);
    assert.equal(tf.getBackend(), "webgpu");
    assert.ok(info.adapter, "adapter details missing");
    assert.equal(info.adapter.description, adapter!.info.description);
    assert.equal(info.usesGpu, !info.adapter.software);
    assert.ok(info.device.startsWith("WebGPU on "), info.device);
    assertClose(await convDenseForward(tf), expected, "webgpu");
    const again = await selectBackend("webgpu", tf);
    assert.deepEqual(again.adapter, info.adapter);
  },
});

Deno.test("selectBackend() rejects an unknown name", async () => {
  await assert.rejects(selectBackend("webgl" as BackendName, tf), {
    name: "TypeError",
    message:
      'Cannot select backend "webgl" as it is not one of wasm, webgpu, cpu, tfjs-node, tfjs-node-gpu',
  });
});

Deno.test({
  name: `selectBackend('webgpu') in a fresh process sets XDG_RUNTIME_DIR only when unset${
    NO_WEBGPU ? ` (skipped: ${NO_WEBGPU})` : ""
  }`,
  ignore: NO_WEBGPU !== "",
  async fn() {
    const script = `import * as tf from "@tensorflow/tfjs";
import { selectBackend } from ${
      JSON.stringify(new URL("./select_backend.ts", import.meta.url).href)
    };
const info = await selectBackend("webgpu", tf);
console.log(JSON.stringify(info.envSet));`;
    const env = { ...Deno.env.toObject() };
    delete env.XDG_RUNTIME_DIR;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--quiet", script],
      env,
      clearEnv: true,
      cwd: new URL("../../..", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const envSet: string[] = JSON.parse(new TextDecoder().decode(out.stdout));
    assert.equal(envSet.length, 1);
    assert.match(envSet[0], /^XDG_RUNTIME_DIR=\/.+vlmeval-runtime-/);
    assert.doesNotMatch(stderr, /XDG_RUNTIME_DIR is invalid/);
  },
});
