/**
 * @vlmeval/video: video benchmarks (frames come from `@vlmeval/media`).
 *
 * - {@link openVideoDataset} reads Video-MME-, MVBench- and MMBench-Video-like TSVs and builds
 *   VLMEvalKit-like prompts, one per question or one per video (pack mode), and
 *   {@link packPredictions} reads a packed answer back into per-question predictions;
 * - {@link videoDimensionRating} is Video-MME's per-duration, per-dimension rating;
 *   {@link mvbenchRating} is MVBench's per-task-type one.
 *
 * @module
 */
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
