/**
 * One side of benchmarks/hf_smolvlm_bench.ts: our adapter (transformers.js on onnxruntime-node)
 * answers the benchmark's prompts; prints one JSON line (samples/s, peak RSS, token ids).
 *
 * Usage: deno run -A benchmarks/_hf_bench_worker.ts --model DIR --samples N --max-new-tokens N
 *          [--device cpu|cuda|webgpu] [--dtype fp32] [--batch-size N]
 * With --batch-size N the timed samples are asked all at once and generated N at a time.
 * Exit: 0 measured; 1 a sample failed; 2 a bad option.
 */
import { parseScriptArgs } from "../scripts/_script_help.ts";
import { createHfModel, type HfDevice } from "@vlmeval/models";
import { benchMessages } from "./_hf_bench_inputs.ts";

const { values } = parseScriptArgs(import.meta, {
  model: { type: "string" },
  samples: { type: "string", default: "3" },
  "max-new-tokens": { type: "string", default: "32" },
  device: { type: "string", default: "cpu" },
  dtype: { type: "string", default: "fp32" },
  "batch-size": { type: "string", default: "1" },
});
const batchSize = Number(values["batch-size"]);

function peakRssMiB(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const loadStart = performance.now();
const model = await createHfModel({
  model: values.model!,
  device: values.device as HfDevice,
  dtype: values.dtype,
  generation: { max_new_tokens: Number(values["max-new-tokens"]) },
  batchSize,
  onProgress: (line) => console.error(line),
});
const loadS = (performance.now() - loadStart) / 1000;
const messages = benchMessages(Number(values.samples) + 1);
// The first sample warms the sessions and is not counted.
await model.generateIds(messages[0].message, { dataset: messages[0].dataset, index: "warm" });
const ids: number[][] = [];
const start = performance.now();
if (batchSize > 1) {
  const got = await Promise.all(
    messages.slice(1).map((m, i) =>
      model.generateIds(m.message, { dataset: m.dataset, index: String(i) })
    ),
  );
  ids.push(...got.map((g) => g.newIds));
} else {
  for (const [i, m] of messages.slice(1).entries()) {
    const got = await model.generateIds(m.message, { dataset: m.dataset, index: String(i) });
    ids.push(got.newIds);
  }
}
const seconds = (performance.now() - start) / 1000;
await model.dispose?.();
console.log(JSON.stringify({
  runtime: `transformers.js 4.3.2 / onnxruntime-node 1.30.0 (${values.device}, ${values.dtype}${
    batchSize > 1 ? `, batch ${batchSize}` : ""
  })`,
  loadSeconds: loadS,
  samples: ids.length,
  seconds,
  samplesPerSecond: ids.length / seconds,
  tokens: ids.reduce((n, x) => n + x.length, 0),
  peakRssMiB: peakRssMiB(),
  ids,
}));
