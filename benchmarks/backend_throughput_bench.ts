/**
 * Throughput of the bundled ShapesVLM per tfjs backend, side by side in one run: one generate
 * call (image decode + forward pass) per iteration over the Shapes_MCQ prompts, on wasm
 * (baseline), webgpu, cpu and tfjs-node (TensorFlow 2.9.1's CPU kernels; built by
 * `deno task build:tfjs-node`, else listed as not run). Each backend gets its own model
 * instance, loaded while that backend was active, and is made active again before its calls,
 * outside the timed part.
 * Prints a samples/s table with the device that really computes at the end.
 *
 *   deno bench -A benchmarks/backend_throughput_bench.ts
 */
import * as tf from "@tensorflow/tfjs";
import { type BackendName, BackendUnavailableError, createModel } from "@vlmeval/models";
import { openTask } from "@vlmeval/pipeline";
import type { Message, VisionLanguageModel } from "@vlmeval/schema";

const BACKENDS: BackendName[] = ["wasm", "webgpu", "cpu", "tfjs-node"];
const ITERATIONS = { n: 100, warmup: 10 };

const workDir = await Deno.makeTempDir({ prefix: "vlmeval-throughput-" });
const task = await openTask("Shapes_MCQ", { workDir });
const prompts: { index: string; message: Message }[] = [];
for (let p = 0; p < task.unitCount; p++) {
  const unit = await task.unitAt(p);
  prompts.push({ index: unit.key, message: await unit.buildPrompt() });
}
task.close?.();

interface Entry {
  backend: BackendName;
  model?: VisionLanguageModel;
  /** The name tfjs knows the backend by (`tensorflow` for tfjs-node). */
  tfBackend: string;
  device: string;
  ms: number[];
}

const entries: Entry[] = [];
for (const backend of BACKENDS) {
  try {
    const model = await createModel("ShapesVLM", { backend });
    const info = (model as { inner?: { backendInfo?: { device: string; tfBackend: string } } })
      .inner?.backendInfo;
    entries.push({
      backend,
      model,
      tfBackend: info?.tfBackend ?? backend,
      device: info?.device ?? backend,
      ms: [],
    });
  } catch (err) {
    if (!(err instanceof BackendUnavailableError)) throw err;
    entries.push({ backend, tfBackend: backend, device: `not run: ${err.message}`, ms: [] });
  }
}

for (const entry of entries) {
  let next = 0;
  Deno.bench({
    name: `ShapesVLM on ${entry.backend}`,
    group: "one Shapes_MCQ sample",
    baseline: entry.backend === "wasm",
    ignore: entry.model === undefined,
    ...ITERATIONS,
    async fn(b) {
      await tf.setBackend(entry.tfBackend);
      const { index, message } = prompts[next++ % prompts.length];
      b.start();
      const t0 = performance.now();
      try {
        await entry.model!.generate(message, { dataset: "Shapes_MCQ", index });
      } catch (err) {
        entry.device = `FAILED on sample ${index}: ${(err as Error).message}`;
        throw err;
      }
      entry.ms.push(performance.now() - t0);
      b.end();
    },
  });
}

/** Median of the timed calls (deno bench runs `fn` for the warm-up calls too). */
function median(values: number[]): number {
  const sorted = values.slice(ITERATIONS.warmup).sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

globalThis.addEventListener("unload", () => {
  const baseline = entries.find((e) => e.backend === "wasm" && e.ms.length > 0);
  const lines = [
    "",
    `ShapesVLM throughput on Shapes_MCQ (median of ${ITERATIONS.n} timed calls after ${ITERATIONS.warmup} warm-up calls)`,
    "  backend    samples/s  ms/sample  vs wasm  device",
  ];
  for (const e of entries) {
    if (e.ms.length <= ITERATIONS.warmup) {
      lines.push(
        `  ${e.backend.padEnd(10)} ${"-".padStart(9)}  ${"-".padStart(9)}  ${
          "-".padStart(7)
        }  ${e.device}`,
      );
      continue;
    }
    const ms = median(e.ms);
    const ratio = baseline ? `${(median(baseline.ms) / ms).toFixed(2)}x` : "-";
    lines.push(
      `  ${e.backend.padEnd(10)} ${(1000 / ms).toFixed(1).padStart(9)}  ${
        ms.toFixed(2).padStart(9)
      }  ${ratio.padStart(7)}  ${e.device}`,
    );
  }
  console.log(lines.join("\n"));
  Deno.removeSync(workDir, { recursive: true });
});
