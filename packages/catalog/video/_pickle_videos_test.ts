import assert from "node:assert/strict";
import { join } from "node:path";
import { unpickleVideos } from "./_pickle_videos.ts";
import { DatasetLayoutError } from "../errors.ts";
import { withTempDir } from "../_test_server.ts";

const testdata = (name: string) => new URL(`../testdata/${name}`, import.meta.url).pathname;

for (const protocol of [3, 4, 5]) {
  Deno.test(`unpickleVideos() writes each video of a protocol ${protocol} pickle`, async () => {
    await withTempDir(async (dir) => {
      const into = join(dir, "video");
      const n = await unpickleVideos(testdata(`mmbench_video_p${protocol}.pkl`), into, ".mp4");
      assert.equal(n, 2);
      const b = await Deno.readFile(join(into, "video_b.mp4"));
      assert.equal(b.length, 512);
      assert.deepEqual([...b.subarray(250, 260)], [250, 251, 252, 253, 254, 255, 0, 1, 2, 3]);
      const names = [];
      for await (const e of Deno.readDir(into)) names.push(e.name);
      assert.deepEqual(names.sort(), ["video_a.mp4", "video_b.mp4"], "no temporary file left");
    });
  });
}

Deno.test("unpickleVideos() refuses a pickle that would run code, naming the opcode", async () => {
  await withTempDir(async (dir) => {
    const error = await unpickleVideos(testdata("evil.pkl"), join(dir, "video"), ".mp4")
      .catch((e) => e);
    assert.ok(error instanceof DatasetLayoutError);
    assert.match(
      error.message,
      /evil\.pkl at byte \d+ as it holds pickle opcode 0x93.*nothing in it is executed/,
    );
    const left = [];
    for await (const e of Deno.readDir(join(dir, "video"))) left.push(e.name);
    assert.deepEqual(left, []);
  });
});

Deno.test("unpickleVideos() refuses a video name that is a path", async () => {
  await withTempDir(async (dir) => {
    // {'../x': b'ab'} at protocol 4, written by hand.
    const bytes = new Uint8Array([
      0x80,
      4,
      0x7d,
      0x94,
      0x8c,
      4,
      ...new TextEncoder().encode("../x"),
      0x94,
      0x43,
      2,
      97,
      98,
      0x94,
      0x73,
      0x2e,
    ]);
    await Deno.writeFile(join(dir, "bad.pkl"), bytes);
    const error = await unpickleVideos(join(dir, "bad.pkl"), join(dir, "video"), ".mp4")
      .catch((e) => e);
    assert.ok(error instanceof DatasetLayoutError);
    assert.match(error.message, /names a video "\.\.\/x" that is not a plain file name/);
    assert.equal(await Deno.stat(join(dir, "x.mp4")).then(() => true, () => false), false);
  });
});

Deno.test("unpickleVideos() reports a truncated pickle", async () => {
  await withTempDir(async (dir) => {
    const whole = await Deno.readFile(testdata("mmbench_video_p4.pkl"));
    await Deno.writeFile(join(dir, "cut.pkl"), whole.subarray(0, 200));
    const error = await unpickleVideos(join(dir, "cut.pkl"), join(dir, "video"), ".mp4")
      .catch((e) => e);
    assert.ok(error instanceof DatasetLayoutError, String(error));
    assert.match(error.message, /cut\.pkl at byte \d+ as the file ends inside the pickle/);
  });
});
