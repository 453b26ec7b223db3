import type * as tfTypes from "@tensorflow/tfjs";

type Tf = typeof tfTypes;
type S = tfTypes.SymbolicTensor;

/** Sizes of the ShapesVLM network. */
export interface ShapesNetConfig {
  /** Input side in pixels (a multiple of 8). */
  inputSize: number;
  /** Input channels: 3 for an image, 9 for three stacked video frames. */
  channels: number;
  vocabularySize: number;
  /** Seed of the weight initialisers. */
  seed: number;
}

/** Kernel side and stride of the first convolution. */
export const FIRST_KERNEL = 4;
export const FIRST_STRIDE = 2;
const FIRST_FILTERS = 16;

/**
 * Builds the ShapesVLM network from standard tfjs layers only, so that `tf.loadLayersModel`
 * reads it back without custom classes:
 *
 * - image encoder: a 4x4 convolution with stride 2; space-to-depth by 2 and a dense layer,
 *   twice; then a 3x3 convolution written as nine shifted crops of the zero-padded map, each
 *   through its own dense layer, summed: an 8x8 grid of features;
 * - question: bag of words, dense; tiled over the grid and joined with each cell's features,
 *   a per-cell dense layer; then the grid flattened (after one more per-cell layer), its
 *   maximum and its mean over cells, and the question again, joined and through two dense
 *   layers: the joint vector;
 * - options: each option's bag of words through one dense layer; an option's score is the
 *   dot product of its vector with the joint vector.
 *
 * Inputs: `image` [batch, size, size, channels] (see `_shapes_input.ts`), `question`
 * [batch, vocabulary], `options` [batch, options, vocabulary]. Output: scores [batch, options].
 *
 * With `patches: true` the first input is instead `patches` [batch, size/2, size/2, 16 *
 * channels], the 4x4 windows the convolution reads (see {@link imagePatches}), and the
 * convolution is a dense layer with the same weights reshaped: the training form. The wasm
 * backend trains dense layers fast but has no gradient for a convolution's filter.
 * Space-to-depth and crops stand in for later convolutions for the same reason.
 */
