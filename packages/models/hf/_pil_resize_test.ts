import assert from "node:assert/strict";
import { decodeBase64 } from "./_test_base64.ts";
import { join } from "node:path";
import { loadImageLikePil } from "./_pil_image.ts";
import { type PilResample, pilResize } from "./_pil_resize.ts";
import { HF_TESTDATA } from "./_testdata.ts";

interface ResizeRef {
  image: string;
  width: number;
  height: number;
  resample: PilResample;
  rgb_base64: string;
}

Deno.test("pilResize equals Pillow's Image.resize byte for byte for every filter, up and down", async () => {
  const refs: ResizeRef[] = JSON.parse(
    Deno.readTextFileSync(join(HF_TESTDATA, "pil_resize.json")),
  );
  assert.ok(refs.length >= 20);
  for (const ref of refs) {
    const src = await loadImageLikePil(join(HF_TESTDATA, ref.image));
    const got = pilResize(src, ref.width, ref.height, ref.resample);
    const want = decodeBase64(ref.rgb_base64);
    const what = `${ref.image} -> ${ref.width}x${ref.height} filter ${ref.resample}`;
    assert.equal(got.data.length, want.length, what);
    let diff = 0;
    for (let i = 0; i < want.length; i++) if (got.data[i] !== want[i]) diff++;
    assert.equal(diff, 0, `${what}: ${diff} bytes differ`);
  }
});

Deno.test("pilResize refuses a size that is not a positive integer", () => {
  const img = { width: 2, height: 2, data: new Uint8Array(12) };
  assert.throws(() => pilResize(img, 0, 2, 1), /Cannot resize an image to 0x2/);
  assert.throws(() => pilResize(img, 2.5, 2, 1), RangeError);
});

Deno.test("loadImageLikePil() reads GIF, WebP and BMP too (the formats datasets accept)", async () => {
  // 16x12, four solid quadrants: top left (220, 30, 40), bottom right (250, 240, 20).
  for (const ext of ["gif", "webp", "bmp"]) {
    const image = await loadImageLikePil(join(HF_TESTDATA, "images", `quadrants.${ext}`));
    assert.deepEqual([image.width, image.height], [16, 12], ext);
    assert.deepEqual([...image.data.subarray(0, 3)], [220, 30, 40], ext);
    const last = image.data.length - 3;
    assert.deepEqual([...image.data.subarray(last)], [250, 240, 20], ext);
  }
});
