/**
 * End-to-end: an MVBench-like benchmark (options as bare texts in `candidates`, the answer as
 * option text, a `task_type` per row) on real H.264 clips through the real CLI, scored as
 * multiple choice with MVBench's per-task-type `<stem>_rating.json`.
 */
import assert from "node:assert/strict";
import { REPO, runProcess } from "./helpers/distributed_cli.ts";

Deno.test("an MVBench-like benchmark is scored with MVBench's per-task-type rating", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vlmeval-mvbench-" });
  try {
    await Deno.mkdir(`${dir}/video`);
    for (const clip of ["shapes_000", "shapes_001"]) {
      await Deno.copyFile(
        `${REPO}/packages/datasets/bundled/video/${clip}.mp4`,
        `${dir}/video/${clip}.mp4`,
      );
    }
    const rows = [
      ["video", "question", "candidates", "answer", "task_type"],
      // ConstantAnswer says "A": right when the answer is the first candidate.
      ["shapes_000.mp4", "Which way?", "['left', 'right']", "left", "Motion"],
      ["shapes_000.mp4", "How many?", "['one', 'two', 'three']", "two", "Count"],
      ["shapes_001.mp4", "Which way?", "['up', 'down']", "up", "Motion"],
      ["shapes_001.mp4", "How many?", "['one', 'two']", "one", "Count"],
      ["shapes_001.mp4", "Which colour?", "['red', 'blue']", "blue", "Colour"],
    ];
    await Deno.writeTextFile(
      `${dir}/MVB.tsv`,
      rows.map((r) => r.map((c) => `"${c}"`).join("\t")).join("\n") + "\n",
    );
    const run = await runProcess([
      "--model",
      "ConstantAnswer",
      "--data",
      `${dir}/MVB.tsv`,
      "--nframe",
      "4",
      "--work-dir",
      dir,
    ]);
    assert.equal(run.code, 0, run.stderr);
    const stem = `${dir}/ConstantAnswer/ConstantAnswer_MVB_4frame_nopack`;
    const rating = JSON.parse(await Deno.readTextFile(`${stem}_rating.json`));
    assert.deepEqual(rating, {
      Motion: [2, 2, "100.00%"],
      Count: [1, 2, "50.00%"],
      Colour: [0, 1, "0.00%"],
      overall: [3, 5, "60.00%"],
    });
    const acc = await Deno.readTextFile(`${stem}_acc.csv`);
    assert.match(acc.split("\n")[1], /^"none","0\.6"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
