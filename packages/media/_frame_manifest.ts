import { join } from "node:path";
import { writeAtomically } from "@vlmeval/internal";
import type { FrameTarget } from "./frame_sampling.ts";
import type { VideoProbe } from "./probe_video.ts";

/** What a frame folder records about one sampling setting, written after the frames. */
export interface FrameManifest {
  version: 1;
  /** The setting's key (`8frame`, `1.0fps`, ...). */
  sampling: string;
  /** Identity of the video the frames came from. */
  video: { size: number; mtimeMs: number };
  probe: VideoProbe;
  frames: FrameTarget[];
}

/**
 * The manifest at `manifestPath` when it is complete and current: written for this setting,
 * for a video of the same size and modification time as `videoPath`, with every frame present
 * and non-empty. Otherwise undefined (a miss). Only `stat` calls and one small read.
 */
export async function readCachedFrames(
  manifestPath: string,
  videoPath: string,
  key: string,
): Promise<FrameManifest | undefined> {
  let manifest: FrameManifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(manifestPath)) as FrameManifest;
  } catch {
    return undefined;
  }
  if (manifest.version !== 1 || manifest.sampling !== key || !Array.isArray(manifest.frames)) {
    return undefined;
  }
  const video = await Deno.stat(videoPath).catch(() => undefined);
  if (
    !video || video.size !== manifest.video.size ||
    (video.mtime?.getTime() ?? 0) !== manifest.video.mtimeMs
  ) {
    return undefined;
  }
  const dir = join(manifestPath, "..");
  const sizes = await Promise.all(
    manifest.frames.map((f) => Deno.stat(join(dir, f.name)).then((s) => s.size, () => 0)),
  );
  return sizes.every((size) => size > 0) ? manifest : undefined;
}

/** Writes the manifest atomically (`writeAtomically`). */
export async function writeManifest(manifestPath: string, manifest: FrameManifest): Promise<void> {
  await writeAtomically(manifestPath, (temp) => Deno.writeTextFile(temp, JSON.stringify(manifest)));
}
