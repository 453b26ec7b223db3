/** Image formats an OpenAI-compatible server accepts, by their leading bytes. */
const SIGNATURES: { mime: string; test: (b: Uint8Array) => boolean }[] = [
  {
    mime: "image/png",
    test: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { mime: "image/jpeg", test: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  { mime: "image/gif", test: (b) => ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a" },
  { mime: "image/webp", test: (b) => ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP" },
  { mime: "image/bmp", test: (b) => ascii(b, 0, 2) === "BM" && b.length > 14 },
];

/**
 * The MIME type of an image file read from its magic bytes (PNG, JPEG, GIF, WebP, BMP), or
 * `undefined` when the bytes are none of these. The file name is never trusted.
 */
export function imageMimeType(bytes: Uint8Array): string | undefined {
  return SIGNATURES.find((s) => s.test(bytes))?.mime;
}

function startsWith(bytes: Uint8Array, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((v, i) => bytes[i] === v);
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return bytes.length < to ? "" : String.fromCharCode(...bytes.subarray(from, to));
}
