import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { detectImageFormat, hexHead } from "@vlmeval/internal";
import { type DecodedImage, decodeImageBytes } from "@vlmeval/media";

/** JPEG quality of a resized JPEG: Pillow's default, which VLMEvalKit's `img.save` uses. */
const JPEG_QUALITY = 75;

/**
 * The bytes sent for one image file, as a base64 `data:` URL with the MIME type of its bytes.
 * With `maxSide`, an image whose longer side is above it is first shrunk to fit a
 * `maxSide × maxSide` box, keeping its aspect ratio, and encoded again in its own format (PNG
 * stays PNG, JPEG stays JPEG at Pillow's default quality 75): VLMEvalKit's `img_size`
 * (`encode_image_to_base64` with Pillow's `thumbnail`, whose output size this follows; pixels
 * are averaged over each target pixel's area where Pillow filters bicubically). A smaller image
 * is sent as its original bytes.
 *
 * @throws {TypeError} when the bytes are not PNG, JPEG, GIF, WebP or BMP, or when `maxSide` asks
 * to resize an image that is not PNG or JPEG (the formats the decoder reads).
 * @throws {Error} when the file cannot be read or decoded (the message names it).
 */
export async function imageDataUrl(path: string, maxSide?: number): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof Error) err.message = `Cannot read image "${path}": ${reason}`;
    throw err;
  }
  const format = detectImageFormat(bytes);
  if (format === undefined) {
    throw new TypeError(
      `Cannot send image "${path}" as its bytes are not PNG, JPEG, GIF, WebP or BMP (first bytes: ${
        hexHead(bytes) || "none"
      })`,
    );
  }
  if (maxSide !== undefined) {
    if (format.ext !== "png" && format.ext !== "jpg") {
      throw new TypeError(
        `Cannot resize image "${path}" to a longest side of ${maxSide} as only PNG and JPEG are ` +
          `decoded: current format is ${format.ext}`,
      );
    }
    const image = decodeImageBytes(bytes, path);
    const size = thumbnailSize(image.width, image.height, maxSide);
    if (size) bytes = encodeImage(resizeArea(image, size.width, size.height), format.ext);
  }
  return `data:${format.mime};base64,${
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64")
  }`;
}

/**
 * The size Pillow's `Image.thumbnail((side, side))` gives a `width × height` image, or
 * undefined when it fits already (Pillow 10's `preserve_aspect_ratio`: the shorter side is
 * rounded down or up, whichever keeps the aspect ratio closer, and is at least 1).
 */
export function thumbnailSize(
  width: number,
  height: number,
  side: number,
): { width: number; height: number } | undefined {
  if (width <= side && height <= side) return undefined;
  const aspect = width / height;
  const roundAspect = (n: number, distance: (k: number) => number) => {
    const [lo, hi] = [Math.floor(n), Math.ceil(n)];
    return Math.max(distance(lo) <= distance(hi) ? lo : hi, 1);
  };
  if (aspect <= 1) {
    return { width: roundAspect(side * aspect, (k) => Math.abs(aspect - k / side)), height: side };
  }
  return {
    width: side,
    height: roundAspect(side / aspect, (k) => k === 0 ? 0 : Math.abs(aspect - side / k)),
  };
}

/** Shrinks an RGB image by averaging the source pixels that each target pixel covers. */
function resizeArea(image: DecodedImage, width: number, height: number): DecodedImage {
  const { width: sw, height: sh, data } = image;
  const out = new Uint8Array(width * height * 3);
  const sx = sw / width;
  const sy = sh / height;
  for (let y = 0; y < height; y++) {
    const y0 = y * sy;
    const y1 = y0 + sy;
    for (let x = 0; x < width; x++) {
      const x0 = x * sx;
      const x1 = x0 + sx;
      let r = 0, g = 0, b = 0, area = 0;
      for (let yy = Math.floor(y0); yy < Math.min(sh, Math.ceil(y1)); yy++) {
        const wy = Math.min(y1, yy + 1) - Math.max(y0, yy);
        for (let xx = Math.floor(x0); xx < Math.min(sw, Math.ceil(x1)); xx++) {
          const w = wy * (Math.min(x1, xx + 1) - Math.max(x0, xx));
          const k = (yy * sw + xx) * 3;
          r += data[k] * w;
          g += data[k + 1] * w;
          b += data[k + 2] * w;
          area += w;
        }
      }
      const o = (y * width + x) * 3;
      out[o] = Math.round(r / area);
      out[o + 1] = Math.round(g / area);
      out[o + 2] = Math.round(b / area);
    }
  }
  return { width, height, data: out };
}

function encodeImage(image: DecodedImage, ext: "png" | "jpg"): Uint8Array {
  const rgba = new Uint8Array(image.width * image.height * 4);
  for (let i = 0, j = 0; i < image.width * image.height; i++, j += 3) {
    rgba.set(image.data.subarray(j, j + 3), i * 4);
    rgba[i * 4 + 3] = 255;
  }
  if (ext === "jpg") {
    return new Uint8Array(
      jpeg.encode({ data: rgba, width: image.width, height: image.height }, JPEG_QUALITY).data,
    );
  }
  const png = new pngjs.PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(rgba.buffer);
  return new Uint8Array(pngjs.PNG.sync.write(png, { colorType: 2 }));
}
