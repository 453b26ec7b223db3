/**
 * Parity with PyTorch: the tiny random models in testdata answer token for token what
 * VLMEvalKit's wrapper gave with PyTorch's generate (recorded by scripts/make_hf_fixtures.py),
 * from the image files through our decoding, resizing and splitting to the decoded text.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { createHfModel, type HfVlm } from "./hf_model.ts";
import { HF_TESTDATA } from "./_testdata.ts";
import { noSplitCopy, PARITY } from "./_parity_cases.ts";

function sha256(data: Float32Array): string {
  return createHash("sha256").update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest("hex");
}

Deno.test("generated tokens equal PyTorch's for every parity case, with and without splitting", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "vlmeval-hf-parity-" });
  const models = new Map<string, HfVlm>();
  try {
    assert.ok(PARITY.cases.length >= 8);
    for (const c of PARITY.cases) {
      const key = `${c.family}${c.split === false ? "_nosplit" : ""}`;
      let model = models.get(key);
      if (!model) {
        const dir = c.split === false
          ? await noSplitCopy(c.family, tmp)
          : join(HF_TESTDATA, c.family);
        model = await createHfModel({
          model: dir,
          generation: { max_new_tokens: c.expected.token_ids.length },
          env: {},
        });
        models.set(key, model);
      }
      const message = c.message.map((m) =>
        m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m
      );
      const got = await model.generateIds(message, { dataset: c.dataset, index: c.name });
      const what = `${c.family}/${c.name}`;
      assert.deepEqual(got.inputIds, c.expected.input_ids, `${what}: prompt token ids`);
      assert.deepEqual(got.pixelShape, c.expected.pixel_values_shape, `${what}: pixel shape`);
      assert.equal(
        sha256(got.pixelValues),
        c.expected.pixel_values_sha256,
        `${what}: pixel values`,
      );
      assert.deepEqual(got.newIds, c.expected.token_ids, `${what}: generated ids`);
      assert.equal(got.text, c.expected.text, `${what}: decoded text`);
    }
  } finally {
    for (const m of models.values()) await m.dispose?.();
    await Deno.remove(tmp, { recursive: true });
  }
});
