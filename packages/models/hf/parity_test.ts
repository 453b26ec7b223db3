/**
 * Parity with PyTorch: the tiny random models in testdata answer token for token what
 * VLMEvalKit's wrapper gave with PyTorch's generate (recorded by scripts/make_hf_fixtures.py),
 * from the image files through our decoding, resizing and splitting to the decoded text.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Message } from "@vlmeval/schema";
import { createHfModel, type HfVlm } from "./hf_model.ts";
import { HF_TESTDATA } from "./_testdata.ts";

export interface ParityCase {
  name: string;
  family: "smolvlm" | "smolvlm2";
  dataset: string;
  split?: boolean;
  row: Record<string, string> | null;
  message: Message;
  expected: {
    input_ids: number[];
    pixel_values_shape: number[];
    pixel_values_sha256: string;
    token_ids: number[];
    text: string;
  };
}

export const PARITY: { cases: ParityCase[] } = JSON.parse(
  Deno.readTextFileSync(join(HF_TESTDATA, "parity.json")),
);

/** A copy of a fixture folder with image splitting turned off. */
export async function noSplitCopy(family: string, tmp: string): Promise<string> {
  const dir = join(tmp, `${family}_nosplit`);
  await Deno.mkdir(join(dir, "onnx"), { recursive: true });
  for (const e of Deno.readDirSync(join(HF_TESTDATA, family))) {
    if (e.isFile) await Deno.copyFile(join(HF_TESTDATA, family, e.name), join(dir, e.name));
  }
  for (const e of Deno.readDirSync(join(HF_TESTDATA, family, "onnx"))) {
    await Deno.copyFile(join(HF_TESTDATA, family, "onnx", e.name), join(dir, "onnx", e.name));
  }
  const pre = JSON.parse(await Deno.readTextFile(join(dir, "preprocessor_config.json")));
  pre.do_image_splitting = false;
  await Deno.writeTextFile(join(dir, "preprocessor_config.json"), JSON.stringify(pre));
  return dir;
}

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
