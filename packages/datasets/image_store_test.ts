import assert from "node:assert/strict";
import { join } from "node:path";
import { storeImageFile } from "./image_store.ts";

Deno.test("storeImageFile() writes once, reuses identical bytes and replaces different ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_image_store_" });
  try {
    const path = join(dir, "a", "b", "x.png");
    const bytes = new Uint8Array([1, 2, 3, 4]);
    assert.equal(await storeImageFile(path, bytes), true);
    assert.equal(await storeImageFile(path, bytes), false);
    assert.equal(await storeImageFile(path, new Uint8Array([1, 2, 3, 5])), true);
    assert.deepEqual(await Deno.readFile(path), new Uint8Array([1, 2, 3, 5]));
    assert.deepEqual([...Deno.readDirSync(join(dir, "a", "b"))].map((e) => e.name), ["x.png"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("storeImageFile() leaves no temporary file when the write fails", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval_image_store_" });
  try {
    const path = join(dir, "taken");
    await Deno.mkdir(join(path, "child"), { recursive: true });
    await assert.rejects(() => storeImageFile(path, new Uint8Array([1])));
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["taken"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
