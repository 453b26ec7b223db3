import assert from "node:assert/strict";
import { join } from "node:path";
import { hfModelFromConfigEntry } from "./config_entry.ts";
import { createHfModel, HfDeviceUnavailableError, onnxruntimeNodeLibDir } from "./hf_model.ts";
import { HF_TESTDATA } from "./_testdata.ts";
import { PARITY } from "./_parity_cases.ts";

/** The smolvlm test model with a tile side its vision encoder cannot take. */
async function brokenCopy(tmp: string): Promise<string> {
  const dir = join(tmp, "broken");
  await Deno.mkdir(dir);
  for (const e of Deno.readDirSync(join(HF_TESTDATA, "smolvlm"))) {
    if (e.name !== "preprocessor_config.json") {
      await Deno.symlink(join(HF_TESTDATA, "smolvlm", e.name), join(dir, e.name));
    }
  }
  const pre = JSON.parse(
    await Deno.readTextFile(join(HF_TESTDATA, "smolvlm", "preprocessor_config.json")),
  );
  pre.max_image_size = { longest_edge: 40 };
  await Deno.writeTextFile(join(dir, "preprocessor_config.json"), JSON.stringify(pre));
  return dir;
}

Deno.test("an ONNX Runtime error fails the sample only; after releaseCaches the model answers again", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "vlmeval-hf-model-" });
  const model = await createHfModel({
    model: await brokenCopy(tmp),
    generation: { max_new_tokens: 3 },
    onProgress: () => {},
  });
  try {
    const image = join(HF_TESTDATA, "images", "wide.png");
    await assert.rejects(
      model.generate([{ type: "image", value: image }, { type: "text", value: "Q?" }], {
        dataset: "Shapes_MCQ",
        index: "0",
      }),
      /invalid dimensions for input: pixel_values/,
    );
    await model.releaseCaches?.();
    // The sessions are reopened for the next sample: a text-only prompt needs no vision encoder.
    const answer = await model.generate([{ type: "text", value: "What is 2 + 2?" }], {
      dataset: "Shapes_MCQ",
      index: "1",
    });
    assert.equal(typeof answer, "string");
  } finally {
    await model.dispose?.();
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("a VLMEvalKit --config entry builds the model with its class and generation kwargs", async () => {
  const c = PARITY.cases.find((x) => x.family === "smolvlm2")!;
  const model = await hfModelFromConfigEntry("MySmol", {
    class: "SmolVLM2",
    model_path: join(HF_TESTDATA, "smolvlm2"),
    max_new_tokens: 5,
  }, { env: {} });
  try {
    assert.equal(model.name, "MySmol");
    assert.equal(model.info.wrapper, "SmolVLM2");
    const message = c.message.map((m) =>
      m.type === "image" ? { ...m, value: join(HF_TESTDATA, m.value) } : m
    );
    const got = await model.generateIds(message, { dataset: c.dataset, index: "0" });
    assert.deepEqual(got.newIds, c.expected.token_ids.slice(0, 5));
  } finally {
    await model.dispose?.();
  }
  await assert.rejects(
    hfModelFromConfigEntry("X", { class: "Qwen2VLChat", model_path: "Qwen/Qwen2-VL-2B-Instruct" }),
    /its class is not one of SmolVLM, SmolVLM2, PaliGemma: current value is "Qwen2VLChat"/,
  );
  await assert.rejects(
    hfModelFromConfigEntry("X", { class: "SmolVLM" }),
    /model_path must be a repository id or a folder/,
  );
});

Deno.test("a folder of another model type is refused with the type named", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "vlmeval-hf-model-" });
  try {
    await Deno.writeTextFile(join(tmp, "config.json"), JSON.stringify({ model_type: "qwen2_vl" }));
    await Deno.writeTextFile(join(tmp, "preprocessor_config.json"), "{}");
    await assert.rejects(
      createHfModel({ model: tmp, onProgress: () => {} }),
      /model_type is not one this adapter prompts \(idefics3, smolvlm, paligemma\): current value is "qwen2_vl"/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("cuda without the laid-out provider is a clear error naming the set-up command", async () => {
  const provider = join(onnxruntimeNodeLibDir(), "libonnxruntime_providers_cuda.so");
  let present = true;
  try {
    await Deno.stat(provider);
  } catch {
    present = false;
  }
  if (present) return; // laid out on this machine: the GPU check script covers it
  await assert.rejects(
    createHfModel({ model: join(HF_TESTDATA, "smolvlm"), device: "cuda", onProgress: () => {} }),
    (err: Error) =>
      err instanceof HfDeviceUnavailableError && /deno task setup:ort-cuda/.test(err.message),
  );
});
