/**
 * @vlmeval/media: the media a benchmark row points at, made ready for a model, and the cache
 * that keeps it.
 *
 * Images:
 * - {@link decodeImage} / {@link decodeImageFile} decode PNG, JPEG, GIF, WebP and BMP to RGB
 *   with sharp's libvips (prebuilt, from npm), resizing inside the decoder; where sharp cannot
 *   load, {@link decodeImageBytes} (TypeScript: PNG, JPEG, BMP) takes over, and
 *   {@link imageDecoderInfo} says which decoder is in use and why;
 *
 * Video frames:
 * - {@link findFfmpeg} finds ffmpeg and ffprobe (`FFMPEG_BIN`, npm, Debian, `PATH`);
 * - {@link probeVideo} reads frame count, frame rate and duration, {@link BadVideoError} says
 *   why a video cannot be used;
 * - {@link frameIndicesByCount}, {@link frameIndicesByFps} and {@link frameIndicesBySegments}
 *   are VLMEvalKit's and MVBench's index formulas;
 * - {@link sampleVideoFrames} extracts frames with one seeking ffmpeg process per video into a
 *   cache shared by runs, ranks and processes; {@link isFrameLockName} and
 *   {@link isFrameLockActive} tell whether an extraction into a frame folder is running now.
 *
 * The media cache (`<work-dir>/images/`):
 * - {@link listMediaCache}, {@link selectMediaCache} and {@link cleanMediaCache} list it and
 *   remove datasets' folders, never one whose frames are being extracted.
 *
 * Test fixtures (clips whose frames show their index, broken videos) are in the `./testing`
 * entry point.
 *
 * @module
 */
export {
  type DecodedImage,
  decodeImage,
  decodeImageBytes,
  decodeImageFile,
  type DecodeImageOptions,
  resizeBilinear,
} from "./image/image_decode.ts";
export { type ImageDecoderInfo, imageDecoderInfo } from "./image/_native_image.ts";
export { BadVideoError, type BadVideoReason } from "./bad_video_error.ts";
export {
  type FfmpegSource,
  type FfmpegTools,
  findFfmpeg,
  type FindFfmpegOptions,
  MissingFfmpegError,
} from "./ffmpeg_tools.ts";
export { probeVideo, type VideoProbe } from "./probe_video.ts";
export {
  frameIndicesByCount,
  frameIndicesByFps,
  frameIndicesBySegments,
  roundHalfEven,
} from "./frame_indices.ts";
export {
  type FrameSampling,
  type FrameTarget,
  frameTargets,
  samplingKey,
  validateSampling,
} from "./frame_sampling.ts";
export {
  type SampledFrames,
  sampleVideoFrames,
  type SampleVideoFramesOptions,
} from "./sample_video_frames.ts";
export { type FrameLockOptions, isFrameLockActive, isFrameLockName } from "./frame_lock.ts";
export {
  cleanMediaCache,
  type CleanMediaCacheOptions,
  listMediaCache,
  mediaCacheDir,
  type MediaCacheEntry,
  MediaCacheNameError,
  type MediaCacheOptions,
  type MediaCacheOutcome,
  selectMediaCache,
  type SelectMediaCacheOptions,
} from "./media_cache.ts";
