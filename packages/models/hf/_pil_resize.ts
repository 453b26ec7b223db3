/**
 * Pillow's `Image.resize` for 8-bit RGB images, ported from `libImaging/Resample.c` (Pillow
 * 11): the same filter, the same fixed-point coefficients (22 bits), the same two-pass order
 * (horizontal, then vertical) and the same rounding, so that a resized image is byte for byte
 * what Python's image processors (which resize through PIL) give.
 */

/** An RGB image: `width × height × 3` bytes. */
export interface RgbImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** R, G, B per pixel, rows top to bottom. */
  data: Uint8Array;
}

/** Pillow's resampling filters by their `PIL.Image.Resampling` number. */
export type PilResample = 0 | 1 | 2 | 3 | 4 | 5;

interface Filter {
  support: number;
  fn: (x: number) => number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  x *= Math.PI;
  return Math.sin(x) / x;
}

const FILTERS: Record<number, Filter> = {
  // NEAREST is not a convolution in Pillow; handled apart.
  1: { support: 3, fn: (x) => (-3 <= x && x < 3 ? sinc(x) * sinc(x / 3) : 0) }, // LANCZOS
  2: { support: 1, fn: (x) => (x < 0 ? (x > -1 ? 1 + x : 0) : x < 1 ? 1 - x : 0) }, // BILINEAR
  3: { // BICUBIC, a = -0.5
    support: 2,
    fn: (x) => {
      const a = -0.5;
      if (x < 0) x = -x;
      if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
      return 0;
    },
  },
  4: { support: 0.5, fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) }, // BOX
  5: { // HAMMING
    support: 1,
    fn: (x) => {
      if (x < 0) x = -x;
      if (x === 0) return 1;
      if (x >= 1) return 0;
      x *= Math.PI;
      return Math.sin(x) / x * (0.54 + 0.46 * Math.cos(x));
    },
  },
};

const PRECISION_BITS = 32 - 8 - 2;

interface Coeffs {
  ksize: number;
  bounds: Int32Array;
  kk: Int32Array;
}

/** `precompute_coeffs` followed by `normalize_coeffs_8bpc`. */
function precomputeCoeffs(inSize: number, in0: number, in1: number, outSize: number, f: Filter) {
  let filterscale = (in1 - in0) / outSize;
  const scale = filterscale;
  if (filterscale < 1) filterscale = 1;
  const support = f.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = in0 + (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    xmax -= xmin;
    let ww = 0;
    k.fill(0);
    for (let x = 0; x < xmax; x++) {
      const w = f.fn((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) if (ww !== 0) k[x] /= ww;
    for (let x = 0; x < ksize; x++) {
      const v = k[x] * (1 << PRECISION_BITS);
      kk[xx * ksize + x] = k[x] < 0 ? Math.trunc(-0.5 + v) : Math.trunc(0.5 + v);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk } satisfies Coeffs;
}

function clip8(v: number): number {
  if (v >= (1 << PRECISION_BITS) * 256) return 255;
  if (v <= 0) return 0;
  return Math.floor(v / (1 << PRECISION_BITS));
}

function horizontal(
  src: RgbImage,
  outWidth: number,
  rowOffset: number,
  rows: number,
  c: Coeffs,
): RgbImage {
  const out = new Uint8Array(outWidth * rows * 3);
  const half = 1 << (PRECISION_BITS - 1);
  for (let yy = 0; yy < rows; yy++) {
    const rowBase = (yy + rowOffset) * src.width * 3;
    for (let xx = 0; xx < outWidth; xx++) {
      const xmin = c.bounds[xx * 2];
      const xmax = c.bounds[xx * 2 + 1];
      const kBase = xx * c.ksize;
      let s0 = half, s1 = half, s2 = half;
      for (let x = 0; x < xmax; x++) {
        const w = c.kk[kBase + x];
        const p = rowBase + (x + xmin) * 3;
        s0 += src.data[p] * w;
        s1 += src.data[p + 1] * w;
        s2 += src.data[p + 2] * w;
      }
      const o = (yy * outWidth + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width: outWidth, height: rows, data: out };
}

function vertical(src: RgbImage, outHeight: number, c: Coeffs): RgbImage {
  const w = src.width;
  const out = new Uint8Array(w * outHeight * 3);
  const half = 1 << (PRECISION_BITS - 1);
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = c.bounds[yy * 2];
    const ymax = c.bounds[yy * 2 + 1];
    const kBase = yy * c.ksize;
    for (let xx = 0; xx < w; xx++) {
      let s0 = half, s1 = half, s2 = half;
      for (let y = 0; y < ymax; y++) {
        const k = c.kk[kBase + y];
        const p = ((y + ymin) * w + xx) * 3;
        s0 += src.data[p] * k;
        s1 += src.data[p + 1] * k;
        s2 += src.data[p + 2] * k;
      }
      const o = (yy * w + xx) * 3;
      out[o] = clip8(s0);
      out[o + 1] = clip8(s1);
      out[o + 2] = clip8(s2);
    }
  }
  return { width: w, height: outHeight, data: out };
}

function nearest(src: RgbImage, width: number, height: number): RgbImage {
  // Pillow's ImagingTransform affine nearest: source = floor((x + 0.5) * scale).
  const out = new Uint8Array(width * height * 3);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const yi = Math.min(src.height - 1, Math.floor((y + 0.5) * sy));
    for (let x = 0; x < width; x++) {
      const xi = Math.min(src.width - 1, Math.floor((x + 0.5) * sx));
      out.set(
        src.data.subarray((yi * src.width + xi) * 3, (yi * src.width + xi) * 3 + 3),
        (y * width + x) * 3,
      );
    }
  }
  return { width, height, data: out };
}

/**
 * Resizes like `PIL.Image.resize((width, height), resample)` on an RGB image (no `box`, no
 * `reducing_gap`, which is what image processors call).
 *
 * @throws {RangeError} when a size is not a positive integer.
 */
export function pilResize(
  src: RgbImage,
  width: number,
  height: number,
  resample: PilResample,
): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(
      `Cannot resize an image to ${width}x${height} as both sides must be positive integers`,
    );
  }
  if (width === src.width && height === src.height) {
    return { width, height, data: src.data.slice() };
  }
  if (resample === 0) return nearest(src, width, height);
  const f = FILTERS[resample];
  const needH = width !== src.width;
  const needV = height !== src.height;
  const ch = precomputeCoeffs(src.width, 0, src.width, width, f);
  const cv = precomputeCoeffs(src.height, 0, src.height, height, f);
  let image = src;
  if (needH) {
    const first = cv.bounds[0];
    const last = cv.bounds[height * 2 - 2] + cv.bounds[height * 2 - 1];
    if (needV) { for (let i = 0; i < height; i++) cv.bounds[i * 2] -= first; }
    image = horizontal(src, width, needV ? first : 0, needV ? last - first : src.height, ch);
  }
  if (needV) image = vertical(image, height, cv);
  return image;
}
