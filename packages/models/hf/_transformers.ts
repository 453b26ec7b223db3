/**
 * Loads transformers.js once per process, on the ONNX Runtime the device needs: onnxruntime-node
 * (CPU, CUDA) or, for WebGPU, onnxruntime-web's WebGPU build on Deno's own `navigator.gpu`
 * (onnxruntime-node's WebGPU provider, Dawn, finds no adapter on Mesa's software Vulkan device;
 * Deno's WebGPU does). transformers.js takes a runtime placed under `Symbol.for("onnxruntime")`.
 */
import type { tf as TfModule } from "./_transformers_module.ts";

/** The transformers.js module. */
export type Tf = typeof TfModule;

let loaded: { tf: Tf; runtime: "node" | "web" } | undefined;

/** The execution providers to ask for on `device`, and the `device` option transformers.js takes. */
export function sessionPlacement(device: string): { device: string; session_options?: object } {
  if (device !== "webgpu") return { device };
  // onnxruntime-web: WebGPU, with wasm for the few nodes WebGPU does not take.
  return { device: "auto", session_options: { executionProviders: ["webgpu", "wasm"] } };
}

async function installOrtWeb(): Promise<void> {
  if (!("gpu" in navigator)) {
    throw new Error(
      `Cannot use the webgpu device as this runtime has no navigator.gpu (Deno ${Deno.version.deno})`,
    );
  }
  const ort = await import("onnxruntime-web/webgpu");
  ort.env.wasm.wasmPaths = new URL(".", import.meta.resolve("onnxruntime-web/webgpu")).href;
  ort.env.wasm.numThreads = 1;
  // transformers.js hands onnxruntime-node file paths, and creates sessions concurrently, which
  // the WebGPU provider refuses: read the files and create one session at a time.
  const create = ort.InferenceSession.create.bind(ort.InferenceSession) as (
    model: Uint8Array,
    options?: unknown,
  ) => Promise<unknown>;
  let chain: Promise<unknown> = Promise.resolve();
  const serial = (model: string | Uint8Array, options?: unknown) => {
    const next = chain.then(() =>
      create(typeof model === "string" ? Deno.readFileSync(model) : model, options)
    );
    chain = next.catch(() => {});
    return next;
  };
  const session = new Proxy(ort.InferenceSession, {
    get: (target, key) => (key === "create" ? serial : Reflect.get(target, key)),
  });
  (globalThis as Record<symbol, unknown>)[Symbol.for("onnxruntime")] = new Proxy(ort, {
    get: (target, key) => (key === "InferenceSession" ? session : Reflect.get(target, key)),
  });
}

/**
 * transformers.js for `device`. The runtime is chosen by the first model of the process: a
 * WebGPU model after a CPU one (or the reverse) is refused.
 *
 * @throws {Error} when the process already loaded transformers.js for the other runtime.
 */
export async function loadTransformers(device: string): Promise<Tf> {
  const runtime = device === "webgpu" ? "web" : "node";
  if (loaded) {
    if (loaded.runtime !== runtime) {
      throw new Error(
        `Cannot open a ${device} model as this process already runs transformers.js on ` +
          `onnxruntime-${loaded.runtime}: use one --device per run`,
      );
    }
    return loaded.tf;
  }
  if (runtime === "web") await installOrtWeb();
  const { tf } = await import("./_transformers_module.ts");
  loaded = { tf, runtime };
  return tf;
}
