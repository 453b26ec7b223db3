/**
 * `--device webgpu`: onnxruntime-web's WebGPU provider on Deno's navigator.gpu (Mesa's software
 * device here) generates PyTorch's tokens. Its own file: the WebGPU runtime is per process.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { createHfModel } from "./hf_model.ts";
import { HF_TESTDATA } from "./_testdata.ts";
import { PARITY } from "./_parity_cases.ts";

const adapter = await navigator.gpu?.requestAdapter();

Deno.test({
  name: "webgpu: the test model answers PyTorch's first tokens on Deno's WebGPU",
  ignore: !adapter,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const c = PARITY.cases.find((x) => x.family === "smolvlm" && x.split !== false)!;
    const lines: string[] = [];
    const model = await createHfModel({
      model: join(HF_TESTDATA, "smolvlm"),
      device: "webgpu",
      generation: { max_new_tokens: 2 },
      onProgress: (l) => lines.push(l),
    });
    try {
      assert.match(lines.join("\n"), /on webgpu \(onnxruntime-web .*WebGPU execution provider/);
      const message = c.message.map((m) =>
        m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m
      );
      const got = await model.generateIds(message, { dataset: c.dataset, index: "0" });
      assert.deepEqual(got.newIds, c.expected.token_ids.slice(0, 2));
    } finally {
      await model.dispose?.();
    }
    await assert.rejects(
      createHfModel({ model: join(HF_TESTDATA, "smolvlm"), device: "cpu", onProgress: () => {} }),
      /already runs transformers\.js on onnxruntime-web: use one --device per run/,
    );
  },
});
