import type { Tf } from "./backend_info.ts";

/** Deterministic numbers in [-1, 1) from a linear congruential generator. */
function numbers(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/**
 * A small conv + relu + dense + softmax forward pass on the active backend, with fixed weights:
 * the same input must give the same numbers on every backend. Leaves no tensors behind.
 */
export async function convDenseForward(tf: Tf): Promise<Float32Array> {
  const logits = tf.tidy(() => {
    const image = tf.tensor4d(numbers(1 * 8 * 8 * 3, 1), [1, 8, 8, 3]);
    const kernel = tf.tensor4d(numbers(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]);
    const features = tf.relu(tf.conv2d(image, kernel, 1, "same")).reshape([1, 8 * 8 * 4]);
    const weights = tf.tensor2d(numbers(256 * 10, 3), [256, 10]);
    const bias = tf.tensor1d(numbers(10, 4));
    const dense = tf.add(tf.matMul(features, weights), bias);
    return tf.concat([dense, tf.softmax(dense)], 1);
  });
  const values = await logits.data();
  logits.dispose();
  return values as Float32Array;
}
