import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { decodeImageBytes } from "@vlmeval/media";
import { imageDataUrl, thumbnailSize } from "./image_payload.ts";

Deno.test("thumbnailSize() gives the sizes Pillow 13's Image.thumbnail gives", () => {
  // [width, height, side, Pillow's size]: from Image.new("RGB", (w, h)).thumbnail((s, s)).
  const cases: [number, number, number, [number, number]][] = [
    [1000, 500, 512, [512, 256]],
    [333, 1000, 100, [33, 100]],
    [640, 480, 100, [100, 75]],
    [1, 1000, 7, [1, 7]],
    [1000, 3, 64, [64, 1]],
    [1001, 999, 1000, [1000, 998]],
    [500, 500, 300, [300, 300]],
    [1280, 720, 768, [768, 432]],
    [717, 1023, 512, [359, 512]],
    [3, 2, 1, [1, 1]],
  ];
  for (const [w, h, side, [ew, eh]] of cases) {
    assert.deepEqual(thumbnailSize(w, h, side), { width: ew, height: eh }, `${w}x${h} in ${side}`);
  }
  assert.equal(thumbnailSize(1000, 1000, 1000), undefined, "an image that fits is kept");
});

function bytesOf(url: string): Uint8Array {
  return new Uint8Array(Buffer.from(url.slice(url.indexOf(",") + 1), "base64"));
}

async function withImages(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-image-payload-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("imageDataUrl() shrinks a PNG to the longest side and keeps it PNG", async () => {
  await withImages(async (dir) => {
    // Left half red, right half blue: averaging keeps the halves apart.
    const png = new pngjs.PNG({ width: 40, height: 20 });
    for (let i = 0; i < 40 * 20; i++) {
      const left = i % 40 < 20;
      png.data.set([left ? 255 : 0, 0, left ? 0 : 255, 255], i * 4);
    }
    const original = new Uint8Array(pngjs.PNG.sync.write(png));
    await Deno.writeFile(`${dir}/wide.png`, original);

    const url = await imageDataUrl(`${dir}/wide.png`, 10);
    assert.ok(url.startsWith("data:image/png;base64,"), url.slice(0, 30));
    const small = decodeImageBytes(bytesOf(url), "resized");
    assert.deepEqual([small.width, small.height], [10, 5]);
    assert.deepEqual([...small.data.subarray(0, 3)], [255, 0, 0]);
    assert.deepEqual([...small.data.subarray(9 * 3, 9 * 3 + 3)], [0, 0, 255]);

    assert.deepEqual(bytesOf(await imageDataUrl(`${dir}/wide.png`, 40)), original, "fits: as is");
    assert.deepEqual(bytesOf(await imageDataUrl(`${dir}/wide.png`)), original, "no limit: as is");
  });
});

Deno.test("imageDataUrl() shrinks a JPEG and keeps it JPEG", async () => {
  await withImages(async (dir) => {
    const rgba = new Uint8Array(30 * 60 * 4).fill(180);
    await Deno.writeFile(
      `${dir}/tall.jpg`,
      jpeg.encode({ data: rgba, width: 30, height: 60 }, 90).data,
    );
    const url = await imageDataUrl(`${dir}/tall.jpg`, 20);
    assert.ok(url.startsWith("data:image/jpeg;base64,/9j/"), url.slice(0, 30));
    const small = decodeImageBytes(bytesOf(url), "resized");
    assert.deepEqual([small.width, small.height], [10, 20]);
    assert.ok(Math.abs(small.data[0] - 180) <= 3, `grey kept: ${small.data[0]}`);
  });
});

Deno.test("imageDataUrl() refuses to resize a format the decoder does not read", async () => {
  await withImages(async (dir) => {
    const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0, 0, 0, 0]);
    await Deno.writeFile(`${dir}/a.gif`, gif);
    assert.ok((await imageDataUrl(`${dir}/a.gif`)).startsWith("data:image/gif;base64,"));
    await assert.rejects(imageDataUrl(`${dir}/a.gif`, 64), {
      name: "TypeError",
      message: `Cannot resize image "${dir}/a.gif" to a longest side of 64 as only PNG and JPEG ` +
        `are decoded: current format is gif`,
    });
  });
});

Deno.test("imageDataUrl() takes the MIME type from the bytes, not the file name", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const { data } = jpeg.encode(
      { data: new Uint8Array(4 * 4 * 4).fill(200), width: 4, height: 4 },
      90,
    );
    const path = `${dir}/looks_like.png`;
    await Deno.writeFile(path, data);
    assert.ok((await imageDataUrl(path)).startsWith("data:image/jpeg;base64,/9j/"));
    await Deno.writeTextFile(`${dir}/notes.png`, "hello");
    await assert.rejects(imageDataUrl(`${dir}/notes.png`), {
      name: "TypeError",
      message:
        `Cannot send image "${dir}/notes.png" as its bytes are not PNG, JPEG, GIF, WebP or BMP (first bytes: 68 65 6c 6c 6f)`,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
