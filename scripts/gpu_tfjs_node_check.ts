/**
 * Hardware check of tfjs-node-gpu under the failure guard, for a machine with a GPU (run it
 * through `scripts/gpu_tfjs_node.sh run`, which carries Deno, node_modules and TensorFlow there).
 * The bundled ShapesVLM answers the first --samples rows of Shapes_MCQ on TensorFlow's CUDA
 * kernels through the real evaluation loop (`runJob`) with SKIP_ERR on; a fault injector
 * (named so) throws on the sample at --fail-at, mid-run. The guard's GPU hooks are the native
 * addon's synchronize and emptyCache on the real device, wrapped to record the device memory
 * (free, this process, CUDA's pool) before and after each release: after the failure, and after
 * every sample (`emptyCache: "always"`).
 *
 * Passes when: TensorFlow runs on the GPU; the run goes on past the failure and ends ok; exactly
 * the injected sample is recorded as `Failed to obtain answer: InjectedFailure ...`; synchronize
 * ran on the device after the failure; every release has a before/after reading; and the releases
 * returned pooled memory (TF_GPU_ALLOCATOR=cuda_malloc_async keeps TensorFlow's freed memory in
 * CUDA's default pool, which emptyCache trims).
 *
 * Usage: deno run -A scripts/gpu_tfjs_node_check.ts [--backend tfjs-node-gpu] [--samples 40]
 *          [--fail-at 20] [--device 0] [--json PATH] [--allow-cpu]
 *   --backend NAME  tfjs-node-gpu (default) or tfjs-node
 *   --samples N     rows of Shapes_MCQ to answer (default 40, at most 300)
 *   --fail-at K     0-based position of the sample that fails (default samples/2)
 *   --device N      CUDA device index (default 0)
 *   --json PATH     also write the full report as JSON to PATH
 *   --allow-cpu     without CUDA or without a GPU in TensorFlow, check the guard on the CPU
 *                   (the GPU checks are reported as not run) instead of exiting 6
 * Exit: 0 pass; 1 a check failed; 2 a bad option; 6 CUDA unavailable, TensorFlow found no GPU,
 *       or the backend cannot load (the message says which).
 */
import { join } from "node:path";
import {
  addonStatus,
  cudaStatus,
  emptyCache,
  type EmptyCacheResult,
  type MemoryInfo,
  memoryInfo,
  synchronize,
  type SyncResult,
} from "@vlmeval/native";
import {
  type BackendName,
  BackendUnavailableError,
  createModel,
  FaultInjectionModel,
  type ShapesVlm,
  type TensorScopedModel,
} from "@vlmeval/models";
import { bundledDatasetPath } from "@vlmeval/datasets";
import { type GpuHooks, jobPaths, NO_GPU, openTask, readJournals, runJob } from "@vlmeval/pipeline";
import { EXIT_CODES } from "@vlmeval/schema";
import { parseScriptArgs, usageError } from "./_script_help.ts";

const MIB = 1024 * 1024;

const { values } = parseScriptArgs(import.meta, {
  backend: { type: "string", default: "tfjs-node-gpu" },
  samples: { type: "string", default: "40" },
  "fail-at": { type: "string" },
  device: { type: "string", default: "0" },
  json: { type: "string" },
  "allow-cpu": { type: "boolean" },
});
const backend = values.backend as BackendName;
if (backend !== "tfjs-node-gpu" && backend !== "tfjs-node") {
  usageError(
    import.meta,
    `Cannot check backend "${values.backend}" as it is not tfjs-node-gpu or tfjs-node`,
  );
}
const samples = Number(values.samples);
if (!Number.isInteger(samples) || samples < 3 || samples > 300) {
  usageError(
    import.meta,
    `Cannot run as --samples must be an integer from 3 to 300: current value is ${values.samples}`,
  );
}
const failAt = values["fail-at"] === undefined
  ? Math.floor(samples / 2)
  : Number(values["fail-at"]);
if (!Number.isInteger(failAt) || failAt < 1 || failAt >= samples - 1) {
  usageError(
    import.meta,
    `Cannot inject the failure as --fail-at must be between 1 and ${
      samples - 2
    } (mid-run): current value is ${values["fail-at"]}`,
  );
}
const device = Number(values.device);
if (!Number.isInteger(device) || device < 0) {
  usageError(import.meta, `--device must be a device index: current value is ${values.device}`);
}
const allowCpu = values["allow-cpu"] ?? false;

/** One release by the guard: device memory around the addon's emptyCache. */
interface Release {
  /** How many samples had finished when it ran. */
  afterSamples: number;
  /** `failure` when the guard ran it after the injected failure, else `sample`. */
  kind: "failure" | "sample";
  before?: MemoryInfo;
  emptyCache?: EmptyCacheResult;
  after?: MemoryInfo;
  skipped?: string;
}