export function buildShapesNet(
  tf: Tf,
  cfg: ShapesNetConfig,
  form: { patches: boolean },
): tfTypes.LayersModel {
  const L = tf.layers;
  let seed = cfg.seed;
  const init = () => tf.initializers.glorotUniform({ seed: seed++ });
  const dense = (units: number, activation: "relu" | "linear", name: string) =>
    L.dense({ units, activation, kernelInitializer: init(), name });
  const spaceToDepth = (x: S, f: number, name: string): S => {
    const [, h, w, c] = x.shape as number[];
    const split = L.reshape({ targetShape: [h / f, f, w / f, f, c], name: `${name}_split` });
    const permute = L.permute({ dims: [1, 3, 2, 4, 5], name: `${name}_permute` });
    const merge = L.reshape({ targetShape: [h / f, w / f, f * f * c], name: `${name}_merge` });
    return merge.apply(permute.apply(split.apply(x))) as S;
  };
  // A 3x3 "same" convolution as the sum of one dense layer per shifted crop of the padded map:
  // the same function as a dense layer on the concatenated crops, with a cheaper gradient.
  const neighbourhood = (x: S, units: number, name: string): S => {
    const padded = L.zeroPadding2d({ padding: 1, name: `${name}_pad` }).apply(x) as S;
    const taps: S[] = [];
    for (let dy = 0; dy < 3; dy++) {
      for (let dx = 0; dx < 3; dx++) {
        const crop = L.cropping2D({
          cropping: [[dy, 2 - dy], [dx, 2 - dx]],
          name: `${name}_crop${dy}${dx}`,
        });
        const tap = L.dense({
          units,
          useBias: dy === 1 && dx === 1,
          kernelInitializer: init(),
          name: `${name}_tap${dy}${dx}`,
        });
        taps.push(tap.apply(crop.apply(padded)) as S);
      }
    }
    const sum = L.add({ name: `${name}_sum` }).apply(taps) as S;
    return L.reLU({ name: `${name}_relu` }).apply(sum) as S;
  };

  const size = cfg.inputSize;
  const half = size / FIRST_STRIDE;
  const image = form.patches
    ? tf.input({ shape: [half, half, FIRST_KERNEL ** 2 * cfg.channels], name: "patches" })
    : tf.input({ shape: [size, size, cfg.channels], name: "image" });
  const first = form.patches ? dense(FIRST_FILTERS, "relu", "conv1") : L.conv2d({
    filters: FIRST_FILTERS,
    kernelSize: FIRST_KERNEL,
    strides: FIRST_STRIDE,
    padding: "same",
    activation: "relu",
    kernelInitializer: init(),
    name: "conv1",
  });
  let x = first.apply(image) as S;
  x = dense(32, "relu", "patch4").apply(spaceToDepth(x, 2, "s2d4")) as S;
  x = dense(48, "relu", "patch8").apply(spaceToDepth(x, 2, "s2d8")) as S;
  x = neighbourhood(x, 64, "cell");
  const grid = x.shape[1] as number;

  const question = tf.input({ shape: [cfg.vocabularySize], name: "question" });
  const q = dense(32, "relu", "question_embed").apply(question) as S;
  let qGrid = L.repeatVector({ n: grid * grid, name: "question_tile" }).apply(q) as S;
  qGrid = L.reshape({ targetShape: [grid, grid, 32], name: "question_grid" }).apply(qGrid) as S;
  let j = L.concatenate({ name: "cell_question" }).apply([x, qGrid]) as S;
  j = dense(64, "relu", "cell_joint1").apply(j) as S;
  // Where things are (flattened grid) and what the question singles out wherever it is (pooled).
  const where = L.flatten({ name: "cells" }).apply(dense(16, "relu", "cell_joint2").apply(j)) as S;
  const strongest = L.globalMaxPooling2d({ name: "cells_max" }).apply(j) as S;
  const total = L.globalAveragePooling2d({ name: "cells_mean" }).apply(j) as S;
  j = L.concatenate({ name: "cells_question" }).apply([where, strongest, total, q]) as S;
  j = dense(128, "relu", "joint1").apply(j) as S;
  j = dense(64, "linear", "joint2").apply(j) as S;

  const options = tf.input({ shape: [null, cfg.vocabularySize], name: "options" });
  const o = dense(64, "linear", "option_embed").apply(options) as S;
  const scores = L.dot({ axes: [2, 1], name: "scores" }).apply([o, j]) as S;
  return tf.model({ inputs: [image, question, options], outputs: scores, name: "shapes_vlm" });
}

/**
 * The 4x4 windows (stride 2, TensorFlow's "same" padding: one zero row and column on each
 * side) the first convolution reads, for the training form: `out[y][x]` holds the window's
 * values in (row, column, channel) order, matching a Conv2D kernel of shape [4, 4, C, F].
 */
export function imagePatches(
  pixels: Float32Array,
  size: number,
  channels: number,
  out: Float32Array,
  offset: number,
): void {
  const half = size / FIRST_STRIDE;
  const pad = (FIRST_KERNEL - FIRST_STRIDE) / 2;
  const window = FIRST_KERNEL * FIRST_KERNEL * channels;
  for (let y = 0; y < half; y++) {
    for (let x = 0; x < half; x++) {
      const base = offset + (y * half + x) * window;
      for (let i = 0; i < FIRST_KERNEL; i++) {
        const sy = y * FIRST_STRIDE + i - pad;
        for (let j = 0; j < FIRST_KERNEL; j++) {
          const sx = x * FIRST_STRIDE + j - pad;
          const at = base + (i * FIRST_KERNEL + j) * channels;
          const inside = sy >= 0 && sy < size && sx >= 0 && sx < size;
          for (let c = 0; c < channels; c++) {
            out[at + c] = inside ? pixels[(sy * size + sx) * channels + c] : 0;
          }
        }
      }
    }
  }
}

/**
 * Copies the weights of a training-form network into a shipped-form one (same layer names):
 * the first dense layer's kernel becomes the convolution's [4, 4, C, F] kernel.
 */
export function copyToShippedForm(
  tf: Tf,
  trained: tfTypes.LayersModel,
  shipped: tfTypes.LayersModel,
): void {
  for (const layer of shipped.layers) {
    const target = layer.getWeights();
    if (target.length === 0) continue;
    const weights = trained.getLayer(layer.name).getWeights();
    const reshaped = weights.map((w, i) => tf.reshape(w, target[i].shape));
    layer.setWeights(reshaped);
    tf.dispose(reshaped);
  }
}
