/**
 * Image input of ShapesVLM: images resized to the model's side and stacked channel-wise
 * (one image: 3 channels; video frames: the first, middle and last frame, 9 channels), scaled
 * to [0, 1] as ink (see {@link writeStackedImages}). Training (scripts/train_bundled_model.ts) and inference use this one
 * implementation.
 */
import type { DecodedImage } from "@vlmeval/media";

/** Positions of the frames the video head reads among `count` sampled frames. */
export function videoFramePositions(count: number): number[] {
  if (!Number.isInteger(count) || count < 1) {
    throw new RangeError(
      `Cannot pick video frames as the frame count must be >= 1: current value is ${count}`,
    );
  }
  return [0, Math.floor((count - 1) / 2), count - 1];
}

/**
 * Writes images of side `size` stacked channel-wise (pixel by pixel: R, G, B of the first
 * image, then of the second, ...) into `out` at `offset`, as "ink": 1 - value / 255, so that
 * the light background is near 0 and drawn shapes stand out.
 */
export function writeStackedImages(
  images: DecodedImage[],
  size: number,
  out: Float32Array,
  offset: number,
): void {
  const channels = images.length * 3;
  images.forEach((image, k) => {
    if (image.width !== size || image.height !== size) {
      throw new RangeError(
        `Cannot stack image ${k} as it is ${image.width}x${image.height}, not ${size}x${size}`,
      );
    }
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++) {
        out[offset + p * channels + k * 3 + c] = 1 - image.data[p * 3 + c] / 255;
      }
    }
  });
}
