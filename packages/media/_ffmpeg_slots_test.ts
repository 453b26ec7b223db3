import assert from "node:assert/strict";
import { FFMPEG_SLOTS, ffmpegShare, withFfmpegSlot } from "./_ffmpeg_slots.ts";

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

Deno.test("ffmpegShare() gives an extraction alone every slot, and side by side a share each", async () => {
  const alone = await ffmpegShare((processes) => Promise.resolve(processes));
  assert.equal(alone, FFMPEG_SLOTS);
  let release = () => {};
  const held = new Promise<void>((resolve) => release = resolve);
  const first = ffmpegShare(async (processes) => {
    await held;
    return processes;
  });
  const second = await ffmpegShare((processes) => Promise.resolve(processes));
  release();
  assert.equal(await first, FFMPEG_SLOTS);
  assert.equal(second, Math.max(1, Math.floor(FFMPEG_SLOTS / 2)));
  assert.equal(await ffmpegShare((processes) => Promise.resolve(processes)), FFMPEG_SLOTS);
});
