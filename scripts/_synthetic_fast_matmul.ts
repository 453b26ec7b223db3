import type * as tfTypes from "@tensorflow/tfjs";

type Tf = typeof tfTypes;
type Info = tfTypes.TensorInfo;

/**
 * Training speed-up for the wasm backend: its BatchMatMul kernel is many times slower with a
 * transposed operand (the case of every dense layer's gradient) than without. This re-registers
 * the kernel so that it transposes such operands first with the wasm Transpose kernel and then
 * multiplies plainly. Results are the same up to float rounding. Call after the wasm backend
 * is active; used by the training script only.
 */
export function useFastTransposedMatMul(tf: Tf): void {
  const original = tf.getKernel("BatchMatMul", "wasm");
  const transpose = tf.getKernel("Transpose", "wasm");
  if (!original || !transpose) {
    throw new Error("Cannot speed up BatchMatMul as the wasm backend kernels are not registered");
  }
  tf.unregisterKernel("BatchMatMul", "wasm");
  tf.registerKernel({
    kernelName: "BatchMatMul",
    backendName: "wasm",
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      const temporary: Info[] = [];
      const swapLastAxes = (x: Info): Info => {
        const rank = x.shape.length;
        const perm = [...Array(rank).keys()];
        [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
        const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as Info;
        temporary.push(out);
        return out;
      };
      const a = transposeA ? swapLastAxes(inputs.a as Info) : inputs.a;
      const b = transposeB ? swapLastAxes(inputs.b as Info) : inputs.b;
      const out = original.kernelFunc({
        inputs: { a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      for (const t of temporary) (backend as tfTypes.KernelBackend).disposeData(t.dataId);
      return out;
    },
  });
}
