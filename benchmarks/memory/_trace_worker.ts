/**
 * One traced run of the memory benchmark, in its own process so that every run starts from a
 * fresh tfjs engine and a fresh heap: loads the bundled ShapesVLM on one backend, answers
 * `samples` Shapes_MCQ prompts (cycling through the benchmark), and after every sample prints
 * a memory reading as a JSON line (see `_trace.ts`).
 *
 * Usage: deno run -A benchmarks/memory/_trace_worker.ts <backend> <mode> <samples> <leak-bytes>
 * Exits 6 with the reason on stderr when the backend cannot run here, 1 when a sample fails.
 */
import * as tf from "@tensorflow/tfjs";
import { cudaStatus, emptyCache, memoryInfo } from "@vlmeval/native";
import { type BackendName, BackendUnavailableError, createModel } from "@vlmeval/models";
import { openTask } from "@vlmeval/pipeline";
import type { Message, VisionLanguageModel } from "@vlmeval/schema";
import {
  LeakingAdapterForBenchmarks,
  probeMemory,
  TensorScopedModel,
  withTensorScope,
} from "@vlmeval/models";
import type { RunMode, TraceEnd, TraceLine, TraceSample, TraceStart } from "./_trace.ts";

const DATASET = "Shapes_MCQ";
const [backend, mode, samplesArg, leakBytesArg] = Deno.args as [
  BackendName,
  RunMode,
  string,
  string,
];
const samples = Number(samplesArg);
const leakBytes = Number(leakBytesArg);

function emit(line: TraceLine): void {
  console.log(JSON.stringify(line));
}

async function loadModel(): Promise<
  TensorScopedModel & { device: string; usesGpu: boolean; notes: string[] }
> {
  const created = await createModel("ShapesVLM", { backend });
  const raw = created instanceof TensorScopedModel ? created.inner : created;
  const info = (raw as { backendInfo?: { device: string; usesGpu: boolean; notes: string[] } })
    .backendInfo ?? { device: tf.getBackend(), usesGpu: false, notes: [] };
  const inner: VisionLanguageModel = mode === "leaking"
    ? new LeakingAdapterForBenchmarks(raw, tf, leakBytes)
    : raw;
  return Object.assign(withTensorScope(inner, tf, { onLeak: (r) => leaks.push(r) }), info);
}

async function loadPrompts(workDir: string): Promise<{ index: string; message: Message }[]> {
  const task = await openTask(DATASET, { workDir });
  const prompts = [];
  for (let p = 0; p < Math.min(task.unitCount, samples); p++) {
    const unit = await task.unitAt(p);
    prompts.push({ index: unit.key, message: await unit.buildPrompt() });
  }
  task.close?.();
  return prompts;
}

/** webgpu: bytes of every GPU buffer tfjs holds, the free pool included; 0 elsewhere. */
function gpuBytesAllocated(): number {
  return (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0;
}

const leaks: { index: string; grewBy: number }[] = [];
const model = await loadModel().catch((err) => {
  if (!(err instanceof BackendUnavailableError)) throw err;
  console.error(err.message);
  Deno.exit(6);
});

const cuda = cudaStatus();
const deviceMemory = cuda.available ? () => memoryInfo(0) : undefined;
const workDir = await Deno.makeTempDir({ prefix: "vlmeval-memory-bench-" });
try {
  const prompts = await loadPrompts(workDir);
  const first = probeMemory(tf, { deviceMemory });
  const start: TraceStart = {
    kind: "start",
    backend,
    mode,
    device: model.device,
    usesGpu: model.usesGpu,
    notes: model.notes,
    deviceMemoryReason: cuda.available ? undefined : cuda.reason,
    reasons: first.reasons,
    prompts: prompts.length,
  };
  emit(start);
  const reading = (sample: number, index: string, ms: number, scopeLeaked: number): TraceSample => {
    const { tfBackend: _, unreliable: _u, reasons: _r, dataBuffers: _d, ...figures } = probeMemory(
      tf,
      { deviceMemory },
    );
    return { kind: "sample", sample, index, ms, scopeLeaked, ...figures };
  };
  emit(reading(0, "", 0, 0));
  let freedBytes = 0;
  for (let sample = 1; sample <= samples; sample++) {
    const { index, message } = prompts[(sample - 1) % prompts.length];
    const leaksBefore = leaks.length;
    const t0 = performance.now();
    await model.generate(message, { dataset: DATASET, index }).catch((err: Error) => {
      console.error(
        `Failed on ${DATASET} sample ${index} (call ${sample}): ${err.name}: ${err.message}`,
      );
      Deno.exit(1);
    });
    const ms = performance.now() - t0;
    if (mode !== "kept") {
      const allocated = gpuBytesAllocated();
      const rss = Deno.memoryUsage().rss;
      await model.releaseCaches();
      freedBytes += tf.getBackend() === "tensorflow"
        ? Math.max(0, rss - Deno.memoryUsage().rss)
        : allocated - gpuBytesAllocated();
      if (cuda.available) emptyCache(0);
    }
    const leaked = leaks.slice(leaksBefore).reduce((n, r) => n + r.grewBy, 0);
    emit(reading(sample, index, ms, leaked));
  }
  const end: TraceEnd = {
    kind: "end",
    leakyCalls: model.stats.leakyCalls,
    firstLeakIndex: leaks[0]?.index,
    cacheReleaseDetail: model.lastCacheRelease?.detail,
    freedBytes,
  };
  emit(end);
  await model.dispose();
} finally {
  await Deno.remove(workDir, { recursive: true });
}
