import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { detectImageFormat, hexHead } from "@vlmeval/internal";

/** A decoded image: 3 bytes (R, G, B) per pixel, rows top to bottom. */
export interface DecodedImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width × height × 3` bytes, R, G, B per pixel. */
  data: Uint8Array;
}

function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    // Transparent pixels are composited over white.
    const a = rgba[j + 3] / 255;
    rgb[i * 3] = Math.round(rgba[j] * a + 255 * (1 - a));
    rgb[i * 3 + 1] = Math.round(rgba[j + 1] * a + 255 * (1 - a));
    rgb[i * 3 + 2] = Math.round(rgba[j + 2] * a + 255 * (1 - a));
  }
  return rgb;
}

/**
 * Decodes PNG or JPEG bytes (found by their signature, not by a file name) to RGB. `label`
 * names the source in error messages.
 *
 * @throws {Error} when the bytes are neither PNG nor JPEG, or cannot be decoded; the message
 * names `label` and the cause is kept.
 */
export function decodeImageBytes(bytes: Uint8Array, label: string): DecodedImage {
  const format = detectImageFormat(bytes)?.ext;
  if (format === "png") {
    let png: { width: number; height: number; data: Uint8Array };
    try {
      png = pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (err) {
      throw new Error(`Cannot decode image "${label}" as PNG: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return {
      width: png.width,
      height: png.height,
      data: rgbaToRgb(png.data, png.width, png.height),
    };
  }
  if (format === "jpg") {
    let image: { width: number; height: number; data: Uint8Array };
    try {
      image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
    } catch (err) {
      throw new Error(`Cannot decode image "${label}" as JPEG: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return {
      width: image.width,
      height: image.height,
      data: rgbaToRgb(image.data, image.width, image.height),
    };
  }
  throw new Error(
    `Cannot decode image "${label}" as it is neither PNG nor JPEG: first bytes are ${
      hexHead(bytes) || "absent (empty file)"
    }`,
  );
}

/**
 * Reads and decodes a PNG or JPEG file to RGB.
 *
 * @throws {Error} when the file cannot be read, is neither PNG nor JPEG, or is corrupt; the
 * message names the file.
 *
 * @example Decode a frame
 * ```ts ignore
 * const { width, height, data } = await decodeImageFile("/tmp/frame-1-of-8.jpg");
 * ```
 */
export async function decodeImageFile(path: string): Promise<DecodedImage> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    throw new Error(`Cannot read image "${path}": ${(err as Error).message}`, { cause: err });
  }
  return decodeImageBytes(bytes, path);
}