const report: Record<string, unknown> = { backend, samples, failAt, device, allowCpu };
const checks: { name: string; ok: boolean; detail: string }[] = [];

function say(line: string): void {
  console.log(`gpu_tfjs_node_check: ${line}`);
}

function mib(value: number | undefined): string {
  return value === undefined ? "n/a" : `${(value / MIB).toFixed(1)} MiB`;
}

function finish(code: number, verdict: string): never {
  report.checks = checks;
  report.verdict = verdict;
  say(verdict);
  if (values.json) Deno.writeTextFileSync(values.json, JSON.stringify(report, null, 2) + "\n");
  Deno.exit(code);
}

function check(name: string, ok: boolean, detail: string): void {
  checks.push({ name, ok, detail });
  say(`${ok ? "ok  " : "FAIL"} ${name}: ${detail}`);
}

const addon = addonStatus();
const cuda = cudaStatus();
report.addon = addon;
report.cuda = cuda;
const gpuOn = cuda.available;
const noCuda = `CUDA unavailable (${cuda.kind})`;
say(
  gpuOn
    ? `CUDA ${cuda.driverCudaVersion} (driver ${cuda.driverVersion ?? "?"}), ${
      cuda.devices.map((d) => `${d.index}: ${d.name}`).join(", ")
    }`
    : `CUDA unavailable: ${
      addon.loaded ? cuda.reason : `the addon did not load: ${addon.message}`
    }`,
);
if (!gpuOn && !allowCpu) finish(6, `CUDA unavailable (${cuda.kind}): ${cuda.reason}`);

const memory = (): MemoryInfo | undefined => gpuOn ? memoryInfo(device) : undefined;
report.memoryAtStart = memory();

let model: TensorScopedModel<ShapesVlm>;
try {
  const t0 = performance.now();
  model = await createModel("ShapesVLM", { backend }) as TensorScopedModel<ShapesVlm>;
  report.loadMs = Math.round(performance.now() - t0);
} catch (err) {
  if (!(err instanceof BackendUnavailableError)) throw err;
  finish(6, `FAIL: ${err.message}`);
}
const info = model.inner.backendInfo;
report.backendInfo = info;
report.memoryAfterLoad = memory();
say(`model loaded on ${info.device} in ${report.loadMs} ms`);
if (!info.usesGpu && backend === "tfjs-node-gpu" && !allowCpu) {
  finish(6, `TensorFlow found no usable GPU: ${info.notes.join("; ")}`);
}

const workDir = await Deno.makeTempDir({ prefix: "vlmeval-gpu-tfjs-" });
const releases: Release[] = [];
const syncs: (SyncResult & { afterSamples: number })[] = [];
let finished = 0;
let failureSeen = false;
const hooks: GpuHooks = gpuOn
  ? {
    synchronize() {
      syncs.push({ ...synchronize(device), afterSamples: finished });
    },
    emptyCache() {
      const before = memoryInfo(device);
      const result = emptyCache(device);
      const after = memoryInfo(device);
      const kind = failureSeen && !releases.some((r) => r.kind === "failure")
        ? "failure"
        : "sample";
      releases.push({ afterSamples: finished, kind, before, emptyCache: result, after });
    },
  }
  : {
    synchronize() {
      syncs.push({
        available: false,
        device,
        ran: false,
        reason: noCuda,
        afterSamples: finished,
      });
      return NO_GPU.synchronize();
    },
    emptyCache() {
      const kind = failureSeen && !releases.some((r) => r.kind === "failure")
        ? "failure"
        : "sample";
      releases.push({ afterSamples: finished, kind, skipped: noCuda });
      return NO_GPU.emptyCache();
    },
  };

