/** Why a video cannot be sampled. */
export type BadVideoReason =
  | "missing-file"
  | "zero-length"
  | "corrupt"
  | "truncated"
  | "no-video-stream"
  | "unreadable-codec"
  | "unknown-duration"
  | "decode-failed";

const REASON_TEXT: Record<BadVideoReason, string> = {
  "missing-file": "the file does not exist",
  "zero-length": "the file is empty (0 bytes)",
  corrupt: "the file is not a readable video container",
  truncated: "the file is truncated",
  "no-video-stream": "the file has no video stream",
  "unreadable-codec": "its video codec cannot be decoded by this ffmpeg",
  "unknown-duration": "its duration and frame count are unknown",
  "decode-failed": "ffmpeg failed to decode it",
};

/**
 * A video that cannot be sampled. The pipeline records it as a per-sample failure under
 * SKIP_ERR and stops with it otherwise.
 *
 * @example Tell a missing file from a broken one
 * ```ts
 * import { BadVideoError } from "@vlmeval/media";
 * const error = new BadVideoError("missing-file", "/data/v.mp4", "tried v.mp4, v.mkv");
 * error.reason; // "missing-file"
 * ```
 */
export class BadVideoError extends Error {
  /** Machine-readable reason. */
  readonly reason: BadVideoReason;
  /** The video file (or the name that could not be resolved to one). */
  readonly path: string;

  /** The message is built from `reason` and `path`, with `detail` (e.g. ffmpeg's words) after. */
  constructor(reason: BadVideoReason, path: string, detail?: string, options?: ErrorOptions) {
    const suffix = detail ? `: ${detail}` : "";
    super(`Cannot sample frames from "${path}" as ${REASON_TEXT[reason]}${suffix}`, options);
    this.name = "BadVideoError";
    this.reason = reason;
    this.path = path;
  }
}
