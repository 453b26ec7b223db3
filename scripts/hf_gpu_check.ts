/**
 * Hardware check of the Hugging Face adapter on a lent GPU machine (also runs on CPU): the tiny
 * SmolVLM test model on ONNX Runtime's CUDA execution provider answers the parity cases under
 * the SKIP_ERR guard, with device memory (NVML through the native addon) before each sample and
 * after each release of the ONNX sessions; one sample is made to fail inside ONNX Runtime (a
 * model copy whose tile side does not fit its vision encoder) and must be recorded as
 * `Failed to obtain answer: ...` while the next sample still answers.
 *
 * Needs the CUDA provider laid out by `deno task setup:ort-cuda` and the CUDA libraries it links
 * to (see that script's --check). The GPU machine has no internet: carry node_modules, the
 * provider and Deno (bash scripts/gpu_check.sh prepare makes .carry/gpu with Deno and the addon).
 *
 * Usage: deno run -A scripts/hf_gpu_check.ts [--device cuda|cpu|webgpu] [--json PATH]
 * Exit: 0 every sample answered (tokens compared with PyTorch's are reported, not required on
 *       CUDA, whose kernels round differently) and the injected failure was recorded and
 *       recovered from; 1 otherwise; 2 a bad option; 6 the model could not be opened on the device.
 */
import { join } from "node:path";
import { createHfModel, type HfDevice } from "@vlmeval/models";
import { emptyCache, isStickyCudaError, memoryInfo, synchronize } from "@vlmeval/native";
import { failMessage } from "@vlmeval/schema";
import { parseScriptArgs, usageError } from "./_script_help.ts";

const { values } = parseScriptArgs(import.meta, {
  device: { type: "string", default: "cuda" },
  json: { type: "string" },
});
if (!["cuda", "cpu", "webgpu"].includes(values.device)) {
  usageError(
    import.meta,
    `--device must be cuda, cpu or webgpu: current value is ${values.device}`,
  );
}
const device = values.device as HfDevice;
const testdata = new URL("../packages/models/hf/testdata/", import.meta.url).pathname;
const cases = (JSON.parse(await Deno.readTextFile(join(testdata, "parity.json"))).cases as {
  name: string;
  family: string;
  split?: boolean;
  dataset: string;
  message: { type: "image" | "text"; value: string }[];
  expected: { token_ids: number[] };
}[]).filter((c) => c.family === "smolvlm" && c.split !== false);

const MIB = 1024 * 1024;
let unavailableSaid = false;
function mem(): string {
  const m = memoryInfo(0);
  if (!m.available) {
    if (!unavailableSaid) console.log(`hf_gpu_check: no device memory figures: ${m.reason}`);
    unavailableSaid = true;
    return "n/a";
  }
  return `free ${((m.freeBytes ?? 0) / MIB).toFixed(0)} MiB, process ${
    m.processUsedBytes === undefined ? "n/a" : `${(m.processUsedBytes / MIB).toFixed(0)} MiB`
  }`;
}

/** A copy of the model whose tile side the vision encoder cannot take: ONNX Runtime fails. */
async function brokenCopy(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-hf-gpu-check-" });
  for (const e of Deno.readDirSync(join(testdata, "smolvlm"))) {
    await Deno.symlink(join(testdata, "smolvlm", e.name), join(dir, e.name));
  }
  await Deno.remove(join(dir, "preprocessor_config.json"));
  const pre = JSON.parse(
    await Deno.readTextFile(join(testdata, "smolvlm/preprocessor_config.json")),
  );
  pre.max_image_size = { longest_edge: 40 };
  await Deno.writeTextFile(join(dir, "preprocessor_config.json"), JSON.stringify(pre));
  return dir;
}

const report: Record<string, unknown>[] = [];
let ok = true;
const say = (line: string) => console.log(`hf_gpu_check: ${line}`);
say(`device memory at start: ${mem()}`);
let model, broken;
try {
  model = await createHfModel({
    model: join(testdata, "smolvlm"),
    device,
    generation: { max_new_tokens: 12 },
  });
  broken = await createHfModel({
    model: await brokenCopy(),
    device,
    generation: { max_new_tokens: 12 },
  });
} catch (err) {
  say(`cannot open the test model on ${device}: ${(err as Error).message}`);
  Deno.exit(6);
}
say(`model loaded on ${model.info.device}: ${mem()}`);
const runs = [
  ...cases.map((c) => ({ c, m: model, inject: false })),
  { c: cases[0], m: broken, inject: true },
  { c: cases[1], m: model, inject: false },
];
for (const { c, m, inject } of runs) {
  const message = c.message.map((
    x,
  ) => (x.type === "image" ? { ...x, value: join(testdata, x.value) } : x));
  const before = mem();
  let prediction: string;
  let same: boolean | undefined;
  try {
    const got = await m.generateIds(message, { dataset: c.dataset, index: c.name });
    prediction = got.text;
    same = JSON.stringify(got.newIds) === JSON.stringify(c.expected.token_ids);
    if (inject) ok = false;
  } catch (err) {
    // What the pipeline's guard does under SKIP_ERR: record, synchronize, release, go on (a
    // sticky CUDA error would stop the worker).
    if (isStickyCudaError(err)) ok = false;
    prediction = failMessage((err as Error).name || "Error", (err as Error).message);
    if (!inject) ok = false;
    synchronize(0);
    await m.releaseCaches?.();
    emptyCache(0);
  }
  const afterSample = mem();
  await m.releaseCaches?.();
  const afterRelease = mem();
  report.push({
    case: c.name,
    inject,
    prediction,
    samePyTorchTokens: same,
    before,
    afterSample,
    afterRelease,
  });
  say(
    `${inject ? "[injected] " : ""}${c.name}: ${JSON.stringify(prediction).slice(0, 80)}${
      same === undefined ? "" : same ? " (PyTorch's tokens)" : " (tokens differ from PyTorch's)"
    }\n    before ${before}; after sample ${afterSample}; after release ${afterRelease}`,
  );
}
await model.dispose?.();
await broken.dispose?.();
say(`after dispose: ${mem()}`);
if (values.json) {
  await Deno.writeTextFile(values.json, JSON.stringify({ device, report }, null, 2) + "\n");
}
say(ok ? "pass" : "FAIL");
Deno.exit(ok ? 0 : 1);
