/**
 * Idefics3's (and SmolVLM's) image processor and prompt expansion, ported from transformers
 * 4.52.4 (`Idefics3ImageProcessor.preprocess`, `Idefics3Processor.__call__`,
 * `SmolVLMProcessor.process_vision`) so that pixel values and token ids equal Python's: every
 * resize is Pillow's (see `_pil_resize.ts`) on 8-bit images, rescaling and normalising follow
 * numpy's float64/float32 steps. transformers.js's own Idefics3 processor resizes with sharp and
 * bilinear interpolation and does not upscale small images, so it is not used.
 */
import { type PilResample, pilResize, type RgbImage } from "./_pil_resize.ts";

/** The fields of `preprocessor_config.json` the processor reads. */
export interface Idefics3ImageConfig {
  /** Resize the longest edge to `size.longest_edge` first. */
  do_resize?: boolean;
  /** `{ longest_edge }` of the first resize (SmolVLM-256M: 2048). */
  size?: { longest_edge?: number };
  /** Pillow filter number (1: LANCZOS). */
  resample?: number;
  /** Split into tiles of `max_image_size.longest_edge` plus a global image. */
  do_image_splitting?: boolean;
  /** `{ longest_edge }`: the vision encoder's tile side (SmolVLM-256M: 512). */
  max_image_size?: { longest_edge?: number };
  /** Multiply by `rescale_factor`. */
  do_rescale?: boolean;
  /** Usually 1/255. */
  rescale_factor?: number;
  /** Subtract `image_mean` and divide by `image_std`. */
  do_normalize?: boolean;
  /** Per channel. */
  image_mean?: number[];
  /** Per channel. */
  image_std?: number[];
}

/** Pixel values of one prompt's images, as the vision encoder takes them. */
export interface Idefics3Pixels {
  /** `[1, tiles, 3, side, side]`, channels first. */
  data: Float32Array;
  /** Tiles over all images (splits and global images). */
  tiles: number;
  /** Tile side. */
  side: number;
  /** Rows of splits per image (0 when not split). */
  rows: number[];
  /** Columns of splits per image (0 when not split). */
  cols: number[];
}

/** Per call: the processor's own settings unless given (SmolVLM2's video path sets both). */
export interface Idefics3Options {
  /** Overrides `do_image_splitting`. */
  split?: boolean;
  /** Overrides `size.longest_edge`. */
  longestEdge?: number;
}

const MAX_IMAGE_SIZE = 4096;

/** `get_resize_output_image_size`: `[height, width]` with the longest edge at `maxLen`. */
export function resizeToLongestEdge(
  height: number,
  width: number,
  maxLen: number,
): [number, number] {
  let h = height, w = width;
  const aspect = w / h;
  if (w >= h) {
    w = maxLen;
    h = Math.trunc(w / aspect);
    if (h % 2 !== 0) h += 1;
  } else {
    h = maxLen;
    w = Math.trunc(h * aspect);
    if (w % 2 !== 0) w += 1;
  }
  h = Math.max(h, 1);
  w = Math.max(w, 1);
  const aspect2 = w / h;
  if (w >= h && w > MAX_IMAGE_SIZE) {
    w = MAX_IMAGE_SIZE;
    h = Math.trunc(w / aspect2);
  } else if (h > w && h > MAX_IMAGE_SIZE) {
    h = MAX_IMAGE_SIZE;
    w = Math.trunc(h * aspect2);
  }
  return [Math.max(h, 1), Math.max(w, 1)];
}

/** `resize_for_vision_encoder`'s target: both sides rounded up to multiples of `side`. */
export function sizeForVisionEncoder(
  height: number,
  width: number,
  side: number,
): [number, number] {
  let h = height, w = width;
  const aspect = w / h;
  if (w >= h) {
    w = Math.ceil(w / side) * side;
    h = Math.trunc(w / aspect);
    h = Math.ceil(h / side) * side;
  } else {
    h = Math.ceil(h / side) * side;
    w = Math.trunc(h * aspect);
    w = Math.ceil(w / side) * side;
  }
  return [h, w];
}

function crop(img: RgbImage, x0: number, y0: number, x1: number, y1: number): RgbImage {
  const w = x1 - x0, h = y1 - y0;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    out.set(
      img.data.subarray(((y0 + y) * img.width + x0) * 3, ((y0 + y) * img.width + x1) * 3),
      y * w * 3,
    );
  }
  return { width: w, height: h, data: out };
}

/**
 * The Idefics3 image processor: tiles (8-bit, before rescaling) of each image, and the split
 * grid. Exported for tests; {@link preprocessIdefics3} gives the pixel values.
 */
