import type { BackendInfo, Tf } from "./backend_info.ts";
import { BackendUnavailableError } from "./backend_unavailable_error.ts";
import { restoreNodeUtilHelpers } from "./_node_util_compat.ts";

/** The two native TensorFlow backends. */
export type TfjsNodeVariant = "tfjs-node" | "tfjs-node-gpu";

/** Allocator settings applied before tfjs-node-gpu loads, unless the user set them. */
export const TF_GPU_ENV: Readonly<Record<string, string>> = {
  TF_FORCE_GPU_ALLOW_GROWTH: "true",
  TF_GPU_ALLOCATOR: "cuda_malloc_async",
};

const VERSION = "4.22.0";

/** TensorFlow's log level set unless the user chose one: warnings and errors, no INFO lines. */
export const TF_LOG_ENV: Readonly<Record<string, string>> = { TF_CPP_MIN_LOG_LEVEL: "1" };

/**
 * Switches tfjs to TensorFlow's C library through @tensorflow/tfjs-node or
 * @tensorflow/tfjs-node-gpu. The package is imported by its bare name from the root deno.json
 * "imports"; its binding and libtensorflow are built by `deno task build:tfjs-node [--gpu]`,
 * and nothing is fetched at run time. For the GPU variant the allocator variables in
 * {@linkcode TF_GPU_ENV} are set first (unless already set) so that TensorFlow grows its GPU
 * memory on demand and keeps it in CUDA's default pool, where the native addon can trim it.
 * tfjs-node-gpu silently runs on the CPU when CUDA 11 / cuDNN 8 cannot be loaded; the result
 * says so.
 *
 * @throws {BackendUnavailableError} when the package or its native addon is missing.
 */
export async function useTfjsNodeBackend(tf: Tf, variant: TfjsNodeVariant): Promise<BackendInfo> {
  const envSet: string[] = [];
  const wanted = variant === "tfjs-node-gpu" ? { ...TF_LOG_ENV, ...TF_GPU_ENV } : TF_LOG_ENV;
  for (const [name, value] of Object.entries(wanted)) {
    if (Deno.env.get(name) === undefined) {
      Deno.env.set(name, value);
      envSet.push(`${name}=${value}`);
    }
  }
  restoreNodeUtilHelpers();
  const specifier = `@tensorflow/${variant}`;
  try {
    await import(specifier);
  } catch (err) {
    throw new BackendUnavailableError(variant, explainImportFailure(variant, err), { cause: err });
  }
  if (tf.findBackendFactory("tensorflow") == null) {
    throw new BackendUnavailableError(
      variant,
      `Cannot use the ${variant} backend as ${specifier} registered itself with a different copy of @tensorflow/tfjs-core: pin every @tensorflow package to ${VERSION}`,
    );
  }
  if (!(await tf.setBackend("tensorflow"))) {
    throw new BackendUnavailableError(
      variant,
      `Cannot use the ${variant} backend as tfjs could not initialise it: see the warning tfjs printed above`,
    );
  }
  const backend = tf.backend() as { isUsingGpuDevice?: boolean };
  const onGpu = backend.isUsingGpuDevice === true;
  const info: BackendInfo = {
    requested: variant,
    tfBackend: tf.getBackend(),
    device: onGpu ? "GPU through TensorFlow (CUDA)" : "CPU through TensorFlow",
    usesGpu: onGpu,
    envSet,
    notes: [],
  };
  if (variant === "tfjs-node-gpu" && !onGpu) {
    info.fellBackToCpu = true;
    info.device =
      "CPU through TensorFlow: tfjs-node-gpu found no usable GPU and fell back to the CPU";
    info.notes.push(
      "TensorFlow 2.9.1 needs an NVIDIA driver and CUDA 11 / cuDNN 8 (laid out by `deno task build:tfjs-node --gpu`; a missing one shows as \"Could not load dynamic library 'libcudart.so.11.0'\"); see TensorFlow's log lines above for the library that failed to load",
    );
  }
  return info;
}

/** A user-facing explanation of why `import("@tensorflow/<variant>")` failed. */
export function explainImportFailure(variant: TfjsNodeVariant, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const pkg = `@tensorflow/${variant}`;
  const task = `deno task build:tfjs-node${variant === "tfjs-node-gpu" ? " --gpu" : ""}`;
  const build = `Run \`${task}\`: it lays out TensorFlow 2.9.1 from its PyPI wheel${
    variant === "tfjs-node-gpu" ? "s (with CUDA 11 and cuDNN 8)" : ""
  } and builds the binding here.`;
  const gpu = variant === "tfjs-node-gpu"
    ? " The GPU build needs Linux x86_64 and an NVIDIA driver for CUDA 11."
    : "";
  const otherwise = " Otherwise use --backend wasm, webgpu or cpu.";
  if (
    /not a dependency|not in import map|Cannot find (module|package)|ERR_MODULE_NOT_FOUND/i.test(
      message,
    )
  ) {
    return `Cannot use the ${variant} backend as ${pkg} is not installed: map "${pkg}": "npm:${pkg}@${VERSION}" in the root deno.json "imports", then run \`${task}\`.${gpu}${otherwise}`;
  }
  if (/tfjs_binding\.node/.test(message)) {
    return `Cannot use the ${variant} backend as ${pkg} is installed without its native binding (tfjs_binding.node), which is built on this machine, not downloaded. ${build}${gpu}${otherwise}`;
  }
  if (/cannot open shared object file|undefined symbol/.test(message)) {
    return `Cannot use the ${variant} backend as its binding cannot load TensorFlow: current value is ${message}. ${build}${gpu}${otherwise}`;
  }
  return `Cannot use the ${variant} backend as loading ${pkg} failed: ${message}.${gpu}${otherwise}`;
}
