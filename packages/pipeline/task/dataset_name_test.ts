import assert from "node:assert/strict";
import { parseDatasetName, taskNameFor, videoTaskName } from "./dataset_name.ts";
import { openTask } from "./open_task.ts";

Deno.test("parseDatasetName() reads VLMEvalKit's video presets", () => {
  assert.deepEqual(parseDatasetName("Video-MME_8frame"), {
    base: "Video-MME",
    frames: { nframe: 8 },
    pack: false,
  });
  assert.deepEqual(parseDatasetName("MMBench-Video_1fps_pack"), {
    base: "MMBench-Video",
    frames: { fps: 1 },
    pack: true,
  });
  assert.deepEqual(parseDatasetName("MMBench_DEV_EN"), { base: "MMBench_DEV_EN", pack: false });
});

Deno.test("videoTaskName() writes the setting as VLMEvalKit does, with a frame cap", () => {
  assert.equal(videoTaskName("V", { nframe: 8 }, false), "V_8frame_nopack");
  assert.equal(videoTaskName("V", { fps: 1 }, true), "V_1.0fps_pack");
  assert.equal(videoTaskName("V", { fps: 0.5, maxFrames: 64 }, false), "V_0.5fps_max64_nopack");
});

Deno.test("taskNameFor() names a task exactly as openTask() does, without opening it", async () => {
  const workDir = await Deno.makeTempDir({ prefix: "vlmeval_names_" });
  try {
    await Deno.writeTextFile(
      `${workDir}/Mine.tsv`,
      "index\tquestion\tanswer\timage_path\n1\tq\tYes\tx.png\n",
    );
    const cases: [string, Record<string, number | boolean>][] = [
      ["Shapes_MCQ", {}],
      [`${workDir}/Mine.tsv`, {}],
      ["Shapes_Video_8frame", {}],
      ["Shapes_Video_8frame_pack", {}],
      ["Shapes_Video_8frame", { nframe: 4, pack: true }],
      ["Shapes_Video_1fps", {}],
      ["Shapes_Video", { fps: 0.5, maxFrames: 6 }],
    ];
    for (const [name, flags] of cases) {
      const task = await openTask(name, { workDir, ...flags });
      try {
        assert.equal(taskNameFor(name, flags), task.name, name);
      } finally {
        task.close?.();
      }
    }
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
});
