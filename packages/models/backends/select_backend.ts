import { BACKEND_NAMES, type BackendInfo, type BackendName, type Tf } from "./backend_info.ts";
import { useTfjsNodeBackend } from "./tfjs_node_backend.ts";
import { useWasmBackend } from "./wasm_backend.ts";
import { useWebGPUBackend } from "./webgpu_backend.ts";

/**
 * Makes `name` the active tfjs backend and reports what really computes. Each backend's
 * package is imported only when chosen. tfjs has one engine per process: tensors made before a
 * switch stay on their old backend, so select once, before loading a model.
 *
 * @throws {TypeError} for an unknown name.
 * @throws {BackendUnavailableError} when the backend cannot run here; the message says why
 * and how to fix it.
 *
 * @example Pick the WebAssembly backend
 * ```ts ignore
 * import * as tf from "@tensorflow/tfjs";
 * const info = await selectBackend("wasm", tf);
 * console.log(info.device); // "CPU through WebAssembly (SIMD, 1 thread)"
 * ```
 */
export async function selectBackend(name: BackendName, tf: Tf): Promise<BackendInfo> {
  switch (name) {
    case "cpu":
      return await useCpuBackend(tf);
    case "wasm":
      return await useWasmBackend(tf);
    case "webgpu":
      return await useWebGPUBackend(tf);
    case "tfjs-node":
    case "tfjs-node-gpu":
      return await useTfjsNodeBackend(tf, name);
    default:
      throw new TypeError(
        `Cannot select backend "${name}" as it is not one of ${BACKEND_NAMES.join(", ")}`,
      );
  }
}

async function useCpuBackend(tf: Tf): Promise<BackendInfo> {
  if (!(await tf.setBackend("cpu"))) {
    throw new Error("Cannot select the cpu backend as tfjs could not initialise it");
  }
  silenceTfjsNodeHint(tf);
  return {
    requested: "cpu",
    tfBackend: tf.getBackend(),
    device: "CPU through plain JavaScript kernels",
    usesGpu: false,
    envSet: [],
    notes: [],
  };
}

/**
 * Turns off the cpu backend's one-time console hint to install tfjs-node: that package is an
 * optional backend here, chosen with `--backend`, and the hint would mislead.
 */
function silenceTfjsNodeHint(tf: Tf): void {
  const backend = tf.backend() as { firstUse?: boolean };
  if (typeof backend.firstUse === "boolean") backend.firstUse = false;
}
