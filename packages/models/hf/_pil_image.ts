import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { decodeImage } from "@vlmeval/media";
import { detectImageFormat } from "@vlmeval/internal";
import type { RgbImage } from "./_pil_resize.ts";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** RGBA to RGB by dropping alpha: what PIL's `convert("RGB")` does (no compositing). */
function dropAlpha(rgba: Uint8Array, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgb[i * 3] = rgba[j];
    rgb[i * 3 + 1] = rgba[j + 1];
    rgb[i * 3 + 2] = rgba[j + 2];
  }
  return rgb;
}

/**
 * Decodes PNG or JPEG bytes as `transformers.image_utils.load_image` + `convert("RGB")` sees
 * them: alpha is dropped, not composited (VLMEvalKit's images reach Hugging Face wrappers that
 * way). `label` names the source in errors.
 *
 * @throws {Error} when the bytes are neither PNG nor JPEG or cannot be decoded.
 */
export function decodeLikePil(bytes: Uint8Array, label: string): RgbImage {
  try {
    if (startsWith(bytes, PNG_MAGIC)) {
      const png = pngjs.PNG.sync.read(
        Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      );
      return {
        width: png.width,
        height: png.height,
        data: dropAlpha(png.data, png.width, png.height),
      };
    }
    if (startsWith(bytes, JPEG_MAGIC)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return {
        width: img.width,
        height: img.height,
        data: dropAlpha(img.data, img.width, img.height),
      };
    }
  } catch (err) {
    throw new Error(`Cannot decode image "${label}": ${(err as Error).message}`, { cause: err });
  }
  const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new Error(
    `Cannot decode image "${label}" as it is neither PNG nor JPEG: first bytes are ${
      head || "absent (empty file)"
    }`,
  );
}

/**
 * Reads and decodes an image file; see {@link decodeLikePil}. GIF (first frame), WebP and BMP,
 * which the datasets also accept, go through the native decoder with alpha dropped: libwebp is
 * Pillow's WebP decoder too, and palette and BMP pixels are exact either way. PNG and JPEG stay
 * on the TypeScript decoders, so their pixels (and the answers) are the ones parity was
 * checked with.
 */
export async function loadImageLikePil(path: string): Promise<RgbImage> {
  const bytes = await Deno.readFile(path);
  const ext = detectImageFormat(bytes)?.ext;
  if (ext === "gif" || ext === "webp" || ext === "bmp") {
    return await decodeImage(bytes, path, { alpha: "drop" });
  }
  return decodeLikePil(bytes, path);
}
