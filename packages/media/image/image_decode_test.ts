import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { fileURLToPath } from "node:url";
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import {
  type DecodedImage,
  decodeImage,
  decodeImageBytes,
  decodeImageFile,
  resizeBilinear,
} from "./image_decode.ts";
import { imageDecoderInfo } from "./_native_image.ts";

const testdata = (name: string) => fileURLToPath(new URL(`./testdata/${name}`, import.meta.url));

/** The fixtures' four 8×6 quadrants, as written by ffmpeg from raw RGB (see testdata/README). */
const QUADRANTS = [[220, 30, 40], [30, 200, 60], [40, 50, 210], [250, 240, 20]];

function pixel(image: DecodedImage, x: number, y: number): number[] {
  const at = (y * image.width + x) * 3;
  return [...image.data.subarray(at, at + 3)];
}

function assertQuadrants(image: DecodedImage, tolerance: number, what: string): void {
  const { width: w, height: h } = image;
  const centres = [[w / 4, h / 4], [(3 * w) / 4, h / 4], [w / 4, (3 * h) / 4], [
    (3 * w) / 4,
    (3 * h) / 4,
  ]];
  centres.forEach(([x, y], q) => {
    const got = pixel(image, Math.floor(x), Math.floor(y));
    const off = Math.max(...got.map((v, c) => Math.abs(v - QUADRANTS[q][c])));
    assert.ok(off <= tolerance, `${what}: quadrant ${q} is ${got}, expected ${QUADRANTS[q]}`);
  });
}

function maxDifference(a: DecodedImage, b: DecodedImage): number {
  assert.equal(a.width, b.width);
  assert.equal(a.height, b.height);
  let most = 0;
  for (let i = 0; i < a.data.length; i++) most = Math.max(most, Math.abs(a.data[i] - b.data[i]));
  return most;
}

/** A 40×30 PNG with a colour gradient and an alpha ramp. */
function gradientPng(): Uint8Array {
  const png = new pngjs.PNG({ width: 40, height: 30 });
  for (let y = 0; y < 30; y++) {
    for (let x = 0; x < 40; x++) {
      const o = (y * 40 + x) * 4;
      png.data[o] = x * 6;
      png.data[o + 1] = y * 8;
      png.data[o + 2] = (x * y) % 256;
      png.data[o + 3] = y < 10 ? 255 : (x * 37) % 256;
    }
  }
  return new Uint8Array(pngjs.PNG.sync.write(png));
}

Deno.test("the native decoder (sharp) loads under Deno", async () => {
  const info = await imageDecoderInfo();
  assert.equal(info.kind, "native", info.reason);
  assert.match(info.versions ?? "", /sharp \d+\.\d+\.\d+, libvips \d+\.\d+/);
});

Deno.test("decodeImage() decodes every format the datasets accept", async () => {
  const cases: [string, number][] = [
    ["quadrants.png", 0],
    ["quadrants.jpg", 12],
    ["quadrants.gif", 2],
    ["quadrants.webp", 0],
    ["quadrants.bmp", 0],
    ["quadrants-pal8.bmp", 2],
    ["quadrants-32.bmp", 0],
    ["quadrants-16.bmp", 8],
  ];
  for (const [name, tolerance] of cases) {
    const image = await decodeImageFile(testdata(name));
    assert.equal(image.width, 16, name);
    assert.equal(image.height, 12, name);
    assert.equal(image.data.length, 16 * 12 * 3, name);
    assertQuadrants(image, tolerance, name);
  }
});

Deno.test("decodeImage() gives the TypeScript decoder's pixels on PNG (alpha over white)", async () => {
  for (const bytes of [gradientPng(), await Deno.readFile(testdata("quadrants.png"))]) {
    const native = await decodeImage(bytes, "gradient.png");
    const js = decodeImageBytes(bytes, "gradient.png");
    assert.ok(maxDifference(native, js) <= 1, `max difference ${maxDifference(native, js)}`);
  }
});

Deno.test("decodeImage() drops alpha when asked, as Pillow's convert('RGB')", async () => {
  const image = await decodeImage(gradientPng(), "gradient.png", { alpha: "drop" });
  assert.deepEqual(pixel(image, 5, 20), [30, 160, 100]);
});

Deno.test("decodeImage() and decodeImageBytes() read JPEG within a few levels of each other", async () => {
  const bytes = await Deno.readFile(testdata("quadrants.jpg"));
  const native = await decodeImage(bytes, "quadrants.jpg");
  const js = decodeImageBytes(bytes, "quadrants.jpg");
  assert.ok(maxDifference(native, js) <= 8, `max difference ${maxDifference(native, js)}`);
});

Deno.test("decodeImage() resizes inside the decoder", async () => {
  for (const name of ["quadrants.png", "quadrants.jpg", "quadrants.webp", "quadrants.bmp"]) {
    const image = await decodeImageFile(testdata(name), { resize: { width: 8, height: 6 } });
    assert.equal(image.width, 8);
    assert.equal(image.height, 6);
    assertQuadrants(image, 16, `${name} at 8x6`);
    const up = await decodeImageFile(testdata(name), { resize: { width: 64, height: 48 } });
    assertQuadrants(up, 16, `${name} at 64x48`);
  }
});

