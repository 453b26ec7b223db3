import assert from "node:assert/strict";
import { detectImageFormat, hexHead } from "./image_format.ts";

Deno.test("detectImageFormat() recognises the fixture images by their bytes", async () => {
  const png = await Deno.readFile(new URL("./testdata/red.png", import.meta.url));
  const jpg = await Deno.readFile(new URL("./testdata/blue.jpg", import.meta.url));
  assert.deepEqual(detectImageFormat(png), { ext: "png", mime: "image/png" });
  assert.deepEqual(detectImageFormat(jpg), { ext: "jpg", mime: "image/jpeg" });
});

Deno.test("detectImageFormat() recognises GIF, WebP and BMP magic", () => {
  const bytes = (text: string, size = 32) => {
    const out = new Uint8Array(size);
    out.set(new TextEncoder().encode(text));
    return out;
  };
  assert.equal(detectImageFormat(bytes("GIF89a"))?.ext, "gif");
  assert.equal(detectImageFormat(bytes("GIF87a"))?.ext, "gif");
  assert.equal(detectImageFormat(bytes("RIFF\0\0\0\0WEBPVP8 "))?.ext, "webp");
  assert.equal(detectImageFormat(bytes("BM"))?.ext, "bmp");
});

Deno.test("detectImageFormat() returns undefined for other or truncated bytes", () => {
  assert.equal(detectImageFormat(new TextEncoder().encode("hello world")), undefined);
  assert.equal(detectImageFormat(new Uint8Array([0x89, 0x50, 0x4e])), undefined);
  assert.equal(detectImageFormat(new TextEncoder().encode("RIFF\0\0\0\0WAVEfmt ")), undefined);
  assert.equal(detectImageFormat(new TextEncoder().encode("BM")), undefined);
  assert.equal(detectImageFormat(new Uint8Array()), undefined);
});

// Moved from models/api (imageMimeType): the type an API server is sent comes from this sniffer.
Deno.test("detectImageFormat() gives the MIME type of the common signatures", () => {
  const ascii = (s: string) => new TextEncoder().encode(s);
  assert.equal(
    detectImageFormat(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0]))?.mime,
    "image/png",
  );
  assert.equal(detectImageFormat(ascii("GIF89a......"))?.mime, "image/gif");
  assert.equal(detectImageFormat(ascii("RIFF\0\0\0\0WEBPVP8 "))?.mime, "image/webp");
  assert.equal(detectImageFormat(ascii("RIFF\0\0\0\0WAVEfmt ")), undefined);
  assert.equal(detectImageFormat(new Uint8Array()), undefined);
});

Deno.test("hexHead() writes the first bytes in hex", () => {
  assert.equal(hexHead(new TextEncoder().encode("hello world")), "68 65 6c 6c 6f 20 77 6f");
  assert.equal(hexHead(new Uint8Array([0xff, 0xd8]), 1), "ff");
  assert.equal(hexHead(new Uint8Array()), "");
});
