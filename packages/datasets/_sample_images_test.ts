import assert from "node:assert/strict";
import { STORED_PATHS_GENERATION, StoredImages } from "./_sample_images.ts";

Deno.test("StoredImages forgets the paths of generations before the last two, never a format", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const paths = Array.from({ length: 7 }, (_, k) => `${dir}/${k}.png`);
    paths.forEach((path, k) => Deno.writeTextFileSync(path, `image ${k}`));
    const stored = new StoredImages(7, 2);
    paths.forEach((path, k) => stored.remember(path, k, 0, "png"));
    // Generations [0 1] [2 3] [4 5] [6]: the last two are kept.
    assert.deepStrictEqual(paths.map((path, k) => stored.isCurrent(path, k, 0)), [
      false,
      false,
      false,
      false,
      true,
      true,
      true,
    ]);
    assert.deepStrictEqual(paths.map((_, k) => stored.format(k, 0)), Array(7).fill("png"));
    // A row's later image: its format is kept with its generation.
    const second = `${dir}/0_1.jpg`;
    Deno.writeTextFileSync(second, "second image");
    stored.remember(second, 0, 1, "jpg");
    assert.deepStrictEqual(stored.format(0, 1), "jpg");
    assert.deepStrictEqual(stored.isCurrent(second, 0, 1), true);
    for (let k = 0; k < 4; k++) stored.remember(`${dir}/later${k}.png`, 0, 0, "png");
    assert.deepStrictEqual(stored.format(0, 1), undefined);
    assert.deepStrictEqual(stored.format(0, 0), "png");
    // A forgotten path is remembered again (its image was stored again), and found.
    stored.remember(paths[0], 0, 0, "png");
    assert.deepStrictEqual(stored.isCurrent(paths[0], 0, 0), true);
    // Its newer record wins over an older one for the same path in the previous generation.
    stored.remember(paths[5], 3, 0, "png");
    assert.deepStrictEqual([stored.isCurrent(paths[5], 3, 0), stored.isCurrent(paths[5], 5, 0)], [
      true,
      false,
    ]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("StoredImages keeps a whole default generation", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const path = `${dir}/first.png`;
    Deno.writeTextFileSync(path, "image");
    const stored = new StoredImages(STORED_PATHS_GENERATION + 1);
    stored.remember(path, 0, 0, "png");
    for (let k = 1; k <= STORED_PATHS_GENERATION; k++) {
      stored.remember(`${dir}/missing${k}.png`, k, 0, "png");
    }
    assert.deepStrictEqual(stored.isCurrent(path, 0, 0), true);
    // A changed file is not current, whichever generation holds it.
    Deno.writeTextFileSync(path, "another image");
    assert.deepStrictEqual(stored.isCurrent(path, 0, 0), false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
