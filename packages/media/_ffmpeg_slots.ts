/**
 * The ffmpeg processes this process runs at once for frame extraction: one per core. Each
 * process decodes with one thread, so the pool keeps the cores busy whether one video's GOPs
 * or many videos' extractions share it, and never oversubscribes them.
 *
 * @module
 */

/** Most ffmpeg extraction processes at once in this process: the machine's cores. */
export const FFMPEG_SLOTS: number = Math.max(1, navigator.hardwareConcurrency);

let free = FFMPEG_SLOTS;
const waiting: (() => void)[] = [];

/** Runs `task` once a slot is free, and frees the slot when it settles. */
export async function withFfmpegSlot<T>(task: () => Promise<T>): Promise<T> {
  if (free > 0) {
    free--;
  } else {
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else free++;
  }
}
