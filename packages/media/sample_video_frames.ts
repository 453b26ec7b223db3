import { join, resolve } from "node:path";
import { acquireLock, commitFile } from "@vlmeval/internal";
import { type FfmpegTools, findFfmpeg } from "./ffmpeg_tools.ts";
import {
  type FrameSampling,
  frameTargets,
  samplingKey,
  validateSampling,
} from "./frame_sampling.ts";
import { probeVideo, type VideoProbe } from "./probe_video.ts";
import { extractFrames } from "./_extract_frames.ts";
import { DEFAULT_LOCK, frameLockName, type FrameLockOptions } from "./frame_lock.ts";
import { type FrameManifest, readCachedFrames, writeManifest } from "./_frame_manifest.ts";

/** Options of {@link sampleVideoFrames}. */
export interface SampleVideoFramesOptions {
  /** The video file. */
  video: string;
  /** Folder of this video's frames, e.g. `<work-dir>/frames/<dataset>/<video>`. */
  framesDir: string;
  /** Which frames to take. */
  sampling: FrameSampling;
  /** ffmpeg and ffprobe; found with {@link findFfmpeg} on a cache miss when left out. */
  tools?: FfmpegTools;
  /** Aborts the lock wait, the probe and the extraction. */
  signal?: AbortSignal;
  /** Kills an ffmpeg process running longer than this (default 10 minutes). */
  timeoutMs?: number;
  /**
   * How the frames are found on a cache miss: `keyframes` (default) reads the keyframes and
   * decodes each GOP holding targets from its keyframe; `seek` seeks half a frame before the
   * targets and counts frames, without reading keyframes (vlmeval's earlier method, kept for
   * comparison).
   */
  planning?: "keyframes" | "seek";
  /** Lock timing, for tests (its `signal` is replaced by `signal` above). */
  lock?: Partial<FrameLockOptions>;
}

/** Frames taken from a video. */
export interface SampledFrames {
  /** Absolute paths of the JPEG frames, in sampling order. */
  paths: string[];
  /** 0-based frame index of each path. */
  indices: number[];
  /** Time of each frame in seconds (index / fps). */
  times: number[];
  /** What the video is (recorded at extraction, so a cache hit needs no probing). */
  probe: VideoProbe;
  /** True when every frame came from the cache and nothing was decoded. */
  fromCache: boolean;
}

/**
 * Returns the frames a sampling setting selects in a video, extracting them on the first call
 * and reusing them afterwards, across runs, ranks and processes.
 *
 * Frames are `<framesDir>/frame-<i>-of-<n>....jpg` (see {@link frameTargets}). A manifest
 * `.frames-<setting>.json` written after the frames records the indices, the probe and the
 * video's size and modification time; a cache hit is a manifest for this video plus non-empty
 * frames, checked with a few `stat` calls and no decoding or probing. Every frame is written
 * under a temporary name, flushed and renamed (`commitFile`), so concurrent writers never leave
 * a torn frame; a lock
 * file lets concurrent callers wait for one extraction instead of repeating it.
 *
 * @throws {BadVideoError} when the video cannot be sampled (see its `reason`)
 * @throws {MissingFfmpegError} on a cache miss when no ffmpeg is found
 *
 * @example Eight frames, extracted once
 * ```ts ignore
 * import { sampleVideoFrames } from "@vlmeval/media";
 * const frames = await sampleVideoFrames({
 *   video: "/data/videos/clip.mp4",
 *   framesDir: "/work/frames/MyVideos/clip",
 *   sampling: { mode: "count", nframe: 8 },
 * });
 * frames.paths; // [".../frame-1-of-8.jpg", ...]
 * ```
 */
export async function sampleVideoFrames(
  options: SampleVideoFramesOptions,
): Promise<SampledFrames> {
  validateSampling(options.sampling);
  options = { ...options, framesDir: resolve(options.framesDir) };
  const key = samplingKey(options.sampling);
  const manifestPath = join(options.framesDir, `.frames-${key}.json`);
  const cached = await readCachedFrames(manifestPath, options.video, key);
  if (cached) return result(options.framesDir, cached, true);

  await Deno.mkdir(options.framesDir, { recursive: true });
  const lock = await acquireLock(join(options.framesDir, frameLockName(key)), {
    ...DEFAULT_LOCK,
    ...options.lock,
    signal: options.signal,
    ready: async () => (await readCachedFrames(manifestPath, options.video, key)) !== undefined,
  });
  try {
    if (lock.ready || lock.held) {
      const done = await readCachedFrames(manifestPath, options.video, key);
      if (done) return result(options.framesDir, done, true);
    }
    if (lock.held) {
      await removeStaleTemporaries(
        options.framesDir,
        options.lock?.staleMs ?? DEFAULT_LOCK.staleMs,
      );
    }
    const manifest = await extractAll(options, key);
    await writeManifest(manifestPath, manifest);
    return result(options.framesDir, manifest, false);
  } finally {
    await lock.release();
  }
}

async function extractAll(options: SampleVideoFramesOptions, key: string): Promise<FrameManifest> {
  const tools = options.tools ?? await findFfmpeg();
  const stat = await Deno.stat(options.video).catch(() => undefined);
  const probe = await probeVideo(options.video, tools, options.signal);
  const targets = frameTargets(options.sampling, probe);
  const tempDir = await Deno.makeTempDir({ dir: options.framesDir, prefix: ".extract-" });
  try {
    const files = await extractFrames(
      options.video,
      probe,
      targets.map((t) => t.index),
      tempDir,
      tools,
      { signal: options.signal, timeoutMs: options.timeoutMs, planning: options.planning },
    );
    const placed = new Map<number, string>();
    for (const target of targets) {
      const destination = join(options.framesDir, target.name);
      const earlier = placed.get(target.index);
      if (earlier === undefined) {
        await commitFile(files.get(target.index)!, destination);
        placed.set(target.index, destination);
      } else {
        const copy = join(tempDir, `copy-${target.name}`);
        await Deno.copyFile(earlier, copy);
        await commitFile(copy, destination);
      }
    }
  } finally {
    await Deno.remove(tempDir, { recursive: true }).catch(() => {});
  }
  return {
    version: 1,
    sampling: key,
    video: { size: stat?.size ?? 0, mtimeMs: stat?.mtime?.getTime() ?? 0 },
    probe,
    frames: targets,
  };
}

/** Removes what a killed extraction left behind: `.extract-*` folders and `*.tmp` files. */
async function removeStaleTemporaries(framesDir: string, olderThanMs: number): Promise<void> {
  for await (const entry of Deno.readDir(framesDir)) {
    if (!entry.name.startsWith(".extract-") && !entry.name.endsWith(".tmp")) continue;
    const path = join(framesDir, entry.name);
    const info = await Deno.stat(path).catch(() => undefined);
    if (info && Date.now() - (info.mtime?.getTime() ?? 0) > olderThanMs) {
      await Deno.remove(path, { recursive: true }).catch(() => {});
    }
  }
}

function result(framesDir: string, manifest: FrameManifest, fromCache: boolean): SampledFrames {
  return {
    paths: manifest.frames.map((f) => join(framesDir, f.name)),
    indices: manifest.frames.map((f) => f.index),
    times: manifest.frames.map((f) => f.index / manifest.probe.fps),
    probe: manifest.probe,
    fromCache,
  };
}
