import assert from "node:assert/strict";
import { dirname } from "node:path";
import {
  cleanMediaCache,
  listMediaCache,
  mediaCacheDir,
  MediaCacheNameError,
  selectMediaCache,
} from "./media_cache.ts";

async function withWorkDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-media-cache-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const bytes = (n: number) => new Uint8Array(n).fill(7);

/** Writes a file as the dataset readers store decoded images (folders created). */
async function storeImageFile(path: string, data: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  await Deno.writeFile(path, data);
}

Deno.test("listMediaCache() counts files and bytes per dataset folder; an absent cache is empty", async () => {
  await withWorkDir(async (dir) => {
    assert.deepEqual(await listMediaCache(dir), []);
    const root = mediaCacheDir(dir);
    await storeImageFile(`${root}/Bench/0.png`, bytes(10));
    await storeImageFile(`${root}/Bench/sub/1.png`, bytes(20));
    await storeImageFile(`${root}/Videos/clip/frame-1-of-8.jpg`, bytes(5));
    const entries = await listMediaCache(dir);
    assert.deepEqual(
      entries.map((e) => [e.name, e.files, e.bytes, e.activeLocks.length]),
      [["Bench", 2, 30, 0], ["Videos", 1, 5, 0]],
    );
  });
});

Deno.test("the media cache leaves out journals, top-level files and symbolic links, and never follows a link", async () => {
  await withWorkDir(async (dir) => {
    const root = mediaCacheDir(dir);
    const outside = `${dir}/elsewhere`;
    await storeImageFile(`${outside}/keep.png`, bytes(3));
    await storeImageFile(`${root}/images_Bench.journal/rank0of1.jsonl`, bytes(3));
    await Deno.writeTextFile(`${root}/images_Bench.xlsx`, "a model named images");
    await Deno.symlink(outside, `${root}/Linked`);
    await storeImageFile(`${root}/Bench/0.png`, bytes(4));
    await Deno.symlink(outside, `${root}/Bench/link`);

    assert.deepEqual((await listMediaCache(dir)).map((e) => e.name), ["Bench"]);
    assert.throws(
      () => selectMediaCache([], ["x"]),
      (e) => e instanceof MediaCacheNameError && /holds: nothing/.test(e.message),
    );
    const entries = await listMediaCache(dir);
    assert.throws(
      () => selectMediaCache(entries, ["Bench_8frame"], { folderOf: (n) => n.split("_")[0] }),
      /frames live under its base name "Bench"/,
    );
    const outcomes = await cleanMediaCache(dir, { names: "all" });
    assert.deepEqual(outcomes.map((o) => [o.entry.name, o.action]), [["Bench", "removed"]]);
    assert.equal(await Deno.readTextFile(`${outside}/keep.png`), "\x07\x07\x07");
    await Deno.stat(`${root}/images_Bench.journal/rank0of1.jsonl`);
    await Deno.stat(`${root}/images_Bench.xlsx`);
    assert.equal((await Deno.lstat(`${root}/Linked`)).isSymlink, true);
  });
});

Deno.test("cleanMediaCache() checks every name before removing anything", async () => {
  await withWorkDir(async (dir) => {
    const root = mediaCacheDir(dir);
    await storeImageFile(`${root}/Bench/0.png`, bytes(4));
    for (const bad of ["..", ".", "", "Bench/..", "/tmp", "a\\b", "Missing"]) {
      await assert.rejects(
        cleanMediaCache(dir, { names: ["Bench", bad] }),
        (e) => e instanceof MediaCacheNameError && e.cacheName === bad,
        JSON.stringify(bad),
      );
      await Deno.stat(`${root}/Bench/0.png`);
    }
    const dry = await cleanMediaCache(dir, { names: ["Bench", "Bench"], dryRun: true });
    assert.deepEqual(dry.map((o) => o.action), ["would-remove"]);
    await Deno.stat(`${root}/Bench/0.png`);
  });
});
