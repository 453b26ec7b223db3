/**
 * Image formats recognised by their leading bytes, never by a file name: the one sniffer for
 * dataset images (their file extension), images sent to API models (their MIME type) and
 * images decoded for tfjs models.
 *
 * @module
 */

/** An encoded image format recognised by its leading bytes. */
export interface ImageFormat {
  /** File extension without the dot (`png`, `jpg`, `gif`, `webp`, `bmp`). */
  ext: string;
  /** MIME type, e.g. `image/png`. */
  mime: string;
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = [0x47, 0x49, 0x46, 0x38, 0x37, 0x61];
const GIF89 = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];
const BMP = [0x42, 0x4d];

function startsWith(bytes: Uint8Array, magic: number[], at = 0): boolean {
  if (bytes.length < at + magic.length) return false;
  return magic.every((byte, k) => bytes[at + k] === byte);
}

/**
 * Recognises PNG, JPEG, GIF, WebP and BMP by their magic bytes; `undefined` for anything else
 * (a BMP needs at least its 26-byte header).
 *
 * @example Detect a PNG
 * ```ts
 * import { detectImageFormat } from "@vlmeval/internal";
 * detectImageFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))?.ext; // "png"
 * ```
 */
export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (startsWith(bytes, PNG)) return { ext: "png", mime: "image/png" };
  if (startsWith(bytes, JPEG)) return { ext: "jpg", mime: "image/jpeg" };
  if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) {
    return { ext: "gif", mime: "image/gif" };
  }
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) {
    return { ext: "webp", mime: "image/webp" };
  }
  if (startsWith(bytes, BMP) && bytes.length >= 26) return { ext: "bmp", mime: "image/bmp" };
  return undefined;
}

/** The first `count` bytes in hex (`89 50 4e 47`), for messages about unrecognised images. */
export function hexHead(bytes: Uint8Array, count = 8): string {
  return Array.from(bytes.subarray(0, count), (b) => b.toString(16).padStart(2, "0")).join(" ");
}
