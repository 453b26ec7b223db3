import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { detectImageFormat, hexHead } from "@vlmeval/internal";
import { decodeBmp } from "./_bmp_decode.ts";
import { nativeDecoder } from "./_native_image.ts";

/** A decoded image: 3 bytes (R, G, B) per pixel, rows top to bottom. */
export interface DecodedImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width × height × 3` bytes, R, G, B per pixel. */
  data: Uint8Array;
}

/** Settings of {@link decodeImage} and {@link decodeImageFile}. */
export interface DecodeImageOptions {
  /**
   * Resize to exactly `width × height` (the aspect ratio is not kept) inside the decoder: libvips
   * with a linear (triangle) kernel over the area each output pixel covers, after JPEG's
   * shrink-on-load; the TypeScript path samples bilinearly ({@link resizeBilinear}). An image
   * already that size is not resampled.
   */
  resize?: { width: number; height: number };
  /**
   * What happens to transparency: `white` composites it over white (the default), `drop`
   * discards the alpha channel as Pillow's `convert("RGB")` does.
   */
  alpha?: "white" | "drop";
}

const NAMES: Record<string, string> = {
  png: "PNG",
  jpg: "JPEG",
  gif: "GIF",
  webp: "WebP",
  bmp: "BMP",
};

function rgbaToRgb(
  rgba: Uint8Array,
  width: number,
  height: number,
  alpha: "white" | "drop" = "white",
): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    if (alpha === "drop" || rgba[j + 3] === 255) {
      rgb[i * 3] = rgba[j];
      rgb[i * 3 + 1] = rgba[j + 1];
      rgb[i * 3 + 2] = rgba[j + 2];
      continue;
    }
    // Transparent pixels are composited over white.
    const a = rgba[j + 3] / 255;
    rgb[i * 3] = Math.round(rgba[j] * a + 255 * (1 - a));
    rgb[i * 3 + 1] = Math.round(rgba[j + 1] * a + 255 * (1 - a));
    rgb[i * 3 + 2] = Math.round(rgba[j + 2] * a + 255 * (1 - a));
  }
  return rgb;
}

function failure(label: string, format: string, err: unknown): Error {
  const message = err instanceof Error ? err.message : String(err);
  return new Error(`Cannot decode image "${label}" as ${NAMES[format] ?? format}: ${message}`, {
    cause: err,
  });
}

function unknownFormat(bytes: Uint8Array, label: string): Error {
  return new Error(
    `Cannot decode image "${label}" as it is not PNG, JPEG, GIF, WebP or BMP: first bytes are ${
      hexHead(bytes) || "absent (empty file)"
    }`,
  );
}

/** RGBA pixels of PNG, JPEG or BMP bytes, decoded in TypeScript. */
function decodeRgbaJs(bytes: Uint8Array, format: string, label: string) {
  try {
    if (format === "png") {
      return pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
    if (format === "jpg") return jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    const bmp = decodeBmp(bytes);
    return { width: bmp.width, height: bmp.height, data: bmp.rgba };
  } catch (err) {
    throw failure(label, format, err);
  }
}

/**
 * Bilinear resize of an RGB image to `width × height`, sampling at pixel centres (no
 * anti-aliasing); the image itself when it is already that size.
 */
export function resizeBilinear(image: DecodedImage, width: number, height: number): DecodedImage {
  if (image.width === width && image.height === height) return image;
  const { width: sw, height: sh, data } = image;
  const out = new Uint8Array(width * height * 3);
  const sx = sw / width;
  const sy = sh / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(sh - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(sh - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(sw - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(sw - 1, x0 + 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const top = data[(y0 * sw + x0) * 3 + c] * (1 - wx) + data[(y0 * sw + x1) * 3 + c] * wx;
        const bottom = data[(y1 * sw + x0) * 3 + c] * (1 - wx) +
          data[(y1 * sw + x1) * 3 + c] * wx;
        out[(y * width + x) * 3 + c] = Math.round(top * (1 - wy) + bottom * wy);
      }
    }
  }
  return { width, height, data: out };
}

/**
 * Decodes PNG, JPEG or BMP bytes (found by their signature, not by a file name) to RGB in
 * TypeScript (pngjs, jpeg-js and a BMP reader): the synchronous path, and what
 * {@link decodeImage} falls back to when the native decoder cannot load. `label` names the
 * source in error messages; transparency is composited over white.
 *
 * @throws {Error} when the bytes are not PNG, JPEG or BMP, or cannot be decoded; the message
 * names `label` and the cause is kept.
 */
export function decodeImageBytes(bytes: Uint8Array, label: string): DecodedImage {
  const format = detectImageFormat(bytes)?.ext;
  if (format === undefined) throw unknownFormat(bytes, label);
  if (format === "gif" || format === "webp") {
    throw new Error(
      `Cannot decode image "${label}" as ${NAMES[format]} in TypeScript: only the native ` +
        `decoder (sharp) reads ${NAMES[format]}`,
    );
  }
  const image = decodeRgbaJs(bytes, format, label);
  return {
    width: image.width,
    height: image.height,
    data: rgbaToRgb(image.data, image.width, image.height),
  };
}

/**
 * Decodes PNG, JPEG, GIF (its first frame), WebP or BMP bytes to RGB, found by their signature,
 * with the native decoder (sharp's libvips; BMP, which libvips does not read, is decoded in
 * TypeScript and resized natively), resizing inside the decoder when `opts.resize` asks. Where
 * sharp cannot load, PNG, JPEG and BMP are decoded in TypeScript and GIF and WebP fail (see
 * `imageDecoderInfo`). EXIF orientation is not applied, as Pillow does not apply it.
 *
 * @throws {Error} when the bytes are not an image of these formats or cannot be decoded; the
 * message names `label` and the format, and the cause is kept.
 *
 * @example Decode a photo straight to a model's 64 × 64 input
 * ```ts ignore
 * const bytes = await Deno.readFile("/data/images/MMStar/7.jpg");
 * const image = await decodeImage(bytes, "7.jpg", { resize: { width: 64, height: 64 } });
 * ```
 */
export async function decodeImage(
  bytes: Uint8Array,
  label: string,
  opts: DecodeImageOptions = {},
): Promise<DecodedImage> {
  const format = detectImageFormat(bytes)?.ext;
  if (format === undefined) throw unknownFormat(bytes, label);
  const sharp = await nativeDecoder();
  if (!sharp) {
    if (format === "gif" || format === "webp") {
      const { imageDecoderInfo } = await import("./_native_image.ts");
      throw new Error(
        `Cannot decode image "${label}" as ${NAMES[format]}: only the native decoder (sharp) ` +
          `reads ${NAMES[format]}, and it is not in use (${(await imageDecoderInfo()).reason})`,
      );
    }
    const image = decodeRgbaJs(bytes, format, label);
    const rgb = {
      width: image.width,
      height: image.height,
      data: rgbaToRgb(image.data, image.width, image.height, opts.alpha),
    };
    return opts.resize ? resizeBilinear(rgb, opts.resize.width, opts.resize.height) : rgb;
  }
  try {
    let pipeline;
    if (format === "bmp") {
      const bmp = decodeRgbaJs(bytes, format, label);
      pipeline = sharp(bmp.data, { raw: { width: bmp.width, height: bmp.height, channels: 4 } });
    } else {
      pipeline = sharp(bytes, { pages: 1, failOn: "error" });
    }
    pipeline = opts.alpha === "drop"
      ? pipeline.removeAlpha()
      : pipeline.flatten({ background: { r: 255, g: 255, b: 255 } });
    pipeline = pipeline.toColourspace("srgb");
    const { resize } = opts;
    if (resize) {
      pipeline = pipeline.resize(resize.width, resize.height, { fit: "fill", kernel: "linear" });
    }
    const { data, info } = await pipeline.raw({ depth: "uchar" }).toBuffer({
      resolveWithObject: true,
    });
    if (info.channels !== 3) {
      throw new Error(`the decoder returned ${info.channels} channels, not 3`);
    }
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (err) {
    if (err instanceof Error && err.message.startsWith("Cannot decode image")) throw err;
    throw failure(label, format, err);
  }
}

/**
 * Reads and decodes an image file to RGB; see {@link decodeImage}.
 *
 * @throws {Error} when the file cannot be read, is not PNG, JPEG, GIF, WebP or BMP, or is
 * corrupt; the message names the file.
 *
 * @example Decode a frame
 * ```ts ignore
 * const { width, height, data } = await decodeImageFile("/tmp/frame-1-of-8.jpg");
 * ```
 */
export async function decodeImageFile(
  path: string,
  opts: DecodeImageOptions = {},
): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new Error(`Cannot read image "${path}": ${(err as Error).message}`, { cause: err });
  }
  return await decodeImage(bytes, path, opts);
}
