import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import jpeg from "jpeg-js";
import pngjs from "pngjs";
import { decodeImageBytes, decodeImageFile } from "./image_decode.ts";

function pngBytes(): Uint8Array {
  const png = new pngjs.PNG({ width: 2, height: 1 });
  png.data = Buffer.from([255, 0, 0, 255, 0, 0, 255, 0]);
  return new Uint8Array(pngjs.PNG.sync.write(png));
}

Deno.test("decodeImageBytes() decodes PNG to RGB, compositing transparency over white", () => {
  const image = decodeImageBytes(pngBytes(), "two.png");
  assert.equal(image.width, 2);
  assert.equal(image.height, 1);
  assert.deepEqual([...image.data], [255, 0, 0, 255, 255, 255]);
});

Deno.test("decodeImageBytes() decodes JPEG to RGB", () => {
  const rgba = new Uint8Array(8 * 8 * 4).map((
    _,
    i,
  ) => (i % 4 === 1 ? 200 : i % 4 === 3 ? 255 : 20));
  const encoded = jpeg.encode({ width: 8, height: 8, data: rgba }, 95).data;
  const image = decodeImageBytes(new Uint8Array(encoded), "green.jpg");
  assert.equal(image.data.length, 8 * 8 * 3);
  assert.ok(Math.abs(image.data[1] - 200) < 8, `green channel ${image.data[1]}`);
});

Deno.test("decodeImageFile() names the file for unknown, corrupt, empty and missing files", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/notes.png`, "hello");
    await assert.rejects(
      decodeImageFile(`${dir}/notes.png`),
      /notes\.png" as it is neither PNG nor JPEG: first bytes are 68 65/,
    );
    await Deno.writeFile(`${dir}/cut.png`, pngBytes().slice(0, 40));
    await assert.rejects(decodeImageFile(`${dir}/cut.png`), (err: Error) => {
      assert.match(err.message, /Cannot decode image ".*cut\.png" as PNG/);
      assert.ok(err.cause instanceof Error);
      return true;
    });
    await Deno.writeFile(`${dir}/cut.jpg`, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2]));
    await assert.rejects(decodeImageFile(`${dir}/cut.jpg`), /cut\.jpg" as JPEG/);
    await Deno.writeFile(`${dir}/empty.jpg`, new Uint8Array());
    await assert.rejects(decodeImageFile(`${dir}/empty.jpg`), /empty file/);
    await assert.rejects(decodeImageFile(`${dir}/absent.png`), /Cannot read image ".*absent\.png"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