Deno.test("resizeBilinear() keeps a same-size image and interpolates between pixels", () => {
  const image = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 200, 100, 50]) };
  assert.equal(resizeBilinear(image, 2, 1), image);
  const wide = resizeBilinear(image, 4, 1);
  assert.deepEqual([...wide.data], [0, 0, 0, 50, 25, 13, 150, 75, 38, 200, 100, 50]);
});

Deno.test("decodeImageBytes() decodes PNG to RGB, compositing transparency over white", () => {
  const png = new pngjs.PNG({ width: 2, height: 1 });
  png.data = Buffer.from([255, 0, 0, 255, 0, 0, 255, 0]);
  const image = decodeImageBytes(new Uint8Array(pngjs.PNG.sync.write(png)), "two.png");
  assert.equal(image.width, 2);
  assert.equal(image.height, 1);
  assert.deepEqual([...image.data], [255, 0, 0, 255, 255, 255]);
});

Deno.test("decodeImageBytes() decodes JPEG and BMP, and refuses GIF and WebP by name", async () => {
  const rgba = new Uint8Array(8 * 8 * 4).map((
    _,
    i,
  ) => (i % 4 === 1 ? 200 : i % 4 === 3 ? 255 : 20));
  const encoded = jpeg.encode({ width: 8, height: 8, data: rgba }, 95).data;
  const image = decodeImageBytes(new Uint8Array(encoded), "green.jpg");
  assert.equal(image.data.length, 8 * 8 * 3);
  assert.ok(Math.abs(image.data[1] - 200) < 8, `green channel ${image.data[1]}`);
  for (const name of ["quadrants.bmp", "quadrants-pal8.bmp", "quadrants-32.bmp"]) {
    assertQuadrants(decodeImageBytes(await Deno.readFile(testdata(name)), name), 16, name);
  }
  assert.throws(
    () => decodeImageBytes(Deno.readFileSync(testdata("quadrants.webp")), "q.webp"),
    /Cannot decode image "q\.webp" as WebP in TypeScript: only the native decoder/,
  );
});

Deno.test("decodeImage() falls back to TypeScript with VLMEVAL_IMAGE_DECODER=js", async () => {
  const code = `
    import { decodeImageFile } from ${
    JSON.stringify(new URL("./image_decode.ts", import.meta.url).href)
  };
    import { imageDecoderInfo } from ${
    JSON.stringify(new URL("./_native_image.ts", import.meta.url).href)
  };
    const info = await imageDecoderInfo();
    const png = await decodeImageFile(${
    JSON.stringify(testdata("quadrants.png"))
  }, { resize: { width: 8, height: 6 } });
    let gif = "";
    try { await decodeImageFile(${
    JSON.stringify(testdata("quadrants.gif"))
  }); } catch (e) { gif = e.message; }
    console.log(JSON.stringify({ info, size: [png.width, png.height], first: [...png.data.subarray(0, 3)], gif }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    env: { VLMEVAL_IMAGE_DECODER: "js" },
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const got = JSON.parse(new TextDecoder().decode(out.stdout));
  assert.deepEqual(got.info, { kind: "js", reason: "VLMEVAL_IMAGE_DECODER=js" });
  assert.deepEqual(got.size, [8, 6]);
  assert.deepEqual(got.first, QUADRANTS[0]);
  assert.match(
    got.gif,
    /as GIF: only the native decoder \(sharp\) reads GIF, and it is not in use \(VLMEVAL_IMAGE_DECODER=js\)/,
  );
});

Deno.test("decodeImageFile() names the file for unknown, corrupt, empty and missing files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.png`, "hello");
    await assert.rejects(
      decodeImageFile(`${dir}/notes.png`),
      /notes\.png" as it is not PNG, JPEG, GIF, WebP or BMP: first bytes are 68 65/,
    );
    const png = await Deno.readFile(testdata("quadrants.png"));
    await Deno.writeFile(`${dir}/cut.png`, png.slice(0, 40));
    await assert.rejects(decodeImageFile(`${dir}/cut.png`), (err: Error) => {
      assert.match(err.message, /Cannot decode image ".*cut\.png" as PNG/);
      assert.ok(err.cause instanceof Error);
      return true;
    });
    assert.throws(() => decodeImageBytes(png.slice(0, 40), "cut.png"), /"cut\.png" as PNG/);
    await Deno.writeFile(`${dir}/cut.jpg`, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2]));
    await assert.rejects(decodeImageFile(`${dir}/cut.jpg`), /cut\.jpg" as JPEG/);
    const bmp = await Deno.readFile(testdata("quadrants.bmp"));
    await Deno.writeFile(`${dir}/cut.bmp`, bmp.slice(0, 200));
    await assert.rejects(
      decodeImageFile(`${dir}/cut.bmp`),
      /cut\.bmp" as BMP: the pixel data is cut/,
    );
    const rle = bmp.slice();
    rle[30] = 1;
    await Deno.writeFile(`${dir}/rle.bmp`, rle);
    await assert.rejects(decodeImageFile(`${dir}/rle.bmp`), /rle\.bmp" as BMP: compression 1/);
    await Deno.writeFile(`${dir}/empty.jpg`, new Uint8Array());
    await assert.rejects(decodeImageFile(`${dir}/empty.jpg`), /empty file/);
    await assert.rejects(decodeImageFile(`${dir}/absent.png`), /Cannot read image ".*absent\.png"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
