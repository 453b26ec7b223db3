/**
 * @vlmeval/video: frame sampling and video benchmarks.
 *
 * - {@link findFfmpeg} finds ffmpeg and ffprobe (`FFMPEG_BIN`, npm, Debian, `PATH`);
 * - {@link probeVideo} reads frame count, frame rate and duration, {@link BadVideoError} says
 *   why a video cannot be used;
 * - {@link frameIndicesByCount}, {@link frameIndicesByFps} and {@link frameIndicesBySegments}
 *   are VLMEvalKit's and MVBench's index formulas;
 * - {@link sampleVideoFrames} extracts frames with one seeking ffmpeg process per video into a
 *   cache shared by runs, ranks and processes; {@link isFrameLockName} and
 *   {@link isFrameLockActive} tell whether an extraction into a frame folder is running now;
 * - {@link openVideoDataset} reads Video-MME-, MVBench- and MMBench-Video-like TSVs and builds
 *   VLMEvalKit-like prompts, one per question or one per video (pack mode), and
 *   {@link packPredictions} reads a packed answer back into per-question predictions;
 * - {@link videoDimensionRating} is Video-MME's per-duration, per-dimension rating;
 *   {@link mvbenchRating} is MVBench's per-task-type one.
 *
 * @module
 */
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
export { checkVideoName, resolveVideoPath, VIDEO_EXTENSIONS } from "./video_path.ts";
export { VideoDatasetError } from "./video_dataset_error.ts";
export {
  type BuildPromptOptions,
  openVideoDataset,
  type OpenVideoDatasetOptions,
  type VideoDataset,
  type VideoDatasetShape,
  type VideoQuestion,
  type VideoUnit,
} from "./video_dataset.ts";
export {
  isPackParseFailure,
  type PackParseFailure,
  packPredictions,
  parsePackAnswer,
} from "./pack_answer.ts";
export {
  type DimensionRating,
  mvbenchRating,
  type ScoredVideoRow,
  type TaskTypeRating,
  videoDimensionRating,
} from "./video_rating.ts";
export { bundledVideoDatasetPath } from "./bundled.ts";
