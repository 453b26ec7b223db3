import assert from "node:assert/strict";
import { BadVideoError, findFfmpeg } from "@vlmeval/media";
import { makeIndexClip } from "@vlmeval/media/testing";
import { openTask } from "./open_task.ts";

Deno.test("a video task extracts the coming videos' frames ahead, and a bad video fails its own unit", async () => {
  const root = await Deno.makeTempDir({ prefix: "vlmeval-prefetch-" });
  try {
    const tools = await findFfmpeg();
    await Deno.mkdir(`${root}/video`);
    for (const name of ["a", "b", "c"]) {
      await makeIndexClip(tools, `${root}/video/${name}.mp4`, { frames: 50, gop: 10 });
    }
    await Deno.writeTextFile(`${root}/video/broken.mp4`, "not a video");
    const rows = ["a", "b", "broken", "c"].map((video, i) =>
      `"${i}"\t"${video}"\t"Which?"\t"['A. x', 'B. y']"\t"A"\t"Counting"\t"short"`
    );
    await Deno.writeTextFile(
      `${root}/Mini.tsv`,
      ['"index"\t"video"\t"question"\t"candidates"\t"answer"\t"task_type"\t"duration"', ...rows]
        .join("\n") + "\n",
    );
    const task = await openTask(`${root}/Mini.tsv`, { workDir: `${root}/work`, nframe: 4 });
    assert.ok(task.prefetch, "video tasks prefetch");
    task.prefetch([0, 1, 2, 3], { concurrency: 2 });
    const first = await (await task.unitAt(0)).buildPrompt();
    assert.equal(first.filter((m) => m.type === "image").length, 4);
    // Unit 3's video is extracted without its unit asking (the window runs ahead).
    const manifest = `${root}/work/images/Mini/c/.frames-4frame.json`;
    for (let k = 0; k < 200 && !(await Deno.stat(manifest).catch(() => undefined)); k++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(await Deno.stat(manifest), "the coming video's frames are in the cache");
    await (await task.unitAt(1)).buildPrompt();
    await assert.rejects((await task.unitAt(2)).buildPrompt(), BadVideoError);
    const last = await (await task.unitAt(3)).buildPrompt();
    assert.equal(last.filter((m) => m.type === "image").length, 4);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
