/**
 * The body of `scripts/gpu_tfjs_node_check.ts` (see its help): loaded after the command line is
 * read.
 *
 * @module
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
  BackendUnavailableError,
  createModel,
  FaultInjectionModel,
  type ShapesVlm,
  type TensorScopedModel,
} from "@vlmeval/models";
import { bundledDatasetPath } from "@vlmeval/datasets";
import { type GpuHooks, jobPaths, NO_GPU, openTask, readJournals, runJob } from "@vlmeval/pipeline";
import { EXIT_CODES, type GenerateContext, type Message } from "@vlmeval/schema";

/** What the entry point read from its command line. */
export interface GpuTfjsNodeCheckOptions {
  backend: "tfjs-node-gpu" | "tfjs-node";
  samples: number;
  failAt: number;
  device: number;
  allowCpu: boolean;
  json?: string;
}

const MIB = 1024 * 1024;

/** Runs the check and exits: 0 pass, 1 a check failed, 6 a missing prerequisite. */
export async function runGpuTfjsNodeCheck(opts: GpuTfjsNodeCheckOptions): Promise<never> {
  const { backend, samples, failAt, device, allowCpu } = opts;

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
    if (opts.json) Deno.writeTextFileSync(opts.json, JSON.stringify(report, null, 2) + "\n");
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
      generate: async (message: Message, ctx: GenerateContext) => {
        try {
          return await faulty.generate(message, ctx);
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
}