export function idefics3Tiles(
  image: RgbImage,
  config: Idefics3ImageConfig,
  opts: Idefics3Options = {},
): { tiles: RgbImage[]; rows: number; cols: number } {
  const resample = (config.resample ?? 1) as PilResample;
  const side = config.max_image_size?.longest_edge ?? 364;
  let img = image;
  if (config.do_resize ?? true) {
    const [h, w] = resizeToLongestEdge(
      img.height,
      img.width,
      opts.longestEdge ?? config.size?.longest_edge ?? 4 * 364,
    );
    img = pilResize(img, w, h, resample);
  }
  if (!(opts.split ?? config.do_image_splitting ?? true)) {
    return { tiles: [pilResize(img, side, side, resample)], rows: 0, cols: 0 };
  }
  const [h, w] = sizeForVisionEncoder(img.height, img.width, side);
  img = pilResize(img, w, h, resample);
  if (img.height <= side && img.width <= side) return { tiles: [img], rows: 0, cols: 0 };
  const rows = Math.ceil(img.height / side);
  const cols = Math.ceil(img.width / side);
  const oh = Math.ceil(img.height / rows);
  const ow = Math.ceil(img.width / cols);
  const tiles: RgbImage[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x0 = c * ow, y0 = r * oh;
      tiles.push(crop(img, x0, y0, Math.min(x0 + ow, img.width), Math.min(y0 + oh, img.height)));
    }
  }
  // The global image, resized to one tile (LANCZOS, as split_image's default).
  tiles.push(img.width !== side || img.height !== side ? pilResize(img, side, side, 1) : img);
  return { tiles, rows, cols };
}

/**
 * Pixel values of a prompt's images, equal to Python's `Idefics3ImageProcessor` output for one
 * prompt (batch of 1; every tile has the same side, so no padding).
 *
 * @throws {Error} when a tile does not come out square at the encoder's side.
 */
export function preprocessIdefics3(
  images: readonly RgbImage[],
  config: Idefics3ImageConfig,
  opts: Idefics3Options = {},
): Idefics3Pixels {
  const side = config.max_image_size?.longest_edge ?? 364;
  const all: RgbImage[] = [];
  const rows: number[] = [];
  const cols: number[] = [];
  for (const image of images) {
    const t = idefics3Tiles(image, config, opts);
    all.push(...t.tiles);
    rows.push(t.rows);
    cols.push(t.cols);
  }
  const plane = side * side;
  const data = new Float32Array(all.length * 3 * plane);
  const factor = config.rescale_factor ?? 1 / 255;
  const rescale = config.do_rescale ?? true;
  const normalize = config.do_normalize ?? true;
  const mean = (config.image_mean ?? [0.5, 0.5, 0.5]).map(Math.fround);
  const std = (config.image_std ?? [0.5, 0.5, 0.5]).map(Math.fround);
  all.forEach((tile, t) => {
    if (tile.width !== side || tile.height !== side) {
      throw new Error(
        `Cannot feed a ${tile.width}x${tile.height} tile to the vision encoder as it takes ${side}x${side}`,
      );
    }
    for (let c = 0; c < 3; c++) {
      const base = (t * 3 + c) * plane;
      for (let i = 0; i < plane; i++) {
        // numpy: uint8 -> float64 * factor -> float32; then float32 (x - mean) / std.
        let v = tile.data[i * 3 + c];
        if (rescale) v = Math.fround(v * factor);
        if (normalize) v = Math.fround(Math.fround(v - mean[c]) / std[c]);
        data[base + i] = v;
      }
    }
  });
  return { data, tiles: all.length, side, rows, cols };
}

/** Image tokens of one image, as `get_image_prompt_string` writes them. */
export function imagePromptString(rows: number, cols: number, imageSeqLen: number): string {
  const fake = "<fake_token_around_image>";
  const run = "<image>".repeat(imageSeqLen);
  if (rows === 0 && cols === 0) return `${fake}<global-img>${run}${fake}`;
  let text = "";
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) text += `${fake}<row_${r + 1}_col_${c + 1}>${run}`;
    text += "\n";
  }
  return text + `\n${fake}<global-img>${run}${fake}`;
}

/**
 * The processor's prompt: every `<image>` replaced by that image's token string.
 *
 * @throws {Error} when the prompt's `<image>` count differs from the number of images, as the
 * Python processor raises.
 */
export function expandImageTokens(
  prompt: string,
  rows: readonly number[],
  cols: readonly number[],
  imageSeqLen: number,
): string {
  const split = prompt.split("<image>");
  if (split.length - 1 !== rows.length) {
    throw new Error(
      `Cannot match images to the prompt as the number of <image> tokens (${
        split.length - 1
      }) differs from the number of images: current value is ${rows.length}`,
    );
  }
  let out = split[0];
  rows.forEach((r, i) => {
    out += imagePromptString(r, cols[i], imageSeqLen) + split[i + 1];
  });
  return out;
}
