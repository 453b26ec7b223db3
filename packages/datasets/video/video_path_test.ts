import assert from "node:assert/strict";
import { join } from "node:path";
import { BadVideoError } from "@vlmeval/media";
import { checkVideoName, resolveVideoPath } from "./video_path.ts";

Deno.test("resolveVideoPath() tries the name as given, then common extensions", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "a.mkv"), "x");
    await Deno.writeTextFile(join(dir, "b.mp4"), "x");
    await Deno.mkdir(join(dir, "task"));
    await Deno.writeTextFile(join(dir, "task", "c.webm"), "x");
    assert.equal(await resolveVideoPath(dir, "a"), join(dir, "a.mkv"));
    assert.equal(await resolveVideoPath(dir, "b.mp4"), join(dir, "b.mp4"));
    assert.equal(await resolveVideoPath(dir, "b"), join(dir, "b.mp4"));
    assert.equal(await resolveVideoPath(dir, "task/c"), join(dir, "task", "c.webm"));
    const error = await resolveVideoPath(dir, "d").catch((e) => e);
    assert.ok(error instanceof BadVideoError);
    assert.equal(error.reason, "missing-file");
    assert.match(error.message, /tried d, d\.mp4, d\.mkv/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("resolveVideoPath() refuses names that leave the video folder", async () => {
  for (const name of ["../x", "a/../../x", "/etc/passwd", "..", "a//b", "./a", "a\\b", "C:x", ""]) {
    assert.throws(() => checkVideoName(name), TypeError, name);
    await assert.rejects(resolveVideoPath("/tmp", name), TypeError);
  }
  checkVideoName("task/clip.mp4");
  checkVideoName("clip..mp4");
});
