/**
 * The last step of `scripts/build_tfjs_node.ts`, in a process of its own: selects the backend
 * through vlmeval's own `selectBackend` (so Deno loads the binding exactly as `--backend` does),
 * runs one matrix product on TensorFlow's kernels and prints one JSON line with TensorFlow's
 * version, the device and the product. With a `lib` folder (GPU build) it first opens each CUDA
 * library TensorFlow loads by soname, as TensorFlow would, and reports each.
 *
 * Usage: deno run -A scripts/_tfjs_node_load_check.ts <tfjs-node|tfjs-node-gpu> [lib folder]
 * Exit: 0 loaded and computed; 1 a wrong product or another failure; 6 the backend cannot run
 *       (its message on stderr).
 *
 * @module
 */
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { BackendUnavailableError, selectBackend } from "@vlmeval/models";
import { CUDA_SONAMES, type TfjsNodeVariant } from "./_tfjs_node_pins.ts";

const [variant, lib] = Deno.args as [TfjsNodeVariant, string | undefined];

const cuda = lib === undefined ? [] : CUDA_SONAMES.map((name) => {
  try {
    Deno.dlopen(join(lib, name), {}).close();
    return { name, loaded: true };
  } catch (err) {
    return { name, loaded: false, error: (err as Error).message };
  }
});

const started = performance.now();
try {
  const info = await selectBackend(variant, tf);
  const a = tf.tensor2d([[1, 2], [3, 4]]);
  const product = [...await tf.matMul(a, a).data()];
  const binding = (tf.backend() as { binding?: { TF_Version?: string } }).binding;
  const result = {
    tfBackend: info.tfBackend,
    tensorflow: binding?.TF_Version,
    device: info.device,
    usesGpu: info.usesGpu,
    product,
    loadMs: Math.round(performance.now() - started),
    cuda,
  };
  console.log(JSON.stringify(result));
  if (product.join() !== "7,10,15,22") Deno.exit(1);
} catch (err) {
  console.log(JSON.stringify({ cuda }));
  console.error(err instanceof Error ? err.message : String(err));
  Deno.exit(err instanceof BackendUnavailableError ? 6 : 1);
}
