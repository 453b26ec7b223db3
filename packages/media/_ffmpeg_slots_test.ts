import assert from "node:assert/strict";
import { FFMPEG_SLOTS, withFfmpegSlot } from "./_ffmpeg_slots.ts";

Deno.test("withFfmpegSlot() runs at most FFMPEG_SLOTS tasks at once and frees slots on failure", async () => {
  let running = 0;
  let most = 0;
  const task = async (fail: boolean) => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running--;
    if (fail) throw new Error("ffmpeg failed");
    return "done";
  };
  const tasks = Array.from(
    { length: FFMPEG_SLOTS * 3 },
    (_, i) => withFfmpegSlot(() => task(i % 2 === 0)),
  );
  const settled = await Promise.allSettled(tasks);
  assert.equal(most, FFMPEG_SLOTS);
  assert.equal(settled.filter((s) => s.status === "rejected").length, Math.ceil(tasks.length / 2));
  // Every slot came back: as many tasks as slots start at once again.
  running = 0;
  most = 0;
  await Promise.all(Array.from({ length: FFMPEG_SLOTS }, () => withFfmpegSlot(() => task(false))));
  assert.equal(most, FFMPEG_SLOTS);
});
