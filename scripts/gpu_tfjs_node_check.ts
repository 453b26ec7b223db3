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
import { parseScriptArgs, usageError } from "./_script_help.ts";

const { values } = parseScriptArgs(import.meta, {
  backend: { type: "string", default: "tfjs-node-gpu" },
  samples: { type: "string", default: "40" },
  "fail-at": { type: "string" },
  device: { type: "string", default: "0" },
  json: { type: "string" },
  "allow-cpu": { type: "boolean" },
});
const backend = values.backend;
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

// The check itself is loaded only now, by a URL the module graph does not follow, so that
// --help and a bad option neither load nor wait for npm packages.
const run: typeof import("./_gpu_tfjs_node_run.ts") = await import(
  new URL("./_gpu_tfjs_node_run.ts", import.meta.url).href
);
await run.runGpuTfjsNodeCheck({
  backend,
  samples,
  failAt,
  device,
  allowCpu,
  json: values.json,
});