try {
  // The first rows of the bundled benchmark, one per line in its TSV.
  const lines = (await Deno.readTextFile(bundledDatasetPath("Shapes_MCQ")!)).split("\n");
  const tsv = join(workDir, "Shapes_MCQ.tsv");
  await Deno.writeTextFile(tsv, lines.slice(0, samples + 1).join("\n") + "\n");
  const task = await openTask(tsv, { workDir });
  const failKey = (await task.unitAt(failAt)).key;
  const faulty = new FaultInjectionModel(model, {
    failOn: [failKey],
    errorType: "InjectedFailure",
  }, "ShapesVLM");
  // Counts every call (the failing one too) and notes the failure, so each guard call can be
  // placed in the run.
  const observed = {
    name: faulty.name,
    supportsPack: faulty.supportsPack,
    generate: async (...args: Parameters<FaultInjectionModel["generate"]>) => {
      try {
        return await faulty.generate(...args);
      } catch (err) {
        failureSeen = true;
        throw err;
      } finally {
        finished++;
      }
    },
    releaseCaches: () => faulty.releaseCaches(),
    dispose: () => faulty.dispose(),
  };
  const warnings: string[] = [];
  const t0 = performance.now();
  const result = await runJob({
    task,
    modelName: "ShapesVLM",
    getModel: () => Promise.resolve(observed),
    workDir,
    rank: 0,
    worldSize: 1,
    mode: "infer",
    skipErr: true,
    keepFailed: false,
    format: "tsv",
    evalFormat: "csv",
    emptyCache: "always",
    gpu: hooks,
    rankTimeoutMs: 60_000,
    warn: (m) => warnings.push(m),
  });
  task.close?.();
  report.runMs = Math.round(performance.now() - t0);
  report.warnings = warnings;
  report.job = { exitCode: result.exitCode, message: result.message, shard: result.shard };
  report.releases = releases;
  report.synchronize = syncs;
  report.memoryAtEnd = memory();
  await model.dispose();

  for (const r of releases) {
    if (r.skipped) continue;
    say(
      `release after ${r.afterSamples} sample(s)${
        r.kind === "failure" ? " (the failure)" : ""
      }: free ${mib(r.before?.freeBytes)} -> ${mib(r.after?.freeBytes)}, process ${
        mib(r.before?.processUsedBytes)
      } -> ${mib(r.after?.processUsedBytes)}, pool ${
        mib(r.emptyCache?.poolReservedBeforeBytes)
      } -> ${mib(r.emptyCache?.poolReservedAfterBytes)}, released ${
        mib(r.emptyCache?.releasedBytes)
      }`,
    );
  }

  const paths = jobPaths(workDir, "ShapesVLM", task.name, "tsv");
  const records = [...readJournals(paths.journalDir).records.values()];
  const failed = records.filter((r) => !r.ok);
  check(
    "the run goes on past the failure and ends ok",
    result.exitCode === EXIT_CODES.ok && records.length === samples,
    `exit ${result.exitCode}, ${records.length} of ${samples} samples journaled in ${report.runMs} ms`,
  );
  check(
    "exactly the injected sample is recorded as failed",
    failed.length === 1 && failed[0].index === failKey &&
      /^Failed to obtain answer: InjectedFailure injected failure on sample /.test(
        failed[0].prediction,
      ),
    failed.map((r) => `${r.index}: ${r.prediction}`).join("; ") || "no failure recorded",
  );
  const afterFailure = syncs.find((s) => s.afterSamples === failAt + 1);
  const failureRelease = releases.find((r) => r.kind === "failure");
  check(
    "the guard synchronized and released after the failure",
    afterFailure !== undefined && failureRelease !== undefined &&
      (!gpuOn || !info.usesGpu || afterFailure.ran),
    afterFailure
      ? `synchronize ran=${afterFailure.ran}${
        afterFailure.reason ? ` (${afterFailure.reason})` : ""
      }`
      : "no synchronize after the failure",
  );
  check(
    "a release after every sample, memory read around each",
    releases.length >= samples && releases.every((r) => r.skipped || (r.before && r.after)),
    `${releases.length} releases${releases[0]?.skipped ? ` (${releases[0].skipped})` : ""}`,
  );
  if (gpuOn && info.usesGpu) {
    const released = releases.reduce((n, r) => n + (r.emptyCache?.releasedBytes ?? 0), 0);
    const trimmed = releases.filter((r) =>
      (r.emptyCache?.poolReservedAfterBytes ?? 0) < (r.emptyCache?.poolReservedBeforeBytes ?? 0)
    ).length;
    check(
      "the releases returned TensorFlow's pooled memory to the device",
      released > 0 && trimmed > 0,
      `${mib(released)} returned over ${trimmed} release(s) that shrank CUDA's pool`,
    );
  }
} finally {
  await Deno.remove(workDir, { recursive: true }).catch(() => {});
}

const failedChecks = checks.filter((c) => !c.ok);
if (failedChecks.length > 0) {
  finish(1, `FAIL: ${failedChecks.map((c) => c.name).join("; ")}`);
}
finish(
  0,
  gpuOn && info.usesGpu
    ? `PASS: ${backend} on ${info.device}, the guard's synchronize and emptyCache on device ${device}`
    : `PASS on the CPU only (${info.device}; ${
      gpuOn ? "TensorFlow found no GPU" : noCuda
    }): the guard and the injected failure were checked, the GPU checks did not run`,
);
