/**
 * The ffmpeg processes this process runs at once for frame extraction: one per core. Each
 * process decodes with one thread, so the pool keeps the cores busy whether one video's GOPs
 * or many videos' extractions share it, and never oversubscribes them. A video extracted alone
 * spreads its GOPs over every slot; videos extracted side by side take a share each
 * ({@link ffmpegShare}), since every extra process pays ffmpeg's start and the file's header
 * again.
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

let extracting = 0;

/**
 * Runs `task`, one extraction, counted among those under way, with the processes it may spread
 * over: the slots shared among the extractions under way when it starts (at least 1).
 */
export async function ffmpegShare<T>(task: (processes: number) => Promise<T>): Promise<T> {
  extracting++;
  try {
    return await task(Math.max(1, Math.floor(FFMPEG_SLOTS / extracting)));
  } finally {
    extracting--;
  }
}
