import assert from "node:assert/strict";
import { mediaFolderOf, MediaIndex, ThumbnailSheets } from "./media_files.ts";

Deno.test("mediaFolderOf() gives a video benchmark's base folder and its setting's manifest", () => {
  assert.deepEqual(mediaFolderOf("Shapes_MCQ"), { folder: "Shapes_MCQ" });
  assert.deepEqual(mediaFolderOf("Shapes_Video_8frame_nopack"), {
    folder: "Shapes_Video",
    manifest: ".frames-8frame.json",
  });
  assert.deepEqual(mediaFolderOf("Video-MME_1.0fps_max8_pack"), {
    folder: "Video-MME",
    manifest: ".frames-1.0fps-max8.json",
  });
});

Deno.test("MediaIndex finds images by index and frames by manifest, never outside its folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-media-" });
  try {
    await Deno.mkdir(`${dir}/images/Bench/sub`, { recursive: true });
    for (const name of ["1.png", "2_0.jpg", "2_1.jpg", "sub/a.png"]) {
      await Deno.writeFile(`${dir}/images/Bench/${name}`, new Uint8Array([1]));
    }
    const images = MediaIndex.open(dir, "Bench");
    assert.deepEqual(await images.filesOf({ index: "1" }), ["1.png"]);
    assert.deepEqual(await images.filesOf({ index: "2" }), ["2_0.jpg", "2_1.jpg"]);
    assert.deepEqual(
      await images.filesOf({ index: "3", image_path: "['sub/a.png', '../x.png']" }),
      [
        "sub/a.png",
      ],
    );
    assert.deepEqual(await images.filesOf({ index: "4", image_path: "/etc/passwd" }), []);
    assert.equal(images.linkBase(`${dir}/out`), "../images/Bench");

    await Deno.mkdir(`${dir}/images/Vid/clip 1`, { recursive: true });
    await Deno.writeTextFile(
      `${dir}/images/Vid/clip 1/.frames-8frame.json`,
      JSON.stringify({ frames: [{ name: "frame-1-of-8.jpg" }, { name: "../../../x.jpg" }] }),
    );
    const video = MediaIndex.open(dir, "Vid_8frame_nopack");
    assert.deepEqual(await video.filesOf({ index: "0", video: "clip 1" }), [
      "clip 1/frame-1-of-8.jpg",
    ]);
    assert.deepEqual(await video.filesOf({ index: "1", video: ".." }), []);
    assert.deepEqual(await video.filesOf({ index: "2", video: "absent" }), []);
    assert.ok(MediaIndex.open(dir, "None").isEmpty);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ThumbnailSheets packs each image once and skips files it cannot decode", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-viewer-media-" });
  try {
    const png = Uint8Array.fromBase64(
      "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAGUlEQVR4AQXBAQ0AAAzDIJbcv+UeRNJNwgM+/wYAjSzeDQAAAABJRU5ErkJggg==",
    );
    await Deno.writeFile(`${dir}/a.png`, png);
    await Deno.writeTextFile(`${dir}/b.png`, "not an image");
    const sheets = new ThumbnailSheets();
    assert.equal(await sheets.add(`${dir}/a.png`), 0);
    assert.equal(await sheets.add(`${dir}/a.png`), 0);
    assert.equal(await sheets.add(`${dir}/b.png`), undefined);
    assert.equal(await sheets.add(`${dir}/absent.png`), undefined);
    sheets.finish();
    assert.deepEqual(sheets.thumbs, [[0, 0, 0, 2, 2]]);
    assert.equal(sheets.sheets.length, 1);
    assert.match(sheets.sheets[0], /^data:image\/jpeg;base64,\/9j\//);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
