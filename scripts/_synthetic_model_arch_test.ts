import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { buildShapesNet, copyToShippedForm, imagePatches } from "./_synthetic_model_arch.ts";

Deno.test("the training form (patches) and the shipped form (Conv2D) of ShapesNet agree", async () => {
  await tf.setBackend("cpu");
  const cfg = { inputSize: 64, channels: 3, vocabularySize: 5, seed: 3 };
  const trained = buildShapesNet(tf, cfg, { patches: true });
  const shipped = buildShapesNet(tf, cfg, { patches: false });
  copyToShippedForm(tf, trained, shipped);
  const pixels = new Float32Array(2 * 64 * 64 * 3).map((_, i) => ((i * 7919) % 101) / 101);
  const patches = new Float32Array(2 * 32 * 32 * 48);
  for (let b = 0; b < 2; b++) {
    imagePatches(pixels.subarray(b * 64 * 64 * 3), 64, 3, patches, b * 32 * 32 * 48);
  }
  const text = [
    tf.tensor2d([[1, 0, 1, 0, 0], [0, 1, 0, 0, 1]]),
    tf.tensor3d([[[1, 0, 0, 0, 0], [0, 0, 0, 1, 0]], [[0, 1, 0, 0, 0], [0, 0, 1, 0, 0]]]),
  ];
  const a = trained.predict([tf.tensor4d(patches, [2, 32, 32, 48]), ...text]) as tf.Tensor;
  const b = shipped.predict([tf.tensor4d(pixels, [2, 64, 64, 3]), ...text]) as tf.Tensor;
  assert.deepEqual(a.shape, [2, 2]);
  const diff = tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
  assert.ok(diff < 1e-4, `forms differ by ${diff}`);
  assert.ok(tf.max(tf.abs(a)).dataSync()[0] > 0, "scores are not all zero");
  tf.dispose([a, b, ...text]);
  trained.dispose();
  shipped.dispose();
});
